"""capacity_plan: each manager's four numbers equal re-solving with that manager's capacity changed, and
nothing is written."""
import io
import json

import pytest
from django.core.management import call_command

from customers.models import CustomerProfile
from managers.models import ManagerProfile
from matching.capacity_report import capacity_report
from vocabularies.tests.factories import BranchFactory

from .conftest import SERVICES
from .test_acceptance import REGION_PENALTY, branch_pool, exact_constrained_optimum, store_branch_pool

pytestmark = pytest.mark.django_db


@pytest.fixture
def short_pool(portraits, settings):
    """Room is short in Beijing, plentiful in Shanghai; the branch policy keeps them apart."""
    settings.PORTRAIT_BRANCH_POLICY = "branch"
    bj, sh = BranchFactory(code="BJ", name="北京分行"), BranchFactory(code="SH", name="上海分行")
    portraits.manager("a", capabilities=SERVICES[:3], capacity=2, branch=bj)
    portraits.manager("b", capabilities=SERVICES[2:6], capacity=1, branch=bj)
    portraits.manager("c", capabilities=SERVICES[:6], capacity=5, branch=sh, tiers=["mass"])
    for i in range(5):
        portraits.customer(needs=SERVICES[i:i + 3], branch=bj)
    portraits.customer(needs=SERVICES[:2], branch=sh)
    portraits.customer(needs=SERVICES[:2], branch=sh, assets="7000000.00")  # no one serves private banking
    return portraits


def test_the_four_numbers_equal_re_solving(short_pool):
    report = capacity_report()
    for seat in report.managers:
        manager = ManagerProfile.objects.get(user__username=seat.username)
        for delta, placed, score in ((1, seat.placed_plus, seat.score_plus), (-1, seat.placed_minus, seat.score_minus)):
            ManagerProfile.objects.filter(pk=manager.pk).update(capacity=max(manager.capacity + delta, 1))
            changed = capacity_report()
            ManagerProfile.objects.filter(pk=manager.pk).update(capacity=manager.capacity)
            if manager.capacity + delta >= 1:
                assert (changed.placed - report.placed, changed.score - report.score) == (placed, score), seat
    seats = {seat.username: seat for seat in report.managers}
    assert seats["a"].placed_plus == 1 and seats["c"].placed_plus == 0  # Beijing is short, Shanghai is not


def test_the_shortfall_is_counted_by_branch_and_tier(short_pool):
    groups = {(g.branch, g.tier): g for g in capacity_report().groups}
    assert groups[("北京分行", "Mass customers")].unassigned == 2
    assert groups[("上海分行", "Private banking customers")].unassigned == 1


def test_the_command_prints_json_per_manager_and_changes_nothing(short_pool):
    def stored():
        return list(CustomerProfile.objects.order_by("pk").values_list("manager_id", "customer_class", "updated_at"))

    before = stored()
    out = io.StringIO()
    call_command("capacity_plan", "--json", stdout=out)
    rows = [json.loads(line) for line in out.getvalue().splitlines()]
    assert {row["username"] for row in rows} == {"a", "b", "c"}
    assert set(rows[0]) == {"username", "placed_plus", "score_plus", "placed_minus", "score_minus"}
    text = io.StringIO()
    call_command("capacity_plan", "--move-cost", "2", stdout=text)
    assert "北京分行 / Mass customers: 5, 2" in text.getvalue()
    assert stored() == before


def _with_capacity(managers, username, capacity):
    return [{**m, "capacity": capacity} if m["username"] == username else m for m in managers]


@pytest.mark.parametrize("policy,move_cost", [("none", 0), ("branch", 0), ("region", 2), ("branch", 3)])
@pytest.mark.parametrize("seed,short", [(41, False), (42, True), (43, True), (44, False)])
def test_every_managers_four_numbers_equal_an_exact_solver_re_solving_with_one_seat_more_or_less(
    portraits, settings, policy, move_cost, seed, short
):
    """Random pools with branches, tiers, locked customers and managers today, re-solved for every manager
    with capacity + 1 and - 1 by an exact solver of their own (`test_acceptance`): the differences are the
    report's numbers, seats worth nothing where room is plentiful, worth a placement where it is short."""
    settings.PORTRAIT_BRANCH_POLICY = policy
    settings.PORTRAIT_REGION_PENALTY = REGION_PENALTY
    customers, managers = branch_pool(seed, n_customers=30, n_managers=6, short=short)
    store_branch_pool(portraits, customers, managers)
    report = capacity_report(move_cost=move_cost)
    today = exact_constrained_optimum(customers, managers, policy, move_cost)
    assert (report.placed, report.score) == today
    seats = {seat.username: seat for seat in report.managers}
    assert set(seats) == {m["username"] for m in managers}
    for m in managers:
        plus, minus = (
            exact_constrained_optimum(customers, _with_capacity(managers, m["username"], m["capacity"] + delta),
                                      policy, move_cost)
            for delta in (1, -1)
        )
        seat = seats[m["username"]]
        assert (seat.placed_plus, seat.score_plus) == (plus[0] - today[0], plus[1] - today[1]), seat
        assert (seat.placed_minus, seat.score_minus) == (minus[0] - today[0], minus[1] - today[1]), seat
    if short:
        assert any(seat.placed_plus == 1 for seat in seats.values())
    else:
        assert any(seat.placed_plus == seat.score_plus == 0 for seat in seats.values())
