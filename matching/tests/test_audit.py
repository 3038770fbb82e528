"""Every matching write service records who did it: the signed-in user, or the system (None) for commands."""
import pytest

from accounts.models import Role, User
from audit.models import AuditEvent
from matching.services import (
    customer_assign,
    customers_unlock,
    manager_availability_update,
    manager_book_transfer,
    run_automatic,
    run_undo,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(db):
    return User.objects.create_user(username="boss", password="x", role=Role.ADMIN, name="Boss", is_staff=True)


def last_event(action):
    return AuditEvent.objects.filter(action=action).latest("id")


def test_a_run_records_its_actor(portraits, staff):
    portraits.manager("m1")
    portraits.customer()
    run = run_automatic(actor=staff).run
    event = last_event("matching.run")
    assert event.actor == staff and event.target_id == str(run.pk)


def test_a_dry_run_is_recorded_as_a_preview(portraits, staff):
    from matching.services.previews import preview_create

    portraits.manager("m1")
    portraits.customer()
    preview_create(actor=staff)
    assert last_event("matching.previewed").actor == staff
    assert not AuditEvent.objects.filter(action="matching.run").exists()


def test_a_command_line_run_is_the_system(portraits):
    portraits.manager("m1")
    portraits.customer()
    run_automatic(actor=None)
    assert last_event("matching.run").actor is None


def test_undo_records_its_actor(portraits, staff):
    portraits.manager("m1")
    portraits.customer()
    run = run_automatic(actor=None).run
    undo = run_undo(run=run, actor=staff)
    event = last_event("matching.undo")
    assert event.actor == staff and event.target_id == str(undo.pk)


def test_manual_assignment_records_the_customer_as_subject_with_manager_before_and_after(portraits, staff):
    before, after = portraits.manager("m1"), portraits.manager("m2")
    customer = portraits.customer(manager=before)
    customer_assign(customer=customer, manager=after, actor=staff, note="asked by the customer")
    event = last_event("customer.assigned")
    assert event.actor == staff
    assert (event.target_type, event.target_id) == ("customers.customerprofile", str(customer.pk))
    assert event.changes == {"manager": [before.user.username, after.user.username]}
    assert event.data["note"] == "asked by the customer"


def test_unlock_records_its_actor_and_who_was_unlocked(portraits, staff):
    customer = portraits.customer(manager=portraits.manager("m1"), locked=True)
    customers_unlock(customer_ids=[customer.pk], actor=staff)
    event = last_event("customer.unlocked")
    assert event.actor == staff and event.data["customers"] == [customer.pk]


def test_unlocking_nobody_locked_records_nothing(portraits, staff):
    customer = portraits.customer()
    assert customers_unlock(customer_ids=[customer.pk], actor=staff) == 0
    assert not AuditEvent.objects.filter(action="customer.unlocked").exists()


def test_a_book_transfer_records_its_actor(portraits, staff):
    leaving = portraits.manager("leaving")
    portraits.manager("other")
    portraits.customer(manager=leaving)
    manager_book_transfer(manager=leaving, actor=staff)
    event = last_event("matching.book_transfer")
    assert event.actor == staff and event.data["manager_id"] == leaving.pk
    assert event.changes == {"accepting_customers": [True, False]}


def test_availability_records_its_actor(portraits, staff):
    manager = portraits.manager("m1", capacity=5)
    manager_availability_update(manager=manager, actor=staff, capacity=6)
    assert last_event("manager.availability_updated").actor == staff
