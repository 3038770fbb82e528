"""Demo portraits, generated: pure numpy, seeded, no Django.

The portrait of account number ``i`` of a stream depends only on ``(seed, stream, i)``, never on how
many accounts are asked for or already exist, because draws are made in fixed blocks of ``BLOCK``
rows, each from its own generator. ``demo.services.demo_seed`` writes them.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import numpy as np


ADMIN_USERNAME, ADMIN_PASSWORD = "admin", "admin123"
DEMO_PASSWORD = "123456"
NAMED_CUSTOMERS, NAMED_MANAGERS = 20, 5
SYNTHETIC_CUSTOMER_PREFIX, SYNTHETIC_MANAGER_PREFIX = "syn_c", "syn_m"
BLOCK = 4096

# Streams: independent random sequences per kind of account.
NAMED_CUSTOMER_STREAM, NAMED_MANAGER_STREAM, SYNTHETIC_CUSTOMER_STREAM, SYNTHETIC_MANAGER_STREAM = 1, 2, 3, 4

# (name, how often customers ask for it). Order is the vocabulary order in forms.
SERVICES = [
    ("理财规划", 1.0), ("存款理财", 1.0), ("基金投资", 0.8), ("保险保障", 0.8), ("信用卡", 0.8),
    ("个人贷款", 0.5), ("房贷按揭", 0.5), ("养老规划", 0.6), ("子女教育金", 0.4), ("股票证券", 0.5),
    ("外汇业务", 0.25), ("贵金属", 0.3), ("税务筹划", 0.25), ("信托服务", 0.15), ("家族财富传承", 0.1),
    ("私人银行", 0.1), ("小微企业贷款", 0.2), ("跨境金融", 0.15),
]
HOBBIES = [
    ("旅游", 1.0), ("美食", 0.9), ("阅读", 0.8), ("电影", 0.8), ("音乐", 0.7), ("摄影", 0.6),
    ("茶艺", 0.4), ("书法", 0.3), ("钓鱼", 0.4), ("登山", 0.4), ("瑜伽", 0.4), ("高尔夫", 0.15),
    ("收藏", 0.2), ("马拉松", 0.25), ("网球", 0.2), ("园艺", 0.3), ("游泳", 0.5), ("羽毛球", 0.5),
]
# (occupation, share of working-age customers, log-assets bonus).
OCCUPATIONS = [
    ("教师", 0.10, 0.0), ("医生", 0.06, 0.4), ("企业主", 0.08, 1.2), ("工程师", 0.12, 0.2),
    ("公务员", 0.08, 0.1), ("律师", 0.03, 0.5), ("会计师", 0.05, 0.2), ("自由职业", 0.07, 0.0),
    ("销售经理", 0.08, 0.2), ("程序员", 0.08, 0.3), ("护士", 0.05, -0.2), ("金融分析师", 0.03, 0.6),
    ("个体工商户", 0.08, 0.4), ("设计师", 0.04, 0.1), ("大学教授", 0.02, 0.4), ("外企高管", 0.02, 1.0),
    ("退休人员", 0.0, 0.3),  # by age only, see _customer_block
]
# The 50 commonest surnames, with their rough share of the population (%).
SURNAMES = [
    ("王", 7.1), ("李", 7.0), ("张", 6.7), ("刘", 5.4), ("陈", 4.5), ("杨", 3.1), ("黄", 2.2), ("赵", 2.1),
    ("吴", 2.0), ("周", 1.9), ("徐", 1.5), ("孙", 1.5), ("马", 1.4), ("朱", 1.3), ("胡", 1.2), ("郭", 1.1),
    ("何", 1.1), ("高", 1.0), ("林", 1.0), ("罗", 0.9), ("郑", 0.9), ("梁", 0.9), ("谢", 0.8), ("宋", 0.8),
    ("唐", 0.8), ("许", 0.7), ("韩", 0.7), ("冯", 0.7), ("邓", 0.7), ("曹", 0.7), ("彭", 0.6), ("曾", 0.6),
    ("肖", 0.6), ("田", 0.6), ("董", 0.5), ("袁", 0.5), ("潘", 0.5), ("于", 0.5), ("蒋", 0.5), ("蔡", 0.5),
    ("余", 0.5), ("杜", 0.5), ("叶", 0.4), ("程", 0.4), ("苏", 0.4), ("魏", 0.4), ("吕", 0.4), ("丁", 0.4),
    ("任", 0.4), ("欧阳", 0.05),
]
GIVEN_NAMES = (
    "伟 芳 娜 敏 静 丽 强 磊 军 洋 勇 艳 杰 娟 涛 明 超 霞 平 刚 秀英 秀兰 桂英 建国 建华 建军 志强 志明 "
    "海燕 晓明 丽娟 文静 国强 玉兰 春梅 红梅 立新 卫东 淑珍 凤英 德明 子轩 梓涵 浩然 一诺 欣怡 雨桐 思远 "
    "佳怡 俊杰 嘉怡 宇航 晨曦 婷婷 雪梅 永刚 振华 丹丹 晓燕 鹏飞 海涛 亚楠 文博 佳琪 明轩 诗涵 天宇 若曦"
).split()

_SERVICE_INDEX = {name: i for i, (name, _) in enumerate(SERVICES)}
_HOBBY_INDEX = {name: i for i, (name, _) in enumerate(HOBBIES)}
_OCCUPATION_INDEX = {name: i for i, (name, _, _) in enumerate(OCCUPATIONS)}
_RETIRED = _OCCUPATION_INDEX["退休人员"]
_WAN = 10_000  # 万


@dataclass(frozen=True, eq=False)
class Portraits:
    """Generated accounts of one stream, rows in account order.

    Attributes
    ----------
    names : list of str
    ages : ndarray of shape (n,), dtype int64
        Empty for managers.
    occupations : list of str
        Empty for managers.
    assets_cents : ndarray of shape (n,), dtype int64
        Total assets in fen (0.01 yuan); empty for managers.
    services : ndarray of shape (n, len(SERVICES)), dtype bool
        Needs of customers, capabilities of managers.
    hobbies : ndarray of shape (n, len(HOBBIES)), dtype bool
    """

    names: list[str]
    ages: np.ndarray
    occupations: list[str]
    assets_cents: np.ndarray
    services: np.ndarray
    hobbies: np.ndarray

    def __len__(self) -> int:
        return len(self.names)

    def assets(self, row: int) -> Decimal:
        return Decimal(int(self.assets_cents[row])).scaleb(-2)


def _choose(rng: np.random.Generator, weights: np.ndarray, low: int, high: int) -> np.ndarray:
    """Per row, ``low..high`` distinct columns drawn without replacement in proportion to `weights`.

    Efraimidis-Spirakis keys: the ``k`` largest ``log(u) / w`` are a weighted sample of size ``k``.
    `weights` has shape (n, n_terms); returns a bool mask of the same shape.
    """
    n, n_terms = weights.shape
    counts = rng.integers(low, high + 1, size=n)
    keys = np.log(1.0 - rng.random((n, n_terms))) / weights
    ranks = (-keys).argsort(axis=1, kind="stable").argsort(axis=1, kind="stable")
    return ranks < counts[:, None]


def _names(rng: np.random.Generator, n: int) -> np.ndarray:
    surname_p = np.array([share for _, share in SURNAMES])
    surnames = rng.choice(len(SURNAMES), size=n, p=surname_p / surname_p.sum())
    given = rng.integers(0, len(GIVEN_NAMES), size=n)
    return np.stack([surnames, given], axis=1)


def _customer_block(rng: np.random.Generator, n: int) -> dict[str, np.ndarray]:
    names = _names(rng, n)
    ages = np.clip(np.rint(rng.normal(44, 13, size=n)), 22, 75).astype(np.int64)

    working_p = np.array([share for _, share, _ in OCCUPATIONS])
    occupations = rng.choice(len(OCCUPATIONS), size=n, p=working_p / working_p.sum())
    retired = rng.random(n) < np.clip((ages - 55) / 12, 0, 0.9)
    occupations[retired] = _RETIRED

    # Log-normal around 60万, richer with age and with some trades; 5万 to 5000万.
    bonus = np.array([b for _, _, b in OCCUPATIONS])[occupations]
    log_assets = np.log(60 * _WAN) + 0.02 * (ages - 40) + bonus + rng.normal(0, 1.0, size=n)
    assets_cents = np.rint(np.clip(np.exp(log_assets), 5 * _WAN, 5000 * _WAN) * 100).astype(np.int64)

    wealthy = assets_cents >= 300 * _WAN * 100
    very_wealthy = assets_cents >= 1000 * _WAN * 100
    young, middle, senior = ages < 40, (ages >= 30) & (ages <= 50), ages >= 50

    service_w = np.tile([w for _, w in SERVICES], (n, 1))
    for name in ("私人银行", "家族财富传承", "信托服务", "税务筹划"):
        service_w[:, _SERVICE_INDEX[name]] *= np.where(very_wealthy, 8, np.where(wealthy, 3, 0.5))
    service_w[:, _SERVICE_INDEX["养老规划"]] *= np.where(ages >= 45, 2.5, 0.5)
    service_w[:, _SERVICE_INDEX["子女教育金"]] *= np.where(middle, 3, 0.3)
    for name in ("房贷按揭", "个人贷款", "信用卡"):
        service_w[:, _SERVICE_INDEX[name]] *= np.where(ages <= 45, 2, 0.6)
    business = np.isin(occupations, [_OCCUPATION_INDEX["企业主"], _OCCUPATION_INDEX["个体工商户"]])
    service_w[:, _SERVICE_INDEX["小微企业贷款"]] *= np.where(business, 8, 0.3)

    hobby_w = np.tile([w for _, w in HOBBIES], (n, 1))
    hobby_w[:, _HOBBY_INDEX["高尔夫"]] *= np.where(wealthy, 6, 0.5)
    for name in ("马拉松", "登山", "网球", "羽毛球", "瑜伽"):
        hobby_w[:, _HOBBY_INDEX[name]] *= np.where(young, 2, np.where(senior, 0.5, 1))
    for name in ("书法", "茶艺", "钓鱼", "园艺", "收藏"):
        hobby_w[:, _HOBBY_INDEX[name]] *= np.where(senior, 3, 0.7)

    return {
        "names": names, "ages": ages, "occupations": occupations, "assets_cents": assets_cents,
        "services": _choose(rng, service_w, 2, 6), "hobbies": _choose(rng, hobby_w, 2, 6),
    }


def _manager_block(rng: np.random.Generator, n: int) -> dict[str, np.ndarray]:
    # Managers are trained where demand is, but less unevenly than customers ask.
    service_w = np.tile(np.sqrt([w for _, w in SERVICES]), (n, 1))
    hobby_w = np.tile(np.sqrt([w for _, w in HOBBIES]), (n, 1))
    names = _names(rng, n)
    return {
        "names": names, "ages": np.zeros(n, np.int64), "occupations": np.zeros(n, np.int64),
        "assets_cents": np.zeros(n, np.int64),
        "services": _choose(rng, service_w, 5, 10), "hobbies": _choose(rng, hobby_w, 3, 7),
    }


def generate_portraits(*, seed: int, stream: int, n: int) -> Portraits:
    """Portraits of accounts ``0..n-1`` of `stream`; row ``i`` depends on ``(seed, stream, i)`` only."""
    if seed < 0 or n < 0:
        raise ValueError(f"seed and n must be non-negative, got seed={seed}, n={n}")
    make_block = _customer_block if stream in (NAMED_CUSTOMER_STREAM, SYNTHETIC_CUSTOMER_STREAM) else _manager_block
    blocks = [make_block(np.random.default_rng([seed, stream, b]), BLOCK) for b in range(-(-n // BLOCK))]
    if not blocks:
        blocks = [make_block(np.random.default_rng([seed, stream, 0]), 0)]
    columns = {key: np.concatenate([block[key] for block in blocks])[:n] for key in blocks[0]}
    is_customer = make_block is _customer_block
    return Portraits(
        names=[SURNAMES[s][0] + GIVEN_NAMES[g] for s, g in columns["names"]],
        ages=columns["ages"] if is_customer else np.zeros(0, np.int64),
        occupations=[OCCUPATIONS[o][0] for o in columns["occupations"]] if is_customer else [],
        assets_cents=columns["assets_cents"] if is_customer else np.zeros(0, np.int64),
        services=columns["services"],
        hobbies=columns["hobbies"],
    )


# --- the demo network -----------------------------------------------------------------------------
# `seed_demo` without --minimal adds a bank's network around the named accounts: customers whose needs and
# hobbies follow their occupation, age and assets, and managers of four kinds with books of different sizes,
# joined over the past year. Every account also gets a branch (an index into BRANCHES) that nothing records
# yet: the branches issue will store it, and the network is drawn so that each branch has managers of every
# kind and room in proportion to its customers, so matching within a branch works as well as across them.

NETWORK_CUSTOMER_STREAM, NETWORK_MANAGER_STREAM = 5, 6
# With the named 20 customers and 5 managers: 2,000 customers and 40 managers.
NETWORK_CUSTOMERS, NETWORK_MANAGERS = 1980, 35
# (name, share of customers and of managers). The named accounts belong to the first.
BRANCHES = [("北京分行", 0.40), ("上海分行", 0.35), ("深圳分行", 0.25)]
HISTORY_DAYS = 365

_WEALTH = ("私人银行", "家族财富传承", "信托服务", "税务筹划")
_INVEST = ("理财规划", "存款理财", "基金投资", "股票证券", "贵金属", "外汇业务")
_FAMILY = ("保险保障", "养老规划", "子女教育金")
_CREDIT = ("信用卡", "个人贷款", "房贷按揭")
_BUSINESS = ("小微企业贷款", "跨境金融", "外汇业务", "税务筹划")
_CLUB_HOBBIES = ("高尔夫", "茶艺", "收藏", "书法")
_ACTIVE_HOBBIES = ("马拉松", "登山", "网球", "羽毛球", "瑜伽", "游泳")


@dataclass(frozen=True)
class ManagerKind:
    """A kind of relationship manager: what they offer and how large a book they keep."""

    name: str
    share: float
    capacity: int
    capabilities: tuple[int, int]  # fewest and most
    service_boost: dict[str, float]
    hobby_boost: dict[str, float]


PRIVATE_BANKER, WEALTH_MANAGER = "私人银行", "财富管理"
MANAGER_KINDS = [
    ManagerKind(PRIVATE_BANKER, 0.20, 28, (10, 13),
                {**dict.fromkeys(_WEALTH, 12.0), **dict.fromkeys(_INVEST, 3.0)},
                dict.fromkeys(_CLUB_HOBBIES, 5.0)),
    ManagerKind(WEALTH_MANAGER, 0.35, 55, (7, 10),
                {**dict.fromkeys(_INVEST, 4.0), **dict.fromkeys(_FAMILY, 3.0)}, {}),
    ManagerKind("零售信贷", 0.30, 75, (6, 9),
                {**dict.fromkeys(_CREDIT, 8.0), "存款理财": 2.0, "理财规划": 2.0}, dict.fromkeys(_ACTIVE_HOBBIES, 2.0)),
    ManagerKind("小微金融", 0.15, 60, (6, 9),
                {**dict.fromkeys(_BUSINESS, 8.0), **dict.fromkeys(_CREDIT, 2.0)}, {}),
]


@dataclass(frozen=True, eq=False)
class Network:
    """The demo network: customers and managers beside the named accounts.

    Attributes
    ----------
    customers, managers : Portraits
    customer_branches : ndarray of shape (n_customers,), dtype int64
        Index into `BRANCHES`.
    customer_days_ago : ndarray of shape (n_customers,), dtype float64
        When each customer joined, in days before today (0 < days <= `HISTORY_DAYS`), more of them lately.
        Rows are in that order, earliest first (customers and managers alike).
    manager_branches : ndarray of shape (n_managers,), dtype int64
    manager_kinds : list of str
        A name of `MANAGER_KINDS` per manager.
    manager_capacities : ndarray of shape (n_managers,), dtype int64
    manager_days_ago : ndarray of shape (n_managers,), dtype float64
        Most were there a year ago; the last few joined during the year.
    """

    customers: Portraits
    managers: Portraits
    customer_branches: np.ndarray
    customer_days_ago: np.ndarray
    manager_branches: np.ndarray
    manager_kinds: list[str]
    manager_capacities: np.ndarray
    manager_days_ago: np.ndarray


def _boosted(n: int, terms: list[tuple[str, float]], index: dict[str, int], boost: dict[str, float]) -> np.ndarray:
    weights = np.tile([w for _, w in terms], (n, 1)).astype(np.float64)
    for name, factor in boost.items():
        weights[:, index[name]] *= factor
    return weights


def _network_customers(rng: np.random.Generator, n: int) -> dict[str, np.ndarray]:
    """Customers as `_customer_block`, but the richer need more services, from wealth planning down."""
    block = _customer_block(rng, n)
    assets = block["assets_cents"] // 100
    # A wider spread of assets than the benchmark streams: a private-banking tier worth its own managers.
    spread = np.exp(rng.normal(0, 0.6, size=n))
    assets = np.clip(assets * spread, 5 * _WAN, 5000 * _WAN)
    block["assets_cents"] = np.rint(assets * 100).astype(np.int64)
    tier = np.searchsorted([100 * _WAN, 300 * _WAN, 1000 * _WAN], assets, side="right")  # 0..3
    ages, occupations = block["ages"], block["occupations"]

    service_w = _boosted(n, SERVICES, _SERVICE_INDEX, {})
    wealth = np.array([0.05, 0.6, 6.0, 20.0])[tier]
    invest = np.array([0.7, 1.5, 2.5, 3.0])[tier]
    for name in _WEALTH:
        service_w[:, _SERVICE_INDEX[name]] *= wealth
    for name in _INVEST:
        service_w[:, _SERVICE_INDEX[name]] *= invest
    service_w[:, _SERVICE_INDEX["养老规划"]] *= np.where(ages >= 45, 3, 0.4)
    service_w[:, _SERVICE_INDEX["子女教育金"]] *= np.where((ages >= 30) & (ages <= 50), 3, 0.2)
    for name in _CREDIT:
        service_w[:, _SERVICE_INDEX[name]] *= np.where(ages <= 45, 2.5, 0.5) * np.where(tier >= 2, 0.4, 1.0)
    business = np.isin(occupations, [_OCCUPATION_INDEX["企业主"], _OCCUPATION_INDEX["个体工商户"]])
    for name in _BUSINESS:
        service_w[:, _SERVICE_INDEX[name]] *= np.where(business, 6, 0.4)
    fewest, most = np.array([1, 2, 6, 8])[tier], np.array([3, 5, 9, 11])[tier]
    counts = fewest + np.floor(rng.random(n) * (most - fewest + 1)).astype(np.int64)
    block["services"] = _choose_counts(rng, service_w, counts)

    hobby_w = _boosted(n, HOBBIES, _HOBBY_INDEX, {})
    for name in _CLUB_HOBBIES:
        hobby_w[:, _HOBBY_INDEX[name]] *= np.where(tier >= 2, 5, 1) * np.where(ages >= 50, 2, 0.7)
    for name in _ACTIVE_HOBBIES:
        hobby_w[:, _HOBBY_INDEX[name]] *= np.where(ages < 40, 2.5, np.where(ages >= 55, 0.4, 1))
    block["hobbies"] = _choose(rng, hobby_w, 1, 5)
    return block


def _choose_counts(rng: np.random.Generator, weights: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Like `_choose`, with the number of columns of each row given."""
    keys = np.log(1.0 - rng.random(weights.shape)) / weights
    ranks = (-keys).argsort(axis=1, kind="stable").argsort(axis=1, kind="stable")
    return ranks < counts[:, None]


