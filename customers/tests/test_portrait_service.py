"""customer_portrait_save: the fields a customer owns, validated by the model, audited, reclassified."""
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from audit.models import AuditEvent
from customers.models import CustomerProfile
from customers.services import customer_portrait_save

pytestmark = pytest.mark.django_db(transaction=True)  # reclassification runs on commit


def test_a_new_customer_gets_a_portrait_and_a_class(django_user_model, manager, services, hobbies):
    user = django_user_model.objects.create_user("newbie", password="x" * 12)

    profile = customer_portrait_save(
        user=user, actor=user, age=35, occupation="教师", total_assets=Decimal("250000"),
        needs=services[:3], hobbies=hobbies[:3],
    )

    profile.refresh_from_db()
    assert profile.customer_class == "D"  # 3 shared needs + 3 shared hobbies = 6: D, no upgrade (3 < 3 + 2)
    event = AuditEvent.objects.get(action="customer.portrait_created")
    assert event.actor == user and event.changes["age"] == [None, 35]


def test_an_edit_records_old_and_new_values(customer, hobbies):
    customer_portrait_save(
        user=customer.user, actor=customer.user, age=customer.age + 1, occupation=customer.occupation,
        total_assets=customer.total_assets, needs=list(customer.needs.all()), hobbies=hobbies[:1],
    )

    event = AuditEvent.objects.get(action="customer.portrait_updated")
    assert set(event.changes) == {"age", "hobbies"}
    assert event.changes["hobbies"][1] == [hobbies[0].name]


def test_invalid_values_are_refused_by_field_and_nothing_changes(customer, services):
    inactive = services[4]
    inactive.is_active = False
    inactive.save()

    with pytest.raises(ValidationError) as refused:
        customer_portrait_save(
            user=customer.user, actor=customer.user, age=12, occupation="", total_assets=Decimal("-1"),
            needs=[inactive], hobbies=[],
        )

    assert set(refused.value.message_dict) >= {"age", "total_assets", "needs"}
    customer.refresh_from_db()
    assert customer.age != 12 and not AuditEvent.objects.exists()


def test_a_manager_has_no_portrait(manager):
    with pytest.raises(ValidationError):
        customer_portrait_save(
            user=manager.user, actor=manager.user, age=40, occupation="", total_assets=0, needs=[], hobbies=[],
        )
    assert not CustomerProfile.objects.filter(user=manager.user).exists()


def test_a_save_that_changes_nothing_records_nothing(customer):
    customer_portrait_save(
        user=customer.user, actor=customer.user, age=customer.age, occupation=customer.occupation,
        total_assets=customer.total_assets, needs=list(customer.needs.all()), hobbies=list(customer.hobbies.all()),
    )

    assert not AuditEvent.objects.exists()
