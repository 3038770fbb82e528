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