def _shares(total: int, shares: list[float]) -> np.ndarray:
    """`total` split by `shares` into integers that add up to `total` (largest remainders)."""
    exact = np.array(shares) / sum(shares) * total
    counts = np.floor(exact).astype(np.int64)
    counts[np.argsort(counts - exact, kind="stable")[: total - counts.sum()]] += 1
    return counts


def _joined_days_ago(rng: np.random.Generator, n: int, growth: float) -> np.ndarray:
    """Days before today, on (0, HISTORY_DAYS], with a density rising linearly by `growth` over the year."""
    u = rng.random(n)
    # Inverse of F(t) = (t + growth t^2 / 2) / (1 + growth / 2), t the fraction of the year gone by.
    t = (-1 + np.sqrt(1 + growth * (2 + growth) * u)) / growth
    return np.maximum((1 - t) * HISTORY_DAYS, 0.01)


def generate_network(*, seed: int, customers: int = NETWORK_CUSTOMERS, managers: int = NETWORK_MANAGERS) -> Network:
    """The demo network of `seed`: the same seed and sizes give the same network."""
    if seed < 0 or customers < 0 or managers < 0:
        raise ValueError(f"seed, customers and managers must be non-negative, got {seed}, {customers}, {managers}")
    rng = np.random.default_rng([seed, NETWORK_CUSTOMER_STREAM])
    block = _network_customers(rng, customers)
    customer_branches = rng.choice(len(BRANCHES), size=customers, p=[share for _, share in BRANCHES])
    customer_days_ago = _joined_days_ago(rng, customers, growth=1.0)

    rng = np.random.default_rng([seed, NETWORK_MANAGER_STREAM])
    # Every branch gets its share of managers, and each kind its share in every branch: kinds are dealt
    # out in turn down the branch's list.
    manager_branches = np.repeat(np.arange(len(BRANCHES)), _shares(managers, [share for _, share in BRANCHES]))
    kinds = np.empty(managers, dtype=np.int64)
    for branch in range(len(BRANCHES)):
        rows = np.flatnonzero(manager_branches == branch)
        kinds[rows] = np.repeat(np.arange(len(MANAGER_KINDS)), _shares(len(rows), [k.share for k in MANAGER_KINDS]))
    order = rng.permutation(managers)  # usernames do not follow branch or kind
    manager_branches, kinds = manager_branches[order], kinds[order]
    services = np.zeros((managers, len(SERVICES)), dtype=bool)
    hobbies = np.zeros((managers, len(HOBBIES)), dtype=bool)
    for code, kind in enumerate(MANAGER_KINDS):
        rows = np.flatnonzero(kinds == code)
        service_w = _boosted(len(rows), SERVICES, _SERVICE_INDEX, kind.service_boost)
        services[rows] = _choose(rng, np.sqrt(service_w), *kind.capabilities)
        hobbies[rows] = _choose(rng, _boosted(len(rows), HOBBIES, _HOBBY_INDEX, kind.hobby_boost), 3, 7)
    capacities = np.array([MANAGER_KINDS[code].capacity for code in kinds], dtype=np.int64)
    capacities += rng.integers(-3, 4, size=managers)
    # A year ago the network had most of its managers; a few joined since.
    manager_days_ago = np.where(rng.random(managers) < 0.85, HISTORY_DAYS, rng.uniform(60, 300, size=managers))

    customer_names, manager_names = _names(rng, customers), _names(rng, managers)
    # Rows in the order accounts joined (first-come, first-numbered, like the older system's ids).
    by_customer_day = np.argsort(-customer_days_ago, kind="stable")
    by_manager_day = np.argsort(-manager_days_ago, kind="stable")
    block = {key: values[by_customer_day] for key, values in block.items()}
    customer_names, customer_branches = customer_names[by_customer_day], customer_branches[by_customer_day]
    customer_days_ago = customer_days_ago[by_customer_day]
    manager_names, manager_branches = manager_names[by_manager_day], manager_branches[by_manager_day]
    kinds, services, hobbies = kinds[by_manager_day], services[by_manager_day], hobbies[by_manager_day]
    capacities, manager_days_ago = capacities[by_manager_day], manager_days_ago[by_manager_day]
    return Network(
        customers=Portraits(
            names=[SURNAMES[s][0] + GIVEN_NAMES[g] for s, g in customer_names],
            ages=block["ages"], occupations=[OCCUPATIONS[o][0] for o in block["occupations"]],
            assets_cents=block["assets_cents"], services=block["services"], hobbies=block["hobbies"],
        ),
        managers=Portraits(
            names=[SURNAMES[s][0] + GIVEN_NAMES[g] for s, g in manager_names],
            ages=np.zeros(0, np.int64), occupations=[], assets_cents=np.zeros(0, np.int64),
            services=services, hobbies=hobbies,
        ),
        customer_branches=customer_branches,
        customer_days_ago=customer_days_ago,
        manager_branches=manager_branches,
        manager_kinds=[MANAGER_KINDS[code].name for code in kinds],
        manager_capacities=capacities,
        manager_days_ago=manager_days_ago,
    )


