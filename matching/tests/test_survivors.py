"""Rules the suite did not pin down until a mutation run showed a slip would pass unnoticed.

Each test names the slip it catches (scripts/mutation_run.py has the mutant); see docs/testing.md.
"""
import pytest
from django.test.utils import override_settings

from audit.models import AuditEvent
from matching.errors import CapacityExceeded, RunInProgress
from customers.models import CustomerProfile
from matching.models import Assignment, MatchingRun, PlannedChange
from matching.services.previews import preview_apply, preview_create
from matching.services import (
    customers_assign,
    customers_unlock,
    manager_availability_update,
    run_automatic,
    run_undo,
)

from vocabularies.models import Service

from .conftest import HOBBIES, SERVICES, refreshed
from .test_services import run_lock_held_elsewhere

pytestmark = pytest.mark.django_db


def manager_of(customer):
    customer = refreshed(customer)
    return customer.manager.user.username if customer.manager_id else None


# --- a rebalance counts only the customers who stay in a manager's load ------------------------------


def _full_manager_with_movable_customers(portraits):
    """`home` is full with two unlocked customers who match it best; `elsewhere` has room but fits worse."""
    home = portraits.manager("home", capabilities=SERVICES[:4], capacity=2)
    portraits.manager("elsewhere", capabilities=SERVICES[:1], capacity=5)
    book = [portraits.customer(f"c{i}", needs=SERVICES[:4], manager=home) for i in range(2)]
    return home, book


@pytest.mark.parametrize("strategy", ["optimal", "greedy"])
def test_a_rebalance_keeps_a_full_managers_movable_customers_where_they_fit_best(portraits, strategy):
    """The customers being placed leave their manager's load: a full book is room for its own customers."""
    _home, book = _full_manager_with_movable_customers(portraits)
    report = run_automatic(strategy=strategy, rebalance=True)
    assert [manager_of(c) for c in book] == ["home", "home"]
    assert report.changes == [] and not Assignment.objects.exists()
    assert (report.run.customers_placed, report.run.customers_moved, report.run.customers_unassigned) == (2, 0, 0)


def test_a_rebalance_preview_keeps_a_full_managers_movable_customers(portraits):
    _home, book = _full_manager_with_movable_customers(portraits)
    preview = preview_create(actor=None, rebalance=True)
    assert not PlannedChange.objects.filter(run=preview).exists()
    assert preview.summary["compare"]["optimal"]["placed"] == 2
    assert preview.summary["compare"]["optimal"]["total_score"] == 8


@pytest.mark.parametrize("strategy", ["optimal", "greedy"])
def test_customers_left_without_room_are_not_counted_as_fallbacks(portraits, strategy):
    portraits.manager("small", capabilities=SERVICES[:3], capacity=1)
    for _ in range(3):
        portraits.customer(needs=SERVICES[:3])
    run = run_automatic(strategy=strategy).run
    assert (run.customers_placed, run.customers_unassigned, run.fallbacks) == (1, 2, 0)


def test_a_run_warns_when_only_inactive_managers_are_accepting(portraits):
    portraits.manager("closed", capabilities=SERVICES[:2], accepting=False)
    portraits.manager("gone", capabilities=SERVICES[:2], active=False)
    customer = portraits.customer(needs=SERVICES[:2])
    report = run_automatic()
    assert report.warnings == ["No active manager is accepting customers: nobody was placed."]
    assert refreshed(customer).manager is None


def test_shared_terms_are_listed_in_the_vocabularys_order_not_by_name(portraits):
    Service.objects.filter(name="S00").update(order=99)  # staff moved S00 to the end of the list
    manager = portraits.manager("m1", capabilities=SERVICES[:3])
    customer = portraits.customer(needs=SERVICES[:3])
    run_automatic()
    assert Assignment.objects.get(customer=customer, new_manager=manager).shared_needs == ["S01", "S02", "S00"]


# --- classification settings, tie-breaks ------------------------------------------------------------


@pytest.mark.parametrize(("margin", "needs", "hobbies", "expected"), [
    (1, 2, 1, "D"),    # total 3 is E; needs lead by 1, which margin 1 upgrades (the default 2 does not)
    (99, 3, 0, "E"),   # total 3 is E; needs lead by 3, which the default margin would upgrade
])
def test_the_upgrade_margin_comes_from_settings(portraits, margin, needs, hobbies, expected):
    portraits.manager("m1", capabilities=SERVICES, hobbies=HOBBIES)
    customer = portraits.customer(needs=SERVICES[:needs], hobbies=HOBBIES[:hobbies])
    with override_settings(PORTRAIT_UPGRADE_MARGIN=margin):
        run_automatic()
    assert refreshed(customer).customer_class == expected


