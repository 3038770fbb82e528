"""The rebalance preview's chart of moves against gain (issue 21.4): a handful of move costs planned together
with the chosen one, on the same data, in the preview's own queries."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from matching.models import Strategy
from matching.services.previews import CURVE_MOVE_COSTS, preview_create

from .conftest import SERVICES

pytestmark = pytest.mark.django_db

GAINS = (3, 7, 12)  # what each customer gains by moving from the old manager (who offers nothing) to the new one


def _book(portraits, gains=GAINS):
    old = portraits.manager("m_old")
    portraits.manager("m_new", capabilities=SERVICES[:max(gains)])
    return [portraits.customer(needs=SERVICES[:gain], manager=old) for gain in gains]


def _curve(preview):
    return {point["move_cost"]: (point["moves"], point["score_gained"]) for point in preview.summary["move_cost_curve"]}


def test_a_rebalance_preview_plans_a_handful_of_move_costs_with_the_chosen_one(portraits):
    _book(portraits)
    preview = preview_create(actor=None, rebalance=True, move_cost=6)
    curve = _curve(preview)
    assert list(curve) == sorted({*CURVE_MOVE_COSTS, 6})
    # A customer moves only when the move gains more than N.
    assert curve == {0: (3, 22), 5: (2, 19), 6: (2, 19), 10: (1, 12), 20: (0, 0), 40: (0, 0)}


def test_each_point_is_the_plan_a_preview_with_that_move_cost_makes(portraits):
    _book(portraits)
    curve = _curve(preview_create(actor=None, rebalance=True))
    for move_cost, (moves, gained) in curve.items():
        alone = preview_create(actor=None, rebalance=True, move_cost=move_cost)
        assert (alone.customers_moved, alone.summary["score_gained"]) == (moves, gained), move_cost


def test_the_chosen_point_is_the_preview_itself(portraits):
    _book(portraits)
    preview = preview_create(actor=None, rebalance=True, move_cost=10)
    assert _curve(preview)[10] == (preview.customers_moved, preview.summary["score_gained"])


@pytest.mark.parametrize(
    "options", [{"strategy": Strategy.GREEDY, "rebalance": True}, {"strategy": Strategy.OPTIMAL, "rebalance": False}],
)
def test_only_a_rebalance_with_the_optimal_rule_has_a_curve(portraits, options):
    _book(portraits)
    assert "move_cost_curve" not in preview_create(actor=None, **options).summary


def test_the_curve_costs_no_query_more_for_a_larger_pool(portraits):
    _book(portraits, gains=(3,))
    with CaptureQueriesContext(connection) as small:
        preview_create(actor=None, rebalance=True)
    portraits.customer(needs=SERVICES[:5], manager=None)
    for gain in (2, 9, 14):
        portraits.customer(needs=SERVICES[:gain])
    with CaptureQueriesContext(connection) as large:
        preview_create(actor=None, rebalance=True)
    assert len(large) == len(small)