@dataclass(frozen=True)
class HistoryStep:
    """Something that happened to the network, `days_ago` days before today.

    `action` is "run" (placing who needs a manager; `strategy` "optimal" or "greedy"), "rebalance" (a run
    that may move everyone not locked), "undo" (of the run before), "assign" (`count` customers moved by
    hand to a private banker, with `note`), "capacity" (a private banker's capacity raised by `count`) or
    "transfer" (a wealth manager leaves: their book moved by the optimal rule); "request" (`count`
    customers ask for another manager, reasons and words from `CHANGE_REQUESTS`), "approve" or "decline"
    (the `count` oldest open requests, decided by the admin: approved with the first candidate with room,
    or declined with `note` as the reply). `by_admin`: done by the admin account, else by the system (a
    scheduled run). `to`: the kind of manager a manual assignment picks (the one with the most room), any
    kind when empty.
    """

    days_ago: float
    action: str
    strategy: str = "optimal"
    by_admin: bool = True
    count: int = 0
    note: str = ""
    to: str = ""


# A year of the network: scheduled runs every other month (the older system's greedy rule at first), a
# rebalance undone the next morning, a capacity raised, customers moved by hand, a manager who leaves.
# The customers who joined after the last run wait for the next one: the demo's stored preview places them.
HISTORY = (
    HistoryStep(335, "run", strategy="greedy", by_admin=False),
    HistoryStep(275, "run", by_admin=False),
    HistoryStep(215, "run"),
    HistoryStep(180, "rebalance"),
    HistoryStep(179.9, "undo"),
    HistoryStep(155, "run", by_admin=False),
    HistoryStep(121, "capacity", count=5),
    HistoryStep(120, "assign", count=3, note="客户资产升级，转由私人银行客户经理服务", to=PRIVATE_BANKER),
    HistoryStep(95, "run", by_admin=False),
    HistoryStep(70, "transfer"),
    HistoryStep(45, "run", by_admin=False),
    HistoryStep(24, "request", count=3),
    HistoryStep(20, "approve", count=2),
    HistoryStep(19, "decline", count=1, note="您的客户经理本周会主动与您联系，届时如仍不满意可再次申请。"),
    HistoryStep(3, "request", count=2),
    HistoryStep(1, "request", count=1),
)
# What customers who ask for another manager say: (reason category, their words), taken in turn.
CHANGE_REQUESTS = (
    ("expertise", "想做基金定投，希望换一位更熟悉基金的客户经理。"),
    ("communication", "消息常常两三天才回复。"),
    ("availability", "我工作日白天没空，希望经理能在周末联系我。"),
    ("moved", "搬家到了另一个城区，想在新家附近的网点办理。"),
    ("other", ""),
)
# Segments the demo asks for: the silhouette score picks 2 on this network (the wealthy and the rest),
# where five tell more; choosing k also spares eight trial fits.
DEMO_SEGMENTS = 5
# Today, on the real clock: the customers who joined since the last run are classified (as a saved
# portrait is), segments computed, and the placement of those customers stored as a preview to apply.
TODAY = (
    HistoryStep(0, "classify", by_admin=False),
    HistoryStep(0, "segments", count=DEMO_SEGMENTS),
    HistoryStep(0, "preview"),
)