def test_a_full_tie_goes_to_the_smaller_username_whatever_was_created_first(portraits):
    """Rows are ordered by username, not by id: the tie-break the README promises."""
    portraits.manager("zoe", capabilities=SERVICES[:3], hobbies=HOBBIES[:1])
    portraits.manager("amy", capabilities=SERVICES[:3], hobbies=HOBBIES[:1])
    customer = portraits.customer(needs=SERVICES[:3], hobbies=HOBBIES[:1])
    run_automatic(strategy="greedy")
    assert manager_of(customer) == "amy"


def test_adding_customers_from_a_terms_side_reclassifies_those_customers(
    portraits, django_capture_on_commit_callbacks
):
    """The signal's ids are the customers' (pk_set), not the term's own id."""
    portraits.manager("m1", capabilities=SERVICES, hobbies=HOBBIES)
    with django_capture_on_commit_callbacks(execute=True):
        others = [portraits.customer(needs=SERVICES[:3]) for _ in range(3)]
        customer = portraits.customer(needs=SERVICES[:3])
    hobby = next(h for h in portraits.hobbies.values() if h.pk not in {c.pk for c in [*others, customer]})
    assert refreshed(customer).customer_class == "D"  # total 3, needs lead by 3
    with django_capture_on_commit_callbacks(execute=True):
        hobby.customers.add(customer)
    assert refreshed(customer).customer_class == "C"  # total 4 is D, needs lead by 2: up to C


# --- manual assignment and unlocking -----------------------------------------------------------------


def test_manual_assignment_counts_only_the_customers_who_change_manager(portraits):
    manager = portraits.manager("m1", capacity=2)
    served = portraits.customer("served", manager=manager)
    new = portraits.customer("new")
    assignments = customers_assign(customer_ids=[served.pk, new.pk], manager=manager, actor=None)
    assert [a.customer.user.username for a in assignments] == ["new"]
    assert CustomerProfile.objects.filter(manager=manager).count() == 2
    assert Assignment.objects.filter(customer=served).count() == 0


def test_unlock_counts_and_records_only_the_customers_who_were_locked(portraits):
    locked = portraits.customer("locked", locked=True)
    free = portraits.customer("free")
    assert customers_unlock(customer_ids=[locked.pk, free.pk], actor=None) == 1
    event = AuditEvent.objects.get(action="customer.unlocked")
    assert event.data["customers"] == [locked.pk]


# --- undo and apply when customers swap between two full managers -----------------------------------


def _swapped_between_full_managers(portraits):
    """p and q (capacity 1 each) serve each other's best match; a rebalance swaps them."""
    p = portraits.manager("p", capabilities=SERVICES[:3], capacity=1)
    q = portraits.manager("q", capabilities=SERVICES[3:6], capacity=1)
    of_p = portraits.customer("of_p", needs=SERVICES[3:6], manager=p)
    of_q = portraits.customer("of_q", needs=SERVICES[:3], manager=q)
    return p, q, of_p, of_q


def test_undo_of_a_swap_between_full_managers_fits(portraits):
    """Undo counts the customers who leave a manager as well as those who come back."""
    _p, _q, of_p, of_q = _swapped_between_full_managers(portraits)
    run = run_automatic(rebalance=True).run
    assert (manager_of(of_p), manager_of(of_q)) == ("q", "p")
    run_undo(run=run)
    assert (manager_of(of_p), manager_of(of_q)) == ("p", "q")


def test_applying_a_swap_between_full_managers_fits(portraits):
    _p, _q, of_p, of_q = _swapped_between_full_managers(portraits)
    run = preview_apply(preview=preview_create(actor=None, rebalance=True), actor=None)
    assert (manager_of(of_p), manager_of(of_q)) == ("q", "p")
    assert run.assignments.count() == 2


# --- previews ----------------------------------------------------------------------------------------


def test_a_book_move_preview_leaves_who_fits_nowhere_with_the_leaving_manager(portraits):
    leaving = portraits.manager("leaving", capabilities=SERVICES[:2])
    portraits.manager("other", capabilities=SERVICES[:2], capacity=2)
    book = [portraits.customer(f"c{i}", needs=SERVICES[:2], manager=leaving) for i in range(3)]
    preview = preview_create(actor=None, transfer_of=leaving)
    assert PlannedChange.objects.filter(run=preview).count() == 2
    assert not PlannedChange.objects.filter(run=preview, new_manager=None).exists()
    preview_apply(preview=preview, actor=None)
    assert sorted(manager_of(c) for c in book) == ["leaving", "other", "other"]


