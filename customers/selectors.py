"""Read queries on customer portraits."""
from __future__ import annotations

import functools
from collections.abc import Collection, Iterator, Sequence
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from core.bulk import LinkedNames, linked_names_parse, m2m_links_load_many
from core.tabular import join_terms
from vocabularies.models import Hobby, Service
from vocabularies.selectors import term_names_in_order_many

from .models import CustomerProfile

# What `import_customers` reads; an export adds the columns the matching app computes.
CUSTOMER_IMPORT_COLUMNS = ("username", "name", "age", "occupation", "total_assets", "needs", "hobbies")
CUSTOMER_COMPUTED_COLUMNS = ("customer_class", "segment", "manager")
CUSTOMER_EXPORT_COLUMNS = (*CUSTOMER_IMPORT_COLUMNS, *CUSTOMER_COMPUTED_COLUMNS)

_TERM_COLUMNS = ("needs", "hobbies")
_TERM_MODELS = {"needs": Service, "hobbies": Hobby}
_VALUES = (
    "pk", "user__username", "user__name", "age", "occupation", "total_assets",
    "customer_class", "segment", "manager__user__username",
)


def customer_term_names(customer_ids: Collection[int]) -> dict[str, dict[int, list[str]]]:
    """Each customer's needs and hobbies by name, in vocabulary order: `{"needs": {id: [name, ...]}, ...}`.

    One query for both relations, on the link tables' (customer, term) indexes alone: no join, no sort and
    no model instance; the names and their order come from the cached vocabulary. On a 25-row API page
    the ~400 term instances of a prefetch, then a joined and sorted query per relation, were most of the time.
    """
    fields = [CustomerProfile._meta.get_field(column) for column in _TERM_COLUMNS]
    links = m2m_links_load_many(fields, owner_ids=customer_ids)
    named = term_names_in_order_many({
        _TERM_MODELS[field.name]: by_customer.values() for field, by_customer in zip(fields, links)
    })
    return {
        field.name: defaultdict(list, zip(by_customer, named[_TERM_MODELS[field.name]]))
        for field, by_customer in zip(fields, links)
    }


# What a list's row reads: the portrait, its user's and manager's names, and its terms' names.
CUSTOMER_ROW_COLUMNS = (
    "user_id", "user__username", "user__name", "age", "occupation", "total_assets", "customer_class",
    "segment", "manager__user_id", "manager__user__username", "manager__user__name", "manager_locked",
    "created_at", "updated_at",
)


@functools.cache
def _every_customer_row() -> QuerySet:
    linked = {f"{column}_names": LinkedNames(CustomerProfile._meta.get_field(column)) for column in _TERM_COLUMNS}
    return CustomerProfile.objects.values(*CUSTOMER_ROW_COLUMNS, **linked)  # never evaluated: callers get copies


def customer_rows() -> QuerySet:
    """Every customer as plain rows for a list, to narrow (`customers_visible_to(user, among=...)`, filters):
    dicts of `CUSTOMER_ROW_COLUMNS` and the names of their needs and hobbies in vocabulary order, all in one
    statement (`customer_rows_named` splits the names once a page is read). No model instances, no second
    query, no cache, and the columns resolved once per process (naming 14 columns across three joins cost more
    than the rest of building the page's query): an API page serves hundreds of times a second."""
    return _every_customer_row().all()


def customer_rows_named(rows: list[dict]) -> list[dict]:
    """A page of `customer_rows` with `needs` and `hobbies`, lists of names in vocabulary order."""
    for row in rows:
        for column in _TERM_COLUMNS:
            row[column] = linked_names_parse(row.pop(f"{column}_names"))
    return rows


def customer_export_rows(
    *,
    customer_class: str | None = None,
    manager_username: str | None = None,
    segment: int | None = None,
    chunk_size: int = 1000,
    queryset: QuerySet[CustomerProfile] | None = None,
) -> Iterator[dict[str, Any]]:
    """Customers as export rows (keys: `CUSTOMER_EXPORT_COLUMNS`), ordered by username, filtered by class
    (`""` for unclassified), by their manager's username and by segment.

    Reads `chunk_size` customers at a time (keyset on the username, so memory stays flat): three queries
    per chunk (portraits with user and manager joined, and one per many-to-many relation on its through
    table joined to the vocabulary), whatever the number of terms per customer.
    Terms are listed in their vocabulary's order; the manager is their username, or empty.
    `queryset` starts from an already filtered set of customers (the console's filtered list).
    """
    queryset = CustomerProfile.objects.all() if queryset is None else queryset
    if customer_class is not None:
        queryset = queryset.filter(customer_class=customer_class)
    if manager_username is not None:
        queryset = queryset.filter(manager__user__username=manager_username)
    if segment is not None:
        queryset = queryset.filter(segment=segment)
    queryset = queryset.order_by("user__username").values_list(*_VALUES)

    last_username = None
    while True:
        page = queryset if last_username is None else queryset.filter(user__username__gt=last_username)
        chunk = list(page[:chunk_size])
        if not chunk:
            return
        terms = customer_term_names([values[0] for values in chunk])
        for pk, username, name, age, occupation, total_assets, customer_class_, segment_, manager in chunk:
            row = {
                "username": username,
                "name": name,
                "age": age,
                "occupation": occupation,
                "total_assets": total_assets,
                "customer_class": customer_class_,
                "segment": segment_,
                "manager": manager or "",
            }
            for column, names in terms.items():
                row[column] = join_terms(names.get(pk, ()))
            yield {column: row[column] for column in CUSTOMER_EXPORT_COLUMNS}
        if len(chunk) < chunk_size:
            return
        last_username = chunk[-1][1]