# --- the contact log ------------------------------------------------------------------------------
# A few hundred customers of the network have 1 to 4 contacts with their manager over the past months (the
# wealthy more, and more of them in person), each about one of the customer's needs. The generator draws
# who, when, how and what; `demo.services` records each contact by the customer's manager on that day.

CONTACT_STREAM = 7
CONTACT_CUSTOMERS = 400
# Whose book opens on follow-ups due today and overdue: the manager the command tells people to sign in as.
FOLLOW_UP_MANAGER = "manager1"
CONTACT_DAYS = 300  # the log reaches back this far (days before today)
CONTACT_DAY_MINUTES = 9 * 60  # contacts fall within office hours: 09:00 plus up to nine hours
# (channel, weight for most customers, for the wealthy): the values of `contacts.models.Channel`.
CONTACT_CHANNELS = [("phone", 0.35, 0.25), ("wechat", 0.30, 0.25), ("visit", 0.08, 0.30), ("branch", 0.17, 0.10),
                    ("email", 0.10, 0.10)]
# What a contact about each service says (keys: the names of `SERVICES`), and about none in particular.
CONTACT_SUMMARIES = {
    "理财规划": ("梳理家庭资产配置，约定下次细化理财方案。", "回顾理财规划执行情况，客户希望增加稳健类资产。"),
    "存款理财": ("大额存单到期提醒，客户考虑续存。", "介绍新一期结构性存款，客户表示有兴趣。"),
    "基金投资": ("沟通基金组合近期表现，建议适度调整仓位。", "推荐基金定投方案，客户需要和家人商量。"),
    "保险保障": ("检视家庭保障缺口，已发送重疾险方案。", "协助完成保单年度检视。"),
    "信用卡": ("介绍信用卡分期优惠，客户暂不需要。", "受理信用卡额度调整申请。"),
    "个人贷款": ("了解装修资金需求，介绍消费贷产品。", "沟通个人贷款还款计划。"),
    "房贷按揭": ("沟通房贷利率调整事宜。", "客户咨询提前还款，已说明流程和费用。"),
    "养老规划": ("讨论退休后的现金流安排，推荐养老理财产品。", "介绍个人养老金账户开户。"),
    "子女教育金": ("了解子女留学计划，测算教育金缺口。", "推荐教育金储蓄方案。"),
    "股票证券": ("沟通近期市场波动，客户持仓以观望为主。", "协助开通银证转账。"),
    "外汇业务": ("客户咨询购汇额度及汇率走势。", "介绍外币理财产品。"),
    "贵金属": ("客户关注黄金行情，介绍积存金业务。", "沟通贵金属定投计划。"),
    "税务筹划": ("介绍个税专项附加扣除，提醒年度汇算。", "与税务顾问一起沟通家庭税务安排。"),
    "信托服务": ("介绍家族信托的基本架构，客户有初步意向。", "沟通家族信托方案细节。"),
    "家族财富传承": ("讨论财富传承安排，预约律师面谈。", "沟通保险金信托方案。"),
    "私人银行": ("邀请客户参加私人银行客户沙龙。", "推介私人银行专属产品，客户要求书面材料。"),
    "小微企业贷款": ("了解企业经营周转需求，介绍经营贷。", "协助准备小微企业贷款材料。"),
    "跨境金融": ("客户咨询跨境汇款和境外账户开立。", "介绍跨境结算服务。"),
}
GENERAL_SUMMARIES = ("生日问候，顺便了解近期需求。", "节日问候，客户近况良好。", "年度客户资料更新。",
                     "服务满意度回访，客户评价良好。")
