"""Acceptance: independently prepared data goes through import, autoassign and export.

The expected classes and managers come from a plain-Python implementation written from the rules
(loops over sets, no numpy engine), and the optimal total from an exact assignment solver
(scipy's linear_sum_assignment over one slot per unit of free capacity).
"""
import csv
import io
import random

import numpy as np
import pytest
from django.core.management import call_command
from scipy.optimize import linear_sum_assignment

from customers.models import CustomerProfile
from matching import planning
from vocabularies.tests.factories import BranchFactory

from .conftest import HOBBIES as STORED_HOBBIES
from .conftest import SERVICES as STORED_SERVICES

pytestmark = pytest.mark.django_db

SERVICES = ["理财规划", "基金投资", "个人贷款", "保险保障", "外汇业务", "养老规划", "信用卡", "存款理财",
            "房贷按揭", "股票证券", "贵金属", "信托服务", "子女教育金", "税务筹划", "家族财富传承", "私人银行"]
HOBBIES = ["高尔夫", "旅游", "摄影", "阅读", "茶艺", "书法", "钓鱼", "登山",
           "瑜伽", "美食", "音乐", "收藏", "马拉松", "网球", "园艺", "电影"]


# --- an independent implementation of the rules -----------------------------------------------

def expected_class(needs: int, hobbies: int) -> str:
    total = needs + hobbies
    letter = "A" if total >= 13 else "B" if total >= 10 else "C" if total >= 7 else "D" if total >= 4 else "E"
    if needs >= hobbies + 2 and letter != "A":
        letter = "ABCDE"["ABCDE".index(letter) - 1]
    return letter


def overlaps(customer, manager):
    return len(customer["needs"] & manager["capabilities"]), len(customer["hobbies"] & manager["hobbies"])


def best_manager(customer, managers):
    """Highest total, then higher needs, then smaller username; None without managers."""
    best = None
    for manager in sorted(managers, key=lambda m: m["username"]):
        needs, hobbies = overlaps(customer, manager)
        key = (needs + hobbies, needs)
        if best is None or key > best[0]:
            best = (key, manager, needs, hobbies)
    return best


def expected_greedy(customers, managers):
    """{username: manager username or None}, following the older system's rule with capacity."""
    load = {m["username"]: 0 for m in managers}
    ranked = []
    for customer in customers:
        best = best_manager(customer, managers)
        letter = expected_class(best[2], best[3]) if best else "E"
        total = best[0][0] if best else 0
        ranked.append(("ABCDE".index(letter), -total, customer["username"], customer, best))
    result = {}
    for _, _, username, _customer, best in sorted(ranked, key=lambda r: r[:3]):
        chosen = None
        if best and best[1]["accepting"] and load[best[1]["username"]] < best[1]["capacity"]:
            chosen = best[1]["username"]
        else:
            room = [m for m in managers if m["accepting"] and load[m["username"]] < m["capacity"]]
            if room:
                chosen = min(room, key=lambda m: (load[m["username"]], m["username"]))["username"]
        if chosen:
            load[chosen] += 1
        result[username] = chosen
    return result


def exact_optimal_total(customers, managers):
    """Maximum total score over all placements of as many customers as the free capacity allows."""
    slots = [m for m in managers if m["accepting"] for _ in range(m["capacity"])]
    if not slots or not customers:
        return 0
    scores = np.array([[sum(overlaps(c, m)) for m in slots] for c in customers])
    rows, cols = linear_sum_assignment(scores, maximize=True)
    return int(scores[rows, cols].sum())


# --- independently prepared data ----------------------------------------------------------------

