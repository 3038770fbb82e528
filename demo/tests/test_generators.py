"""The demo network's generator: pure numpy, no database (the matching engine scores it as runs would)."""
import numpy as np
import pytest

from demo.generators import (
    BRANCHES,
    HISTORY,
    HISTORY_DAYS,
    MANAGER_KINDS,
    NAMED_CUSTOMER_STREAM,
    NAMED_CUSTOMERS,
    NAMED_MANAGER_STREAM,
    NAMED_MANAGERS,
    NETWORK_CUSTOMERS,
    NETWORK_MANAGERS,
    PRIVATE_BANKER,
    SERVICES,
    TODAY,
    generate_network,
    generate_portraits,
)
from matching import engine


@pytest.fixture(scope="module")
def network():
    return generate_network(seed=42)


def classes_with_named_accounts(network, seed=42):
    """Class counts (A..E) of every customer against every manager, as a run computes them."""
    customers = generate_portraits(seed=seed, stream=NAMED_CUSTOMER_STREAM, n=NAMED_CUSTOMERS)
    managers = generate_portraits(seed=seed, stream=NAMED_MANAGER_STREAM, n=NAMED_MANAGERS)
    totals = engine.TermTotals(
        np.vstack([customers.services, network.customers.services]),
        np.vstack([customers.hobbies, network.customers.hobbies]),
        np.vstack([managers.services, network.managers.services]),
        np.vstack([managers.hobbies, network.managers.hobbies]),
    )
    best, needs, hobbies = totals.best()
    codes = engine.classify(needs[:, None], hobbies[:, None], np.minimum(best, 0))
    return np.bincount(codes, minlength=5)


def test_the_network_with_the_named_accounts_is_2000_customers_and_40_managers(network):
    assert len(network.customers) + NAMED_CUSTOMERS == 2000
    assert len(network.managers) + NAMED_MANAGERS == 40


@pytest.mark.parametrize("seed", [42, 1, 7])
def test_classes_span_a_to_e_with_a_tenth_to_a_fifth_in_a_and_b(seed):
    counts = classes_with_named_accounts(generate_network(seed=seed), seed=seed)

    assert (counts > 0).all(), counts
    assert 0.10 <= (counts[0] + counts[1]) / counts.sum() <= 0.20, counts


def test_the_wealthy_need_wealth_planning_more_than_the_rest(network):
    assets = network.customers.assets_cents
    wealthy = assets >= 1000 * 10_000 * 100
    private_banking = [name for name, _ in SERVICES].index("私人银行")
    needs = network.customers.services[:, private_banking]

    assert wealthy.sum() >= 20
    assert needs[wealthy].mean() > 5 * needs[~wealthy].mean()


def test_the_young_borrow_and_the_old_plan_their_retirement(network):
    names = [name for name, _ in SERVICES]
    ages, services = network.customers.ages, network.customers.services
    young, old = ages < 35, ages >= 55

    assert services[young, names.index("房贷按揭")].mean() > 2 * services[old, names.index("房贷按揭")].mean()
    assert services[old, names.index("养老规划")].mean() > 2 * services[young, names.index("养老规划")].mean()


def test_customers_joined_over_the_past_year_more_of_them_lately(network):
    days = network.customer_days_ago

    assert days.min() > 0 and days.max() <= HISTORY_DAYS
    per_month = np.histogram(days, bins=np.linspace(0, HISTORY_DAYS, 13))[0][::-1]  # oldest month first
    assert (per_month > 0).all()
    assert per_month[-3:].sum() > 1.3 * per_month[:3].sum()


def test_rows_are_in_joining_order(network):
    assert (np.diff(network.customer_days_ago) <= 0).all()
    assert (np.diff(network.manager_days_ago) <= 0).all()


def test_every_branch_has_managers_of_every_kind_and_room_for_its_customers(network):
    total_room = network.manager_capacities.sum()
    for branch in range(len(BRANCHES)):
        managers = network.manager_branches == branch
        customers = network.customer_branches == branch
        assert {network.manager_kinds[row] for row in np.flatnonzero(managers)} == {k.name for k in MANAGER_KINDS}
        room_share = network.manager_capacities[managers].sum() / total_room
        assert abs(room_share - customers.mean()) < 0.1


def test_private_bankers_keep_small_books_and_offer_the_most(network):
    bankers = np.array([kind == PRIVATE_BANKER for kind in network.manager_kinds])

    offered = network.managers.services.sum(axis=1)

    assert network.manager_capacities[bankers].max() < network.manager_capacities[~bankers].min()
    assert offered[bankers].mean() > offered[~bankers].mean()


def test_the_same_seed_gives_the_same_network_and_another_seed_another():
    first, again, other = generate_network(seed=3), generate_network(seed=3), generate_network(seed=4)

    assert first.customers.names == again.customers.names
    assert (first.customers.services == again.customers.services).all()
    assert (first.customer_days_ago == again.customer_days_ago).all()
    assert first.customers.names != other.customers.names


def test_sizes_default_to_the_demo_network():
    network = generate_network(seed=0, customers=30, managers=8)

    assert (len(network.customers), len(network.managers)) == (30, 8)
    assert (NETWORK_CUSTOMERS, NETWORK_MANAGERS) == (1980, 35)


def test_refuses_negative_sizes():
    with pytest.raises(ValueError, match="non-negative"):
        generate_network(seed=0, customers=-1)


def test_history_goes_forward_in_time_and_ends_today_with_the_preview():
    days = [step.days_ago for step in (*HISTORY, *TODAY)]

    assert days == sorted(days, reverse=True)
    assert days[0] < HISTORY_DAYS and days[-1] == 0
    assert TODAY[-1].action == "preview"
    assert HISTORY[0].strategy == "greedy" and {step.strategy for step in HISTORY[1:]} == {"optimal"}