# The latest contact's follow-up: due today, overdue, later, or none; for most customers, and for the
# customers of the book the demo shows (so its workspace opens on follow-ups due and overdue).
FOLLOW_UPS = ("today", "overdue", "later", "none")
_FOLLOW_UP_SHARES, _FOCUS_FOLLOW_UP_SHARES = (0.04, 0.14, 0.47, 0.35), (0.15, 0.2, 0.4, 0.25)
_WEALTHY_CENTS = 300 * _WAN * 100


@dataclass(frozen=True, eq=False)
class ContactLog:
    """Contacts, one per row, in the order they happened.

    Attributes
    ----------
    customers : ndarray of shape (n_contacts,), dtype int64
        Row of the customer in the arrays `generate_contacts` was given.
    days_ago : ndarray of shape (n_contacts,), dtype int64
        The day of the contact, in days before today (1 or more: the log holds no contact of today).
    minutes : ndarray of shape (n_contacts,), dtype int64
        Its time of day, in minutes after 09:00 (under `CONTACT_DAY_MINUTES`).
    channels, summaries : list of str
    follow_ups : list of int or None
        The next follow-up, in days after today (negative: before today), or None.
    """

    customers: np.ndarray
    days_ago: np.ndarray
    minutes: np.ndarray
    channels: list[str]
    summaries: list[str]
    follow_ups: list[int | None]

    def __len__(self) -> int:
        return len(self.customers)