def random_pool(seed, n_customers, n_managers):
    rng = random.Random(seed)
    managers = [
        {
            "username": f"mgr{rng.randrange(10_000):04d}_{i}",
            "capabilities": set(rng.sample(SERVICES, rng.randint(3, 12))),
            "hobbies": set(rng.sample(HOBBIES, rng.randint(2, 10))),
            "capacity": rng.randint(1, 6),
            "accepting": True,
        }
        for i in range(n_managers)
    ]
    customers = [
        {
            "username": f"cust{rng.randrange(100_000):05d}_{i}",
            "needs": set(rng.sample(SERVICES, rng.randint(0, 10))),
            "hobbies": set(rng.sample(HOBBIES, rng.randint(0, 10))),
            "age": rng.randint(18, 120),
            "assets": f"{rng.randint(0, 10**9) / 100:.2f}",
        }
        for i in range(n_customers)
    ]
    return customers, managers


def boundary_pool():
    """One manager offering everything, customers at every class boundary and upgrade margin."""
    manager = {
        "username": "all",
        "capabilities": set(SERVICES),
        "hobbies": set(HOBBIES),
        "capacity": 100,
        "accepting": True,
    }
    customers = []
    for needs in range(0, 10):
        for hobbies in range(0, 10):
            if 3 <= needs + hobbies <= 14:
                customers.append(
                    {
                        "username": f"b_{needs:02d}_{hobbies:02d}",
                        "needs": set(SERVICES[:needs]),
                        "hobbies": set(HOBBIES[:hobbies]),
                        "age": 18 + needs,
                        "assets": "0.00",
                    }
                )
    return customers, [manager]


def write_csv(path, header, rows):
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


def load_pool(tmp_path, customers, managers):
    managers_csv, customers_csv = tmp_path / "managers.csv", tmp_path / "customers.csv"
    write_csv(
        managers_csv,
        ["username", "name", "capabilities", "hobbies", "capacity"],
        [
            [
                m["username"],
                m["username"],
                ";".join(sorted(m["capabilities"])),
                ";".join(sorted(m["hobbies"])),
                m["capacity"],
            ]
            for m in managers
        ],
    )
    write_csv(
        customers_csv,
        ["username", "name", "age", "occupation", "total_assets", "needs", "hobbies"],
        [
            [
                c["username"],
                c["username"],
                c["age"],
                "教师",
                c["assets"],
                ";".join(sorted(c["needs"])),
                ";".join(sorted(c["hobbies"])),
            ]
            for c in customers
        ],
    )
    call_command("import_managers", str(managers_csv), "--create-terms", stdout=io.StringIO())
    call_command("import_customers", str(customers_csv), "--create-terms", stdout=io.StringIO())


def exported(tmp_path):
    path = tmp_path / "export.csv"
    call_command("export_customers", "--output", str(path), stdout=io.StringIO())
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return {row["username"]: row for row in csv.DictReader(handle)}


def score_of(rows, customers, managers):
    by_name = {m["username"]: m for m in managers}
    return sum(
        sum(overlaps(c, by_name[rows[c["username"]]["manager"]])) for c in customers if rows[c["username"]]["manager"]
    )


# --- the checks ----------------------------------------------------------------------------------


def test_boundary_cases_get_the_class_the_rules_give(tmp_path):
    customers, managers = boundary_pool()
    load_pool(tmp_path, customers, managers)
    call_command("autoassign", stdout=io.StringIO(), stderr=io.StringIO())
    rows = exported(tmp_path)
    for customer in customers:
        needs, hobbies = overlaps(customer, managers[0])
        assert rows[customer["username"]]["customer_class"] == expected_class(needs, hobbies), customer["username"]
        assert rows[customer["username"]]["manager"] == "all"


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_greedy_classes_and_managers_agree_with_an_independent_implementation(tmp_path, seed):
    customers, managers = random_pool(seed, n_customers=60, n_managers=8)
    load_pool(tmp_path, customers, managers)
    call_command("autoassign", "--strategy", "greedy", stdout=io.StringIO(), stderr=io.StringIO())
    rows = exported(tmp_path)
    expected_managers = expected_greedy(customers, managers)
    for customer in customers:
        best = best_manager(customer, managers)
        assert rows[customer["username"]]["customer_class"] == expected_class(best[2], best[3])
        assert (rows[customer["username"]]["manager"] or None) == expected_managers[customer["username"]]


