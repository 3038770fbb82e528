"""Demo data: the accounts the older system's users know, and synthetic portraits in bulk for benchmarks.

Generation is pure numpy and seeded: the portrait of account number ``i`` of a stream depends only on
``(seed, stream, i)``, never on how many accounts are asked for or already exist, because draws are
made in fixed blocks of ``BLOCK`` rows, each from its own generator. ``demo_seed`` writes everything in
one transaction with bulk inserts.

Named accounts (admin, customer1..20, manager1..5) are reset on every run: password, role, name and
portrait (age, occupation, assets, needs, hobbies; capacity and availability of managers) become what
the seed gives again. Their segment and manager are left alone: those belong to the matching service,
which is told through ``portraits_changed`` about existing customers whose portrait the reset changed
so their class follows. Synthetic accounts (``syn_c000001``.., ``syn_m0001``..) are only ever added;
existing ones are skipped. New customers get no class and no manager: run ``autoassign`` afterwards.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from decimal import Decimal

import numpy as np
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import Role, User
from managers.models import ManagerProfile
from vocabularies.models import Hobby, Service

from .models import CustomerProfile
from .signals import portraits_changed

ADMIN_USERNAME, ADMIN_PASSWORD = "admin", "admin123"
DEMO_PASSWORD = "123456"
NAMED_CUSTOMERS, NAMED_MANAGERS = 20, 5
SYNTHETIC_CUSTOMER_PREFIX, SYNTHETIC_MANAGER_PREFIX = "syn_c", "syn_m"
BATCH_SIZE = 5000
BLOCK = 4096

# Streams: independent random sequences per kind of account.
_NAMED_CUSTOMERS, _NAMED_MANAGERS, _SYNTHETIC_CUSTOMERS, _SYNTHETIC_MANAGERS = 1, 2, 3, 4

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
    make_block = _customer_block if stream in (_NAMED_CUSTOMERS, _SYNTHETIC_CUSTOMERS) else _manager_block
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


@dataclass
class DemoSummary:
    services_created: int = 0
    hobbies_created: int = 0
    named_created: list[str] = field(default_factory=list)
    named_reset: list[str] = field(default_factory=list)
    portraits_changed: list[int] = field(default_factory=list)
    customers_created: int = 0
    customers_skipped: int = 0
    managers_created: int = 0
    managers_skipped: int = 0
    seconds: float = 0.0


# --- writes ---------------------------------------------------------------------------------------


def _vocabulary_ensure(model, terms: list[tuple[str, float]]) -> tuple[np.ndarray, int]:
    """Ids of the demo terms in demo order, creating the missing ones; returns (ids, created)."""
    names = [name for name, _ in terms]
    existing = set(model.objects.filter(name__in=names).values_list("name", flat=True))
    missing = [model(name=name, order=order) for order, name in enumerate(names) if name not in existing]
    model.objects.bulk_create(missing)
    ids = dict(model.objects.filter(name__in=names).values_list("name", "id"))
    return np.array([ids[name] for name in names], dtype=np.int64), len(missing)


def _ids_by_username(usernames) -> dict[str, int]:
    if isinstance(usernames, str):  # a prefix
        users = User.objects.filter(username__startswith=usernames)
    else:
        users = User.objects.filter(username__in=list(usernames))
    return dict(users.values_list("username", "id"))


def _m2m_insert(relation, owner_ids: np.ndarray, term_ids: np.ndarray, mask: np.ndarray) -> None:
    """Insert the pairs of `mask` (rows: owners, columns: terms) into the through table of `relation`.

    ``executemany`` of plain integer pairs in batches of ``BATCH_SIZE`` rather than the through model's
    ``bulk_create``: these rows are six times the customers, have no defaults or signals (bulk_create
    sends no ``m2m_changed`` either), and building and compiling a model instance per pair took most of
    a 100k-customer run.
    """
    through = relation.through._meta
    owner = through.get_field(relation.field.m2m_field_name()).column
    term = through.get_field(relation.field.m2m_reverse_field_name()).column
    quote = connection.ops.quote_name
    sql = f"INSERT INTO {quote(through.db_table)} ({quote(owner)}, {quote(term)}) VALUES (%s, %s)"
    rows, cols = np.nonzero(mask)
    pairs = np.column_stack((owner_ids[rows], term_ids[cols]))
    with connection.cursor() as cursor:
        for start in range(0, len(pairs), BATCH_SIZE):
            cursor.executemany(sql, pairs[start : start + BATCH_SIZE].tolist())


def _m2m_sync(relation, owner_ids: np.ndarray, term_ids: np.ndarray, mask: np.ndarray) -> set[int]:
    """Make each owner's terms exactly those of `mask`; returns the owners whose terms changed."""
    through = relation.through
    owner_column = f"{relation.field.m2m_field_name()}_id"
    term_column = f"{relation.field.m2m_reverse_field_name()}_id"
    wanted = {(int(owner_ids[r]), int(term_ids[c])) for r, c in zip(*np.nonzero(mask))}
    current = {
        (owner, term): pk
        for pk, owner, term in through.objects.filter(**{f"{owner_column}__in": owner_ids.tolist()}).values_list(
            "pk", owner_column, term_column
        )
    }
    extra = {pair: pk for pair, pk in current.items() if pair not in wanted}
    missing = sorted(wanted - current.keys())
    if extra:
        through.objects.filter(pk__in=extra.values()).delete()
    through.objects.bulk_create(
        [through(**{owner_column: owner, term_column: term}) for owner, term in missing], batch_size=BATCH_SIZE
    )
    return {owner for owner, _ in [*extra, *missing]}