def generate_contacts(
    *, seed: int, needs: np.ndarray, assets_cents: np.ndarray, since: np.ndarray, focus: np.ndarray,
    customers: int = CONTACT_CUSTOMERS,
) -> ContactLog:
    """A contact log for `customers` of the customers given (rows), plus every `focus` customer that can
    have one. The same seed and inputs give the same log.

    Parameters
    ----------
    needs : ndarray of shape (n, len(SERVICES)), dtype bool
    assets_cents : ndarray of shape (n,)
        The wealthy (3 million yuan or more) have more contacts, more of them in person.
    since : ndarray of shape (n,), dtype int64
        The earliest day each customer can be contacted on, in days before today (their manager had them
        since before it); below 1: not at all. Contacts fall on distinct days in 1..min(since, CONTACT_DAYS).
    focus : ndarray of shape (n,), dtype bool
        Customers whose latest follow-ups the demo shows: each of them who can be contacted is, and of their
        latest contacts about a sixth fall due today and a fifth are overdue (`_FOCUS_FOLLOW_UP_SHARES`).

    Follow-ups before a customer's latest contact were kept: each is the day of the next contact, or none.
    """
    needs, since, focus = np.asarray(needs, dtype=bool), np.asarray(since, dtype=np.int64), np.asarray(focus, bool)
    assets_cents = np.asarray(assets_cents)
    n = len(since)
    if seed < 0 or customers < 0:
        raise ValueError(f"seed and customers must be non-negative, got seed={seed}, customers={customers}")
    if needs.shape != (n, len(SERVICES)) or assets_cents.shape != (n,) or focus.shape != (n,):
        raise ValueError(f"needs {needs.shape}, assets_cents {assets_cents.shape} and focus {focus.shape} do not "
                         f"match {n} customers and {len(SERVICES)} services")
    rng = np.random.default_rng([seed, CONTACT_STREAM])
    window = np.minimum(since, CONTACT_DAYS)
    wealthy = assets_cents >= _WEALTHY_CENTS

    # Who: the focus customers, then others drawn in proportion to the square root of their assets.
    chosen = np.flatnonzero(focus & (window >= 1))
    others = np.flatnonzero(~focus & (window >= 1))
    extra = min(max(customers - len(chosen), 0), len(others))
    if extra:
        weights = np.sqrt(assets_cents[others].astype(np.float64) + 1)
        chosen = np.concatenate([chosen, rng.choice(others, size=extra, replace=False, p=weights / weights.sum())])
    chosen.sort()

    # How often: 1 to 4 contacts, the wealthy more, on distinct days within each customer's window.
    counts = 1 + np.where(
        wealthy[chosen], rng.choice(4, size=len(chosen), p=[0.1, 0.25, 0.35, 0.3]),
        rng.choice(4, size=len(chosen), p=[0.4, 0.35, 0.17, 0.08]),
    )
    counts = np.minimum(counts, window[chosen])
    # The latest contact's follow-up: the focus customers by fixed shares (dealt out at random), others drawn.
    kinds = rng.choice(len(FOLLOW_UPS), size=len(chosen), p=_FOLLOW_UP_SHARES)
    in_focus = focus[chosen]
    kinds[in_focus] = rng.permutation(
        np.repeat(np.arange(len(FOLLOW_UPS)), _shares(int(in_focus.sum()), list(_FOCUS_FOLLOW_UP_SHARES)))
    )

    rows, days, follow_ups = [], [], []
    for customer, count, kind in zip(chosen.tolist(), counts.tolist(), kinds.tolist()):
        latest_first = np.sort(rng.choice(int(window[customer]), size=count, replace=False) + 1)
        chronological = latest_first[::-1].tolist()
        for position, day in enumerate(chronological):
            rows.append(customer)
            days.append(day)
            if position + 1 < count:  # an earlier contact: its follow-up was the next one, or there was none
                follow_ups.append(-chronological[position + 1] if rng.random() < 0.6 else None)
            elif FOLLOW_UPS[kind] == "today" or (FOLLOW_UPS[kind] == "overdue" and day < 2):
                follow_ups.append(0)
            elif FOLLOW_UPS[kind] == "overdue":  # a day after the contact's, before today, within 3 weeks
                follow_ups.append(-int(rng.integers(1, min(day - 1, 21) + 1)))
            elif FOLLOW_UPS[kind] == "later":
                follow_ups.append(int(rng.integers(3, 46)))
            else:
                follow_ups.append(None)
    rows_array = np.array(rows, dtype=np.int64)
    days_array = np.array(days, dtype=np.int64)

    # How and about what: the channel by wealth; the summary about one of the customer's needs (or none).
    most, rich = (np.array([channel[column] for channel in CONTACT_CHANNELS]) for column in (1, 2))
    channel_codes = np.where(
        wealthy[rows_array], rng.choice(len(CONTACT_CHANNELS), size=len(rows), p=rich / rich.sum()),
        rng.choice(len(CONTACT_CHANNELS), size=len(rows), p=most / most.sum()),
    )
    summaries = []
    for customer in rows:
        wanted = np.flatnonzero(needs[customer])
        if not len(wanted) or rng.random() < 0.15:
            summaries.append(GENERAL_SUMMARIES[int(rng.integers(len(GENERAL_SUMMARIES)))])
        else:
            options = CONTACT_SUMMARIES[SERVICES[int(rng.choice(wanted))][0]]
            summaries.append(options[int(rng.integers(len(options)))])

    order = np.lexsort((rows_array, -days_array))  # oldest day first, then by customer
    minutes = rng.integers(0, CONTACT_DAY_MINUTES, size=len(rows))
    return ContactLog(
        customers=rows_array[order],
        days_ago=days_array[order],
        minutes=minutes[order],
        channels=[CONTACT_CHANNELS[code][0] for code in channel_codes[order].tolist()],
        summaries=[summaries[i] for i in order.tolist()],
        follow_ups=[follow_ups[i] for i in order.tolist()],
    )
