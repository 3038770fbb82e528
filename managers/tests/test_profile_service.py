"""What a manager offers (managers.services) and how many they take (matching.services: under the run lock)."""
import pytest
from django.core.exceptions import ValidationError

from audit.models import AuditEvent
from matching.errors import CapacityExceeded
from accounts.models import Role
from accounts.tests.factories import UserFactory
from managers.models import ManagerProfile
from managers.services import manager_contact_update, manager_create, manager_profile_update
from matching.services import manager_availability_update
from customers.tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def test_profile_update_sets_terms_and_audits(manager, services, hobbies):
    manager_profile_update(manager=manager, actor=manager.user, capabilities=services[3:5], hobbies=hobbies[:1])

    assert set(manager.capabilities.all()) == set(services[3:5])
    event = AuditEvent.objects.get(action="manager.profile_updated")
    assert event.actor == manager.user and set(event.changes) == {"capabilities", "hobbies"}


def test_an_inactive_term_cannot_be_newly_chosen(manager, services):
    services[4].is_active = False
    services[4].save()

    with pytest.raises(ValidationError) as refused:
        manager_profile_update(manager=manager, actor=manager.user, capabilities=[services[4]], hobbies=[])

    assert "capabilities" in refused.value.message_dict


def test_capacity_below_the_book_needs_confirmation(manager, superuser):
    CustomerFactory.create_batch(3, manager=manager)

    with pytest.raises(CapacityExceeded, match="serves 3 customers"):
        manager_availability_update(manager=manager, actor=superuser, capacity=2)
    manager.refresh_from_db()
    assert manager.capacity == 50

    manager_availability_update(manager=manager, actor=superuser, capacity=2, confirm_overflow=True)
    manager.refresh_from_db()
    assert manager.capacity == 2
    event = AuditEvent.objects.get(action="manager.availability_updated")
    assert event.changes == {"capacity": [50, 2]} and event.data["load"] == 3


def test_accepting_flag_changes_alone(manager):
    manager_availability_update(manager=manager, actor=manager.user, accepting_customers=False)

    manager.refresh_from_db()
    assert not manager.accepting_customers
    assert AuditEvent.objects.get().changes == {"accepting_customers": [True, False]}


def test_capacity_must_be_positive(manager, superuser):
    with pytest.raises(ValidationError):
        manager_availability_update(manager=manager, actor=superuser, capacity=0)


@pytest.mark.parametrize("phone", ["+86 10 6552 8888", "010-65528888", "(021) 6888 8888", "13800138000"])
def test_a_phone_as_people_write_it_is_kept_and_audited(manager, phone):
    manager_contact_update(manager=manager, actor=manager.user, phone=f" {phone} ")

    manager.refresh_from_db()
    assert manager.phone == phone
    assert AuditEvent.objects.get(action="manager.contact_updated").changes == {"phone": ["", phone]}


@pytest.mark.parametrize("phone", ["call me", "12345", "+86 10 6552 8888 ext 12", "1" * 21])
def test_a_phone_that_is_no_number_is_refused_by_the_model(manager, phone):
    with pytest.raises(ValidationError) as refused:
        manager_contact_update(manager=manager, actor=manager.user, phone=phone)

    assert "phone" in refused.value.message_dict
    manager.refresh_from_db()
    assert manager.phone == "" and not AuditEvent.objects.exists()


def test_an_unchanged_phone_writes_nothing(manager):
    manager_contact_update(manager=manager, actor=manager.user, phone="")

    assert not AuditEvent.objects.exists()


def test_a_profile_update_that_changes_nothing_records_nothing(manager):
    updated_at = manager.updated_at

    manager_profile_update(manager=manager, actor=manager.user, capabilities=list(manager.capabilities.all()),
                           hobbies=list(manager.hobbies.all()))

    manager.refresh_from_db()
    assert not AuditEvent.objects.exists() and manager.updated_at == updated_at


def test_create_refuses_what_the_model_refuses_and_writes_nothing(services):
    services[0].is_active = False
    services[0].save()
    customer = UserFactory(role=Role.CUSTOMER)
    manager = UserFactory(role=Role.MANAGER)

    with pytest.raises(ValidationError, match="Only relationship managers"):
        manager_create(user=customer, actor=None)
    with pytest.raises(ValidationError) as refused:
        manager_create(user=manager, actor=None, capacity=0, capabilities=[services[0]], phone="not a phone")

    assert set(refused.value.message_dict) == {"capacity", "capabilities", "phone"}
    assert not ManagerProfile.objects.exists() and not AuditEvent.objects.exists()


def test_create_takes_the_default_capacity_when_none_is_given():
    created = manager_create(user=UserFactory(role=Role.MANAGER), actor=None)

    assert created.capacity == ManagerProfile._meta.get_field("capacity").get_default()
    assert AuditEvent.objects.get(action="manager.created").changes["capacity"] == [None, created.capacity]