# --- pages: one customer, a list of customers ----------------------------------------------------

def _terms_in_order(relation: str) -> Prefetch:
    return Prefetch(relation, queryset=_TERM_MODELS[relation].objects.order_by("order", "name"))


def customer_portrait_get(*, queryset: QuerySet, **lookup) -> CustomerProfile | None:
    """One portrait from `queryset` (a scoping selector's), with its user and manager's user joined and
    its needs and hobbies in vocabulary order: three queries. None when there is no such portrait."""
    return (
        queryset.select_related("user", "manager__user")
        .prefetch_related(_terms_in_order("needs"), _terms_in_order("hobbies"))
        .filter(**lookup)
        .first()
    )


@dataclass(frozen=True)
class CustomerFilters:
    """What a customer list can be narrowed by; every filter combines with the others (AND)."""

    customer_class: str = ""
    segment: int | None = None
    need: int | None = None  # a Service id
    hobby: int | None = None  # a Hobby id
    age_min: int | None = None
    age_max: int | None = None
    assets_min: Decimal | None = None
    assets_max: Decimal | None = None
    search: str = ""  # part of the username or the display name


# Sort keys a page may offer, each to its columns; the primary key breaks ties so pages never overlap.
CUSTOMER_SORTS = {
    "name": ("user__name", "user__username"),
    "username": ("user__username",),
    "age": ("age",),
    "occupation": ("occupation",),
    "assets": ("total_assets",),
    "class": ("customer_class",),
    "segment": ("segment",),
    "created": ("created_at",),
}


# A customer's username is unique: no tie to break after it.
_UNIQUE_SORT_COLUMNS = {"user__username"}


def customer_ordering(columns: Sequence[str]) -> list[str]:
    """`columns` (each may start with "-"), then the primary key in the last one's direction, so that pages
    never overlap; nothing after a unique column. Ordering by username alone lets MariaDB read the
    username index and stop after one page (12 ms at 100k customers); with the key after it, it sorted
    every customer first (1.4 s)."""
    order = list(columns)
    if order[-1].lstrip("-") not in _UNIQUE_SORT_COLUMNS:
        order.append("-pk" if order[-1].startswith("-") else "pk")
    return order


def customer_list(
    *,
    queryset: QuerySet,
    filters: CustomerFilters = CustomerFilters(),
    sort: str = "username",
    descending: bool = False,
) -> QuerySet:
    """`queryset` (start from `accounts.access.customers_visible_to(user)`) filtered and sorted.

    A page of it costs three queries (the rows with user joined, then needs and hobbies, each in
    vocabulary order) and counting it one, whatever the page size and the number of customers.
    A need or hobby filter joins the through table on a unique pair, so no row repeats.
    """
    if filters.customer_class:
        queryset = queryset.filter(customer_class=filters.customer_class)
    if filters.segment is not None:
        queryset = queryset.filter(segment=filters.segment)
    if filters.need is not None:
        queryset = queryset.filter(needs=filters.need)
    if filters.hobby is not None:
        queryset = queryset.filter(hobbies=filters.hobby)
    if filters.age_min is not None:
        queryset = queryset.filter(age__gte=filters.age_min)
    if filters.age_max is not None:
        queryset = queryset.filter(age__lte=filters.age_max)
    if filters.assets_min is not None:
        queryset = queryset.filter(total_assets__gte=filters.assets_min)
    if filters.assets_max is not None:
        queryset = queryset.filter(total_assets__lte=filters.assets_max)
    if filters.search:
        queryset = queryset.filter(
            Q(user__username__icontains=filters.search) | Q(user__name__icontains=filters.search)
        )
    columns = CUSTOMER_SORTS.get(sort, CUSTOMER_SORTS["username"])
    order = customer_ordering([f"-{column}" if descending else column for column in columns])
    return (
        queryset.select_related("user")
        .prefetch_related(_terms_in_order("needs"), _terms_in_order("hobbies"))
        .order_by(*order)
    )
