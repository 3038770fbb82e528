"""Read queries on customer portraits."""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet

from portrait.tabular import join_terms
from vocabularies.models import Hobby, Service, Term
from vocabularies.services import term_links_load

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
        links = {column: term_links_load(relation=relations[column], owner_ids=ids) for column in relations}
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