def test_a_preview_leaves_locked_customers_of_an_inactive_manager_alone(portraits):
    gone = portraits.manager("gone", active=False)
    portraits.manager("open", capabilities=SERVICES[:2])
    portraits.customer("locked", needs=SERVICES[:2], manager=gone, locked=True)
    free = portraits.customer("free", needs=SERVICES[:2], manager=gone)
    preview = preview_create(actor=None)
    assert list(PlannedChange.objects.filter(run=preview).values_list("customer", flat=True)) == [free.pk]


def test_a_plan_still_applies_when_a_manager_its_customers_only_leave_closed_since(portraits):
    """Only managers who receive customers must still take them; one who closed loses nothing by the plan."""
    old = portraits.manager("old", capacity=5)
    portraits.manager("new", capabilities=SERVICES[:3], capacity=5)
    customer = portraits.customer(needs=SERVICES[:3], manager=old)
    preview = preview_create(actor=None, rebalance=True)
    manager_availability_update(manager=old, actor=None, accepting_customers=False)
    preview_apply(preview=preview, actor=None)
    assert manager_of(customer) == "new"


def test_a_preview_counts_moves_not_first_placements(portraits):
    old = portraits.manager("old", capacity=5)
    portraits.manager("new", capabilities=SERVICES[:3], capacity=5)
    portraits.customer("placed", needs=SERVICES[:3])
    portraits.customer("moved", needs=SERVICES[:3], manager=old)
    preview = preview_create(actor=None, rebalance=True)
    assert preview.customers_moved == 1 and preview.customers_placed == 2
    assert preview.summary["compare"]["optimal"]["moved"] == 1


# --- the run lock: every service that changes who serves whom, or who may take customers, waits ------


@pytest.mark.django_db(transaction=True)
def test_applying_a_preview_and_changing_a_capacity_wait_for_the_run_lock(portraits, settings):
    settings.PORTRAIT_RUN_LOCK_WAIT_SECONDS = 1
    manager = portraits.manager("m1", capabilities=SERVICES[:2], capacity=5)
    customer = portraits.customer(needs=SERVICES[:2])
    preview = preview_create(actor=None)
    with run_lock_held_elsewhere():
        with pytest.raises(RunInProgress):
            preview_apply(preview=preview, actor=None)
        with pytest.raises(RunInProgress):
            manager_availability_update(manager=manager, actor=None, capacity=3)
    assert refreshed(customer).manager is None and refreshed(manager).capacity == 5
    assert not MatchingRun.objects.filter(preview=preview).exists()
    preview_apply(preview=preview, actor=None)
    assert refreshed(customer).manager == manager


def test_an_over_full_manager_can_change_other_settings_without_confirming_the_capacity_again(portraits):
    """Forms send the capacity with every change; only a new capacity below the book needs confirming."""
    manager = portraits.manager("m1", capacity=5)
    for _ in range(3):
        portraits.customer(manager=manager)
    manager_availability_update(manager=manager, actor=None, capacity=2, confirm_overflow=True)
    manager_availability_update(manager=manager, actor=None, capacity=2, accepting_customers=False)
    manager = refreshed(manager)
    assert (manager.capacity, manager.accepting_customers) == (2, False)


def test_a_capacity_equal_to_the_book_needs_no_confirmation(portraits):
    manager = portraits.manager("m1", capacity=5)
    for _ in range(3):
        portraits.customer(manager=manager)
    manager_availability_update(manager=manager, actor=None, capacity=3)
    assert refreshed(manager).capacity == 3
    with pytest.raises(CapacityExceeded):
        manager_availability_update(manager=manager, actor=None, capacity=2)


def test_a_long_targeted_load_holds_only_the_customers_asked_for(portraits, monkeypatch):
    """Above ID_LIST_LIMIT the snapshot reads everyone and keeps the rows asked for (no giant IN list)."""
    from matching import selectors

    customers = [portraits.customer(f"c{index}", needs=SERVICES[:1]) for index in range(5)]
    asked = [customers[1].pk, customers[3].pk]
    monkeypatch.setattr(selectors, "ID_LIST_LIMIT", 1)

    snapshot = selectors.matching_snapshot(customer_ids=asked)

    assert sorted(snapshot.customer_ids.tolist()) == sorted(asked)