def _profiles_reset(model, user_ids: list[int], values: list[dict]) -> tuple[np.ndarray, set[int], set[int]]:
    """Create or reset one profile per user to `values`.

    Only profiles that differ are written, and only they get a new ``updated_at``. Returns the profile
    ids in user order, the ids of the profiles that existed before, and of those that were changed.
    """
    profiles = {profile.user_id: profile for profile in model.objects.filter(user_id__in=user_ids)}
    created, changed = [], []
    for user_id, fields in zip(user_ids, values):
        profile = profiles.get(user_id)
        if profile is None:
            created.append(model(user_id=user_id, **fields))
        elif any(getattr(profile, name) != value for name, value in fields.items()):
            for name, value in fields.items():
                setattr(profile, name, value)
            profile.updated_at = timezone.now()
            changed.append(profile)
    model.objects.bulk_create(created)
    if changed:
        model.objects.bulk_update(changed, [*values[0], "updated_at"])
    ids = dict(model.objects.filter(user_id__in=user_ids).values_list("user_id", "id"))
    existed = {profile.pk for profile in profiles.values()}
    return np.array([ids[user_id] for user_id in user_ids], dtype=np.int64), existed, {p.pk for p in changed}


def _named_accounts_reset(*, seed: int, service_ids: np.ndarray, hobby_ids: np.ndarray, summary: DemoSummary) -> None:
    customers = generate_portraits(seed=seed, stream=_NAMED_CUSTOMERS, n=NAMED_CUSTOMERS)
    managers = generate_portraits(seed=seed, stream=_NAMED_MANAGERS, n=NAMED_MANAGERS)
    hashes = {ADMIN_PASSWORD: make_password(ADMIN_PASSWORD), DEMO_PASSWORD: make_password(DEMO_PASSWORD)}
    accounts = [(ADMIN_USERNAME, Role.ADMIN, "系统管理员", ADMIN_PASSWORD)]
    accounts += [(f"customer{i + 1}", Role.CUSTOMER, customers.names[i], DEMO_PASSWORD) for i in range(len(customers))]
    accounts += [(f"manager{i + 1}", Role.MANAGER, managers.names[i], DEMO_PASSWORD) for i in range(len(managers))]

    # Passwords are always reset (one hash per password, a new salt each run): checking the old ones
    # would cost a slow hash per account.
    existing = {user.username: user for user in User.objects.filter(username__in=[a[0] for a in accounts])}
    to_create, to_reset = [], []
    for username, role, name, password in accounts:
        user = existing.get(username) or User(username=username)
        user.role, user.name, user.password = role, name, hashes[password]
        user.is_active, user.is_staff, user.is_superuser = True, role == Role.ADMIN, role == Role.ADMIN
        (to_reset if user.pk else to_create).append(user)
    User.objects.bulk_create(to_create)
    User.objects.bulk_update(to_reset, ["role", "name", "password", "is_active", "is_staff", "is_superuser"])
    summary.named_created = [user.username for user in to_create]
    summary.named_reset = [user.username for user in to_reset]
    user_ids = _ids_by_username(a[0] for a in accounts)

    customer_ids, existed, changed = _profiles_reset(
        CustomerProfile,
        [user_ids[f"customer{i + 1}"] for i in range(len(customers))],
        [
            {"age": int(customers.ages[row]), "occupation": customers.occupations[row],
             "total_assets": customers.assets(row)}
            for row in range(len(customers))
        ],
    )
    changed |= _m2m_sync(CustomerProfile.needs, customer_ids, service_ids, customers.services)
    changed |= _m2m_sync(CustomerProfile.hobbies, customer_ids, hobby_ids, customers.hobbies)
    # Customers the reset changed already had a class: have matching recompute it. New ones start
    # unclassified, like every customer this module creates.
    summary.portraits_changed = sorted(changed & existed)
    if summary.portraits_changed:
        portraits_changed.send(sender=CustomerProfile, customer_ids=summary.portraits_changed)

    manager_ids, _, _ = _profiles_reset(
        ManagerProfile,
        [user_ids[f"manager{i + 1}"] for i in range(len(managers))],
        [{"capacity": settings.PORTRAIT_DEFAULT_MANAGER_CAPACITY, "accepting_customers": True}] * len(managers),
    )
    _m2m_sync(ManagerProfile.capabilities, manager_ids, service_ids, managers.services)
    _m2m_sync(ManagerProfile.hobbies, manager_ids, hobby_ids, managers.hobbies)


