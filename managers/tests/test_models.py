import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import override_settings
from django.utils import translation

from accounts.models import Role
from managers.models import ManagerProfile
from accounts.tests.factories import UserFactory
from managers.tests.factories import ManagerFactory

pytestmark = pytest.mark.django_db


def manager_profile(**fields) -> ManagerProfile:
    return ManagerProfile(user=UserFactory(role=Role.MANAGER), **fields)


class TestCapacityRejects:
    def test_zero_fails_validation_on_the_capacity_field(self):
        with pytest.raises(ValidationError) as excinfo:
            manager_profile(capacity=0).full_clean()

        errors = excinfo.value.error_dict
        assert list(errors) == ["capacity"]
        assert errors["capacity"][0].code == "min_value"

    def test_message_names_the_bound(self):
        with pytest.raises(ValidationError) as excinfo:
            manager_profile(capacity=0).full_clean()

        with translation.override("en"):
            assert excinfo.value.message_dict["capacity"] == ["Ensure this value is greater than or equal to 1."]

    def test_database_refuses_save(self):
        with pytest.raises(IntegrityError), transaction.atomic():
            manager_profile(capacity=0).save()

    def test_database_refuses_bulk_create(self):
        with pytest.raises(IntegrityError), transaction.atomic():
            ManagerProfile.objects.bulk_create([manager_profile(capacity=0)])

    def test_one_is_accepted(self):
        manager = manager_profile(capacity=1)
        manager.full_clean()
        manager.save()

        assert ManagerProfile.objects.get(pk=manager.pk).capacity == 1


def test_capacity_defaults_to_the_setting(settings):
    assert settings.PORTRAIT_DEFAULT_MANAGER_CAPACITY == 50
    assert ManagerFactory().capacity == 50


@override_settings(PORTRAIT_DEFAULT_MANAGER_CAPACITY=7)
def test_capacity_default_follows_the_setting():
    manager = ManagerFactory()

    assert ManagerProfile.objects.get(pk=manager.pk).capacity == 7


def test_new_managers_accept_customers():
    assert ManagerFactory().accepting_customers is True


def test_factory_sets_capabilities_and_hobbies(services, hobbies):
    manager = ManagerFactory(capabilities=services, hobbies=hobbies[:1])

    assert manager.user.role == Role.MANAGER
    assert set(manager.capabilities.all()) == set(services)
    assert list(manager.hobbies.all()) == hobbies[:1]