@pytest.mark.parametrize("seed", [4, 5, 6])
def test_optimal_total_equals_an_exact_solver(tmp_path, seed):
    customers, managers = random_pool(seed, n_customers=50, n_managers=7)
    load_pool(tmp_path, customers, managers)
    call_command("autoassign", stdout=io.StringIO(), stderr=io.StringIO())
    rows = exported(tmp_path)
    placed = sum(1 for row in rows.values() if row["manager"])
    assert placed == min(len(customers), sum(m["capacity"] for m in managers))
    for manager in managers:
        assert sum(row["manager"] == manager["username"] for row in rows.values()) <= manager["capacity"]
    assert score_of(rows, customers, managers) == exact_optimal_total(customers, managers)


# --- branches, service tiers and continuity, through the run path ---------------------------------
#
# The same pools in the database through `autoassign`, under each branch policy, with tiers and a move cost.
# The expected plans are restated from the README's rules with plain sets and loops; the optimal plan's
# placed count and objective come from an exact assignment solver on the seat-expanded matrix, with
# ineligible pairs forbidden and a big-M per placement so the number placed comes first.

BRANCHES = [("BJ", "华北"), ("TJ", "华北"), ("SH", "华东")]
TIER_CODES = ["mass", "vip", "private"]
REGION_PENALTY = 3


def tier_code(assets):
    """mass below 500,000, vip from 500,000, private from 6,000,000 (the default PORTRAIT_TIERS)."""
    value = float(assets)
    return "private" if value >= 6_000_000 else "vip" if value >= 500_000 else "mass"


def penalty_of(customer, manager, policy):
    """Points a pair is worth less, or None when the manager may not serve the customer."""
    if manager["tiers"] and tier_code(customer["assets"]) not in manager["tiers"]:
        return None
    if policy == "none" or customer["branch"] is None or manager["branch"] is None:
        return 0
    if customer["branch"] == manager["branch"]:
        return 0
    region = dict(BRANCHES)
    if policy == "region" and region[customer["branch"]] == region[manager["branch"]]:
        return REGION_PENALTY
    return None


def branch_pool(seed, n_customers, n_managers, *, short=False):
    """Customers and managers spread over three branches in two regions (some without one), three tiers
    (managers serving a subset, or all), a manager today for about half the customers and a few locked."""
    rng = random.Random(seed)
    codes = [code for code, _region in BRANCHES]
    managers = []
    for i in range(n_managers):
        managers.append({
            "username": f"m{i:02d}_{rng.randrange(1000):03d}",
            "capabilities": set(rng.sample(STORED_SERVICES, rng.randint(3, 12))),
            "hobbies": set(rng.sample(STORED_HOBBIES, rng.randint(2, 10))),
            "capacity": rng.randint(1, 3) if short else rng.randint(3, 9),
            "accepting": True,
            "branch": rng.choice(codes + [None]) if i else None,  # one manager serves every branch
            "tiers": [] if rng.random() < 0.4 else sorted(rng.sample(TIER_CODES, rng.randint(1, 2))),
        })
    customers = []
    for i in range(n_customers):
        manager = rng.choice(managers) if rng.random() < 0.5 else None
        customers.append({
            "username": f"c{i:03d}_{rng.randrange(1000):03d}",
            "needs": set(rng.sample(STORED_SERVICES, rng.randint(0, 10))),
            "hobbies": set(rng.sample(STORED_HOBBIES, rng.randint(0, 10))),
            "assets": rng.choice(["120000.00", "480000.00", "500000.00", "2000000.00", "6000000.00", "9000000.00"]),
            "branch": rng.choice(codes + [None]),
            "manager": manager["username"] if manager else None,
            "locked": manager is not None and rng.random() < 0.1,
        })
    return customers, managers