def _synthetic_usernames(prefix: str, width: int, n: int) -> tuple[list[str], np.ndarray]:
    """Usernames ``prefix + 1..n`` and the rows of those that do not exist yet (one query)."""
    usernames = [f"{prefix}{i:0{width}d}" for i in range(1, n + 1)]
    existing = set(User.objects.filter(username__startswith=prefix).values_list("username", flat=True)) if n else set()
    return usernames, np.array([row for row, name in enumerate(usernames) if name not in existing], dtype=np.int64)


def _users_add(usernames: list[str], rows: np.ndarray, names: list[str], *, role: Role, password: str, prefix: str):
    """Bulk-create the users of `rows`; returns their ids in row order."""
    User.objects.bulk_create(
        (User(username=usernames[row], role=role, name=names[row], password=password) for row in rows),
        batch_size=BATCH_SIZE,
    )
    ids = _ids_by_username(prefix)  # one query, whatever the backend returns from bulk inserts
    return np.array([ids[usernames[row]] for row in rows], dtype=np.int64)


def _synthetic_customers_add(*, seed: int, n: int, password: str, service_ids, hobby_ids) -> tuple[int, int]:
    usernames, rows = _synthetic_usernames(SYNTHETIC_CUSTOMER_PREFIX, 6, n)
    if not len(rows):
        return 0, n
    portraits = generate_portraits(seed=seed, stream=_SYNTHETIC_CUSTOMERS, n=n)
    user_ids = _users_add(usernames, rows, portraits.names, role=Role.CUSTOMER, password=password,
                          prefix=SYNTHETIC_CUSTOMER_PREFIX)
    CustomerProfile.objects.bulk_create(
        (
            CustomerProfile(user_id=int(user_id), age=int(portraits.ages[row]), occupation=portraits.occupations[row],
                            total_assets=portraits.assets(row))
            for row, user_id in zip(rows, user_ids)
        ),
        batch_size=BATCH_SIZE,
    )
    synthetic = CustomerProfile.objects.filter(user__username__startswith=SYNTHETIC_CUSTOMER_PREFIX)
    profile_ids = dict(synthetic.values_list("user_id", "id"))
    owner_ids = np.array([profile_ids[int(user_id)] for user_id in user_ids], dtype=np.int64)
    _m2m_insert(CustomerProfile.needs, owner_ids, service_ids, portraits.services[rows])
    _m2m_insert(CustomerProfile.hobbies, owner_ids, hobby_ids, portraits.hobbies[rows])
    return len(rows), n - len(rows)


def _synthetic_managers_add(*, seed: int, n: int, password: str, service_ids, hobby_ids) -> tuple[int, int]:
    usernames, rows = _synthetic_usernames(SYNTHETIC_MANAGER_PREFIX, 4, n)
    if not len(rows):
        return 0, n
    portraits = generate_portraits(seed=seed, stream=_SYNTHETIC_MANAGERS, n=n)
    user_ids = _users_add(usernames, rows, portraits.names, role=Role.MANAGER, password=password,
                          prefix=SYNTHETIC_MANAGER_PREFIX)
    ManagerProfile.objects.bulk_create((ManagerProfile(user_id=int(u)) for u in user_ids), batch_size=BATCH_SIZE)
    synthetic = ManagerProfile.objects.filter(user__username__startswith=SYNTHETIC_MANAGER_PREFIX)
    profile_ids = dict(synthetic.values_list("user_id", "id"))
    owner_ids = np.array([profile_ids[int(user_id)] for user_id in user_ids], dtype=np.int64)
    _m2m_insert(ManagerProfile.capabilities, owner_ids, service_ids, portraits.services[rows])
    _m2m_insert(ManagerProfile.hobbies, owner_ids, hobby_ids, portraits.hobbies[rows])
    return len(rows), n - len(rows)


@transaction.atomic
def demo_seed(*, seed: int = 42, customers: int = 0, managers: int = 0) -> DemoSummary:
    """Create or reset the demo accounts and add the missing synthetic ones, in one transaction.

    Parameters
    ----------
    seed : int
        Non-negative; the same seed gives the same portraits on any database.
    customers, managers : int
        How many synthetic accounts should exist (``syn_c000001``.., ``syn_m0001``..).
    """
    if seed < 0 or customers < 0 or managers < 0:
        raise ValueError(f"seed, customers and managers must be non-negative, got {seed}, {customers}, {managers}")
    started = time.perf_counter()
    summary = DemoSummary()
    service_ids, summary.services_created = _vocabulary_ensure(Service, SERVICES)
    hobby_ids, summary.hobbies_created = _vocabulary_ensure(Hobby, HOBBIES)
    _named_accounts_reset(seed=seed, service_ids=service_ids, hobby_ids=hobby_ids, summary=summary)

    # Synthetic accounts share one hash of the demo password: hashing is slow on purpose.
    password = make_password(DEMO_PASSWORD) if customers or managers else ""
    terms = {"service_ids": service_ids, "hobby_ids": hobby_ids}
    summary.customers_created, summary.customers_skipped = _synthetic_customers_add(
        seed=seed, n=customers, password=password, **terms
    )
    summary.managers_created, summary.managers_skipped = _synthetic_managers_add(
        seed=seed, n=managers, password=password, **terms
    )
    summary.seconds = time.perf_counter() - started
    return summary
