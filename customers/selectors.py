"""Read queries on customer portraits."""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from core.bulk import m2m_links_load
from core.tabular import join_terms
from vocabularies.models import Hobby, Service, Term

from .models import CustomerProfile

# What `import_customers` reads; an export adds the columns the matching app computes.
CUSTOMER_IMPORT_COLUMNS = ("username", "name", "age", "occupation", "total_assets", "needs", "hobbies")
CUSTOMER_COMPUTED_COLUMNS = ("customer_class", "segment", "manager")
CUSTOMER_EXPORT_COLUMNS = (*CUSTOMER_IMPORT_COLUMNS, *CUSTOMER_COMPUTED_COLUMNS)

_TERM_COLUMNS = (("needs", Service), ("hobbies", Hobby))
_VALUES = (
    "pk", "user__username", "user__name", "age", "occupation", "total_assets",
    "customer_class", "segment", "manager__user__username",
)


def _term_names(model: type[Term]) -> dict[int, tuple[int, str]]:
    """id -> (position in the vocabulary's order, name): one query, however many customers follow."""
    return {pk: (position, name) for position, (pk, name) in enumerate(model.objects.values_list("pk", "name"))}


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

    Reads `chunk_size` customers at a time (keyset on the username, so memory stays flat): two queries
    for the vocabularies, then three per chunk (portraits with user and manager joined, and one per
    many-to-many relation on its through table), whatever the number of terms per customer.
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

    vocabularies = {column: _term_names(model) for column, model in _TERM_COLUMNS}
    relations = {column: CustomerProfile._meta.get_field(column) for column, _model in _TERM_COLUMNS}
    last_username = None
    while True:
        page = queryset if last_username is None else queryset.filter(user__username__gt=last_username)
        chunk = list(page[:chunk_size])
        if not chunk:
            return
        ids = [values[0] for values in chunk]
        links = {column: m2m_links_load(relations[column], owner_ids=ids) for column in relations}
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
            for column, names in vocabularies.items():
                term_ids = sorted(links[column].get(pk, ()), key=names.__getitem__)  # vocabulary order
                row[column] = join_terms(names[term_id][1] for term_id in term_ids)
            yield {column: row[column] for column in CUSTOMER_EXPORT_COLUMNS}
        if len(chunk) < chunk_size:
            return
        last_username = chunk[-1][1]


# --- pages: one customer, a list of customers ----------------------------------------------------

def _terms_in_order(relation: str) -> Prefetch:
    model = CustomerProfile._meta.get_field(relation).related_model
    return Prefetch(relation, queryset=model.objects.order_by("order", "name"))


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
    order = [f"-{column}" if descending else column for column in columns]
    order.append("-pk" if descending else "pk")
    return (
        queryset.select_related("user")
        .prefetch_related(_terms_in_order("needs"), _terms_in_order("hobbies"))
        .order_by(*order)
    )
