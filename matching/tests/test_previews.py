"""Stored plans: preview writes nothing but the plan, apply writes exactly it, or refuses when stale."""

import pytest
from django.core.exceptions import ValidationError

from audit.models import AuditEvent
from core.errors import Conflict
from matching.errors import StalePlan
from customers.models import CustomerProfile
from matching.models import Assignment, MatchingRun, PlannedChange, RunKind, RunStatus, Strategy
from matching.services.previews import preview_apply, preview_create
from matching.services import customer_assign, manager_availability_update, run_automatic, run_undo

from .conftest import HOBBIES, SERVICES, refreshed

pytestmark = pytest.mark.django_db


@pytest.fixture
def bank(portraits):
    return _bank(portraits)


def _bank(portraits):
    """Two managers with room for two each, four customers without a manager."""
    m1 = portraits.manager("m1", capabilities=SERVICES[:4], hobbies=HOBBIES[:4], capacity=2)
    m2 = portraits.manager("m2", capabilities=SERVICES[4:8], hobbies=HOBBIES[4:8], capacity=2)
    customers = [
        portraits.customer("c1", needs=SERVICES[:3], hobbies=HOBBIES[:2]),
        portraits.customer("c2", needs=SERVICES[:2], hobbies=HOBBIES[:1]),
        portraits.customer("c3", needs=SERVICES[4:7], hobbies=HOBBIES[4:6]),
        portraits.customer("c4", needs=SERVICES[:1], hobbies=HOBBIES[4:5]),
    ]
    return m1, m2, customers


def managers_of(customers):
    names = {}
    for customer in customers:
        customer = refreshed(customer)
        names[customer.user.username] = customer.manager.user.username if customer.manager_id else None
    return names


def test_preview_stores_the_plan_and_changes_no_customer(bank):
    m1, m2, customers = bank
    preview = preview_create(actor=None, strategy=Strategy.OPTIMAL)
    assert preview.kind == RunKind.PREVIEW and preview.status == RunStatus.SUCCEEDED
    assert all(manager is None for manager in managers_of(customers).values())
    assert not Assignment.objects.exists()
    planned = {p.customer.user.username: p.new_manager.user.username for p in preview.planned_changes.all()}
    assert planned == {"c1": "m1", "c2": "m1", "c3": "m2", "c4": "m2"}
    assert set(preview.summary["compare"]) == {"optimal", "greedy"}
    assert preview.summary["compare"]["optimal"]["total_score"] >= preview.summary["compare"]["greedy"]["total_score"]
    assert AuditEvent.objects.filter(action="matching.previewed").count() == 1


def test_apply_writes_exactly_the_plan_and_undo_reverses_it(bank):
    _m1, _m2, customers = bank
    preview = preview_create(actor=None, strategy=Strategy.GREEDY)
    planned = {(p.customer_id, p.new_manager_id, p.reason, p.total) for p in preview.planned_changes.all()}
    run = preview_apply(preview=preview, actor=None)
    assert run.preview == preview and run.kind == RunKind.AUTOMATIC
    written = {(a.customer_id, a.new_manager_id, a.reason, a.total) for a in run.assignments.all()}
    assert written == planned
    assert {c.pk: refreshed(c).manager_id for c in customers} == {c: m for c, m, _r, _t in planned}
    assert run.total_score == preview.total_score
    run_undo(run=run)
    assert all(manager is None for manager in managers_of(customers).values())


def test_apply_matches_what_a_direct_run_would_do(bank):
    _m1, _m2, customers = bank
    preview = preview_create(actor=None)
    preview_apply(preview=preview, actor=None)
    applied = managers_of(customers)
    CustomerProfile.objects.update(manager=None)
    run_automatic()
    assert managers_of(customers) == applied


def test_an_applied_plan_records_the_shared_terms_like_a_direct_run(bank):
    _m1, _m2, customers = bank
    applied_run = preview_apply(preview=preview_create(actor=None), actor=None)
    applied = {(a.customer_id, tuple(a.shared_needs), tuple(a.shared_hobbies)) for a in applied_run.assignments.all()}
    CustomerProfile.objects.update(manager=None)
    direct = run_automatic().run.assignments.all()
    assert applied == {(a.customer_id, tuple(a.shared_needs), tuple(a.shared_hobbies)) for a in direct}
    assert any(needs for _customer, needs, _hobbies in applied)


