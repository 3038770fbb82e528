from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from accounts.models import Role
from customers.models import CustomerProfile
from accounts.tests.factories import UserFactory
from customers.tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def profile(**fields) -> CustomerProfile:
    """An unsaved, otherwise valid portrait of a saved customer user."""
    values = {"age": 40, "occupation": "教师", "total_assets": Decimal("100000.00"), **fields}
    return CustomerProfile(user=UserFactory(role=Role.CUSTOMER), **values)


def field_errors(instance) -> dict[str, list[ValidationError]]:
    with pytest.raises(ValidationError) as excinfo:
        instance.full_clean()
    return excinfo.value.error_dict


class TestAgeRejects:
    @pytest.mark.parametrize(("age", "code"), [(17, "min_value"), (121, "max_value")])
    def test_validation_names_the_age_field(self, age, code):
        errors = field_errors(profile(age=age))

        assert list(errors) == ["age"]
        assert errors["age"][0].code == code

    @pytest.mark.parametrize(
        ("language", "message"),
        [("en", "Ensure this value is greater than or equal to 18."), ("zh-hans", "确保该值大于或等于18。")],
    )
    def test_message_names_the_bound(self, language, message):
        errors = field_errors(profile(age=17))

        with translation.override(language):
            assert errors["age"][0].messages == [message]

    @pytest.mark.parametrize("age", [17, 121])
    def test_database_refuses_save(self, age):
        with pytest.raises(IntegrityError), transaction.atomic():
            profile(age=age).save()

    @pytest.mark.parametrize("age", [17, 121])
    def test_database_refuses_bulk_create(self, age):
        with pytest.raises(IntegrityError), transaction.atomic():
            CustomerProfile.objects.bulk_create([profile(age=age)])

    @pytest.mark.parametrize("age", [18, 120])
    def test_bounds_are_accepted(self, age):
        customer = profile(age=age)
        customer.full_clean()
        customer.save()

        assert CustomerProfile.objects.get(pk=customer.pk).age == age


class TestAssetsRejects:
    def test_negative_assets_fail_validation_on_the_assets_field(self):
        errors = field_errors(profile(total_assets=Decimal("-0.01")))

        assert list(errors) == ["total_assets"]
        assert errors["total_assets"][0].code == "min_value"

    def test_database_refuses_negative_assets(self):
        with pytest.raises(IntegrityError), transaction.atomic():
            profile(total_assets=Decimal("-0.01")).save()

    def test_database_refuses_negative_assets_in_bulk(self):
        with pytest.raises(IntegrityError), transaction.atomic():
            CustomerProfile.objects.bulk_create([profile(total_assets=Decimal("-0.01"))])

    def test_more_than_two_decimal_places_fail_validation(self):
        errors = field_errors(profile(total_assets=Decimal("1.001")))

        assert errors["total_assets"][0].code == "max_decimal_places"

    def test_more_than_fifteen_digits_fail_validation(self):
        errors = field_errors(profile(total_assets=Decimal("10000000000000.00")))

        assert errors["total_assets"][0].code == "max_digits"

    def test_zero_is_accepted(self):
        customer = profile(total_assets=Decimal("0"))
        customer.full_clean()
        customer.save()

        assert CustomerProfile.objects.get(pk=customer.pk).total_assets == Decimal("0.00")


@pytest.mark.parametrize(
    "assets",
    # Up to the field's 15 digits, which every backend keeps exactly (SQLite goes through a 15-digit context).
    [Decimal("0.10"), Decimal("0.30"), Decimal("1234567.89"), Decimal("50000000.01"), Decimal("9999999999999.99")],
)
def test_assets_keep_decimal_precision(assets):
    customer = profile(total_assets=assets)
    customer.save()

    stored = CustomerProfile.objects.values_list("total_assets", flat=True).get(pk=customer.pk)

    assert type(stored) is Decimal
    assert stored == assets
    assert stored.as_tuple().exponent == -2


def test_assets_sum_exactly():
    CustomerFactory(total_assets=Decimal("0.10"))
    CustomerFactory(total_assets=Decimal("0.20"))

    total = sum(CustomerProfile.objects.values_list("total_assets", flat=True))

    assert total == Decimal("0.30")


class TestCustomerClassRejects:
    def test_unknown_class_fails_validation_on_the_class_field(self):
        errors = field_errors(profile(customer_class="F"))

        assert list(errors) == ["customer_class"]
        assert errors["customer_class"][0].code == "invalid_choice"

    def test_database_refuses_unknown_class(self):
        with pytest.raises(IntegrityError), transaction.atomic():
            profile(customer_class="F").save()

    @pytest.mark.parametrize("customer_class", ["", "A", "E"])
    def test_known_classes_and_empty_are_accepted(self, customer_class):
        accepted = profile(customer_class=customer_class)

        accepted.full_clean()
        accepted.save()

        assert CustomerProfile.objects.get(pk=accepted.pk).customer_class == customer_class


def test_one_portrait_per_user():
    customer = CustomerFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        CustomerProfile.objects.create(user=customer.user, age=30)


def test_factory_sets_needs_and_hobbies(services, hobbies):
    customer = CustomerFactory(needs=services[:3], hobbies=hobbies[:2])

    assert customer.user.role == Role.CUSTOMER
    assert set(customer.needs.all()) == set(services[:3])
    assert set(customer.hobbies.all()) == set(hobbies[:2])
    assert customer.customer_class == "" and customer.manager is None


def test_str_is_the_user():
    customer = CustomerFactory(user__username="c1", user__name="李娜")

    assert str(customer) == "李娜 (c1)"