def store_branch_pool(portraits, customers, managers):
    branches = {code: BranchFactory(code=code, name=f"{code} 分行", region=region) for code, region in BRANCHES}
    profiles = {}
    for m in managers:
        profiles[m["username"]] = portraits.manager(
            m["username"], capabilities=sorted(m["capabilities"]), hobbies=sorted(m["hobbies"]),
            capacity=m["capacity"], branch=branches.get(m["branch"]), tiers=m["tiers"],
        )
    for c in customers:
        portraits.customer(
            c["username"], needs=sorted(c["needs"]), hobbies=sorted(c["hobbies"]), assets=c["assets"],
            branch=branches.get(c["branch"]), manager=profiles.get(c["manager"]), locked=c["locked"],
        )


def stored_managers():
    return dict(CustomerProfile.objects.values_list("user__username", "manager__user__username"))


def locked_load(customers, managers):
    load = {m["username"]: 0 for m in managers}
    for c in customers:
        if c["locked"] and c["manager"]:
            load[c["manager"]] += 1
    return load


def exact_constrained_optimum(customers, managers, policy, move_cost):
    """(placed, objective) of the best rebalance: as many unlocked customers placed as the allowed pairs and
    the free seats permit, then the largest sum of total - penalty + move_cost for each customer who stays
    with their manager (moving away costs move_cost). Forbidden pairs are never chosen: every customer
    has a column of their own worth 0 (unplaced) and a forbidden pair costs more than any plan gains."""
    load = locked_load(customers, managers)
    slots = [m for m in managers if m["accepting"] for _ in range(max(m["capacity"] - load[m["username"]], 0))]
    movable = [c for c in customers if not c["locked"]]
    if not movable:
        return 0, 0
    big = 10_000  # more than the objective of any plan of this size: one more placed always wins
    forbidden = -10**9
    values = np.full((len(movable), len(slots) + len(movable)), float(forbidden))
    for i, c in enumerate(movable):
        values[i, len(slots) + i] = 0.0
        for s, m in enumerate(slots):
            penalty = penalty_of(c, m, policy)
            if penalty is not None:
                stays = move_cost if c["manager"] == m["username"] else 0
                values[i, s] = big + sum(overlaps(c, m)) - penalty + stays
    rows, cols = linear_sum_assignment(values, maximize=True)
    chosen = values[rows, cols]
    assert (chosen > forbidden / 2).all()
    placed = int((cols < len(slots)).sum())
    return placed, int(round(chosen.sum())) - big * placed


def expected_constrained_greedy(customers, managers, policy):
    """{username: manager or None}: the older system's rule with eligibility, restated. A customer's best
    manager is the eligible one with the highest total - penalty, then needs, then smallest username; the
    class is the fit with it. In order of class, then that value, then username, each takes their best
    manager when it has room, else the eligible manager with room and the lowest load (smallest username on
    ties), else none."""
    load = {m["username"]: 0 for m in managers}
    ranked = []
    for c in customers:
        best = None
        for m in sorted(managers, key=lambda m: m["username"]):
            penalty = penalty_of(c, m, policy)
            if penalty is None:
                continue
            needs, hobbies = overlaps(c, m)
            key = (needs + hobbies - penalty, needs)
            if best is None or key > best[0]:
                best = (key, m, needs, hobbies)
        letter = expected_class(best[2], best[3]) if best else "E"
        ranked.append(("ABCDE".index(letter), -(best[0][0] if best else 0), c["username"], c, best))
    result = {}
    for _, _, username, c, best in sorted(ranked, key=lambda r: r[:3]):
        chosen = None
        if best and load[best[1]["username"]] < best[1]["capacity"]:
            chosen = best[1]["username"]
        else:
            room = [
                m for m in managers
                if penalty_of(c, m, policy) is not None and load[m["username"]] < m["capacity"]
            ]
            if room:
                chosen = min(room, key=lambda m: (load[m["username"]], m["username"]))["username"]
        if chosen:
            load[chosen] += 1
        result[username] = chosen
    return result