def test_apply_twice_is_refused(bank):
    preview = preview_create(actor=None)
    preview_apply(preview=preview, actor=None)
    with pytest.raises(Conflict):
        preview_apply(preview=preview, actor=None)


def test_apply_after_a_customer_was_assigned_by_hand_is_refused_with_the_reason(bank):
    m1, m2, customers = bank
    preview = preview_create(actor=None)
    customer_assign(customer=customers[3], manager=m1, actor=None)
    with pytest.raises(StalePlan) as refused:
        preview_apply(preview=preview, actor=None)
    assert "c4" in str(refused.value) and "manager changed" in str(refused.value)
    assert {d["name"] for d in refused.value.details} >= {"c4"}
    assert not MatchingRun.objects.filter(preview=preview).exists()
    assert refreshed(customers[0]).manager is None  # nothing of the plan was written


def test_apply_after_a_manager_capacity_change_is_refused(bank):
    m1, _m2, _customers = bank
    preview = preview_create(actor=None)
    manager_availability_update(manager=m1, actor=None, capacity=1)
    with pytest.raises(StalePlan, match="m1"):
        preview_apply(preview=preview, actor=None)


def test_apply_of_a_normal_run_is_refused(bank):
    report = run_automatic()
    with pytest.raises(ValidationError):
        preview_apply(preview=report.run, actor=None)


def test_book_transfer_preview_then_apply_moves_the_book_and_stops_the_manager(portraits):
    m1 = portraits.manager("m1", capabilities=SERVICES[:4], hobbies=HOBBIES[:4], capacity=5)
    m2 = portraits.manager("m2", capabilities=SERVICES[:4], hobbies=HOBBIES[:2], capacity=5)
    book = [portraits.customer(f"c{i}", needs=SERVICES[:2], manager=m1, locked=i == 0) for i in range(3)]
    preview = preview_create(actor=None, transfer_of=m1)
    assert PlannedChange.objects.filter(run=preview).count() == 3
    assert refreshed(m1).accepting_customers  # the preview changes nothing
    run = preview_apply(preview=preview, actor=None)
    assert run.kind == RunKind.TRANSFER
    assert all(refreshed(c).manager_id == m2.pk and not c.manager_locked for c in book)
    assert not refreshed(m1).accepting_customers


def test_undoing_an_applied_book_move_gives_the_manager_their_flag_back(portraits):
    m1 = portraits.manager("m1", capabilities=SERVICES[:4], capacity=5)
    portraits.manager("m2", capabilities=SERVICES[:4], capacity=5)
    book = [portraits.customer(f"c{i}", needs=SERVICES[:2], manager=m1) for i in range(2)]
    run = preview_apply(preview=preview_create(actor=None, transfer_of=m1), actor=None)
    run_undo(run=run)
    assert refreshed(m1).accepting_customers
    assert all(refreshed(c).manager_id == m1.pk for c in book)


@pytest.fixture
def bank_with_shifted_ids(portraits):
    """Like `bank`, with unrelated users created first so profile ids differ from user ids."""
    portraits.customer("someone-else")
    portraits.customer("someone-else-too")
    return _bank(portraits)


def test_apply_after_the_receiving_manager_account_was_deactivated_is_refused_as_stale(bank_with_shifted_ids):
    m1, _m2, customers = bank_with_shifted_ids
    assert m1.pk != m1.user_id
    preview = preview_create(actor=None)
    m1.user.is_active = False
    m1.user.save(update_fields=["is_active"])  # the profile's updated_at stays as it was
    with pytest.raises(StalePlan) as refused:
        preview_apply(preview=preview, actor=None)
    assert [(d["kind"], d["name"], d["reason"]) for d in refused.value.details] == [
        ("manager", "m1", "their account is inactive")
    ]
    assert all(refreshed(customer).manager is None for customer in customers)


def test_apply_after_the_receiving_manager_stopped_accepting_is_refused_as_stale(bank_with_shifted_ids):
    _m1, m2, customers = bank_with_shifted_ids
    preview = preview_create(actor=None)
    manager_availability_update(manager=m2, actor=None, accepting_customers=False)
    with pytest.raises(StalePlan) as refused:
        preview_apply(preview=preview, actor=None)
    assert [(d["kind"], d["name"], d["reason"]) for d in refused.value.details] == [
        ("manager", "m2", "no longer accepting customers")
    ]
    assert all(refreshed(customer).manager is None for customer in customers)