def plan_objective(result, customers, managers, policy, move_cost):
    by_name = {m["username"]: m for m in managers}
    placed, objective = 0, 0
    for c in customers:
        if c["locked"]:
            continue
        manager = by_name.get(result[c["username"]])
        if manager is None:
            continue
        penalty = penalty_of(c, manager, policy)
        assert penalty is not None, f"{c['username']} placed with {manager['username']}, who may not serve them"
        placed += 1
        objective += sum(overlaps(c, manager)) - penalty + (move_cost if c["manager"] == manager["username"] else 0)
    return placed, objective


def assert_within_capacity(result, managers):
    for m in managers:
        assert sum(1 for name in result.values() if name == m["username"]) <= m["capacity"], m["username"]


@pytest.mark.parametrize("policy", ["none", "branch", "region"])
@pytest.mark.parametrize("move_cost", [0, 2])
@pytest.mark.parametrize("seed,short", [(11, False), (12, True), (13, True)])
def test_optimal_rebalance_with_branches_tiers_and_a_move_cost_equals_an_exact_solver(
    portraits, settings, policy, move_cost, seed, short
):
    settings.PORTRAIT_BRANCH_POLICY = policy
    settings.PORTRAIT_REGION_PENALTY = REGION_PENALTY
    customers, managers = branch_pool(seed, n_customers=36, n_managers=7, short=short)
    store_branch_pool(portraits, customers, managers)
    args = ["--rebalance"] + (["--move-cost", str(move_cost)] if move_cost else [])
    call_command("autoassign", *args, stdout=io.StringIO(), stderr=io.StringIO())
    result = stored_managers()
    for c in customers:
        if c["locked"]:
            assert result[c["username"]] == c["manager"]
    assert_within_capacity(result, managers)
    assert plan_objective(result, customers, managers, policy, move_cost) == exact_constrained_optimum(
        customers, managers, policy, move_cost
    )


@pytest.mark.parametrize("seed", [21, 22])
def test_optimal_pruned_to_a_few_candidates_is_proven_exact_through_the_run_path(portraits, monkeypatch, seed):
    """Pruned to 4 candidates per customer and asked for a gap of 0, the run adds the pairs its own dual
    prices show to be worth more until none is left: the exact optimum."""
    monkeypatch.setattr(planning, "PLACEMENT_MAX_ARCS", 1)
    monkeypatch.setattr(planning, "PLACEMENT_TARGET_GAP", 0.0)
    customers, managers = branch_pool(seed, n_customers=60, n_managers=9, short=seed % 2 == 0)
    for m in managers:
        m["branch"], m["tiers"] = None, []
    store_branch_pool(portraits, customers, managers)
    call_command("autoassign", "--rebalance", stdout=io.StringIO(), stderr=io.StringIO())
    result = stored_managers()
    assert_within_capacity(result, managers)
    assert plan_objective(result, customers, managers, "none", 0) == exact_constrained_optimum(
        customers, managers, "none", 0
    )


@pytest.mark.parametrize("policy", ["none", "branch", "region"])
@pytest.mark.parametrize("seed,short", [(31, False), (32, True), (33, True)])
def test_greedy_with_branches_and_tiers_agrees_with_a_restatement_of_its_rule(portraits, settings, policy, seed, short):
    settings.PORTRAIT_BRANCH_POLICY = policy
    settings.PORTRAIT_REGION_PENALTY = REGION_PENALTY
    customers, managers = branch_pool(seed, n_customers=40, n_managers=7, short=short)
    for c in customers:  # a first placement: nobody has a manager, nothing is locked
        c["manager"], c["locked"] = None, False
    store_branch_pool(portraits, customers, managers)
    call_command("autoassign", "--strategy", "greedy", stdout=io.StringIO(), stderr=io.StringIO())
    result = stored_managers()
    expected = expected_constrained_greedy(customers, managers, policy)
    assert {c["username"]: result[c["username"]] for c in customers} == expected
    assert_within_capacity(result, managers)
