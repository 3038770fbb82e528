"""Read queries on customer portraits."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterator
from typing import Any

from django.db.models import Prefetch, QuerySet

from core.bulk import m2m_links_load_many
from core.tabular import join_terms
from vocabularies.models import Hobby, Service
from vocabularies.selectors import term_names_in_order_many
from vocabularies.tiers import tier_of

from .filters import CustomerFilter
from .models import CustomerProfile, SavedView

# What `import_customers` reads (`branch`, a branch's code, may be left out); an export adds the columns
# computed from the rest: the tier (from total assets) and what the matching app decides.
CUSTOMER_IMPORT_COLUMNS = ("username", "name", "age", "occupation", "total_assets", "needs", "hobbies", "branch")
CUSTOMER_OPTIONAL_COLUMNS = ("branch",)
CUSTOMER_COMPUTED_COLUMNS = ("tier", "customer_class", "segment", "manager")
CUSTOMER_EXPORT_COLUMNS = (*CUSTOMER_IMPORT_COLUMNS, *CUSTOMER_COMPUTED_COLUMNS)

_TERM_COLUMNS = ("needs", "hobbies")
_TERM_MODELS = {"needs": Service, "hobbies": Hobby}
_VALUES = (
    "pk", "user__username", "user__name", "age", "occupation", "total_assets",
    "customer_class", "segment", "manager__user__username", "branch__code",
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


def customer_export_rows(
    *,
    chunk_size: int = 1000,
    queryset: QuerySet[CustomerProfile] | None = None,
) -> Iterator[dict[str, Any]]:
    """Customers as export rows (keys: `CUSTOMER_EXPORT_COLUMNS`), ordered by username.

    Reads `chunk_size` customers at a time (keyset on the username, so memory stays flat): three queries
    per chunk (portraits with user and manager joined, and one per many-to-many relation on its through
    table joined to the vocabulary), whatever the number of terms per customer.
    Terms are listed in their vocabulary's order; the manager is their username, or empty.
    `queryset`: the customers to export (`customers.filters.CustomerFilter`'s); every customer by default.
    """
    queryset = CustomerProfile.objects.all() if queryset is None else queryset
    queryset = queryset.order_by("user__username").values_list(*_VALUES)

    last_username = None
    while True:
        page = queryset if last_username is None else queryset.filter(user__username__gt=last_username)
        chunk = list(page[:chunk_size])
        if not chunk:
            return
        terms = customer_term_names([values[0] for values in chunk])
        for pk, username, name, age, occupation, total_assets, customer_class_, segment_, manager, branch in chunk:
            row = {
                "username": username,
                "name": name,
                "age": age,
                "occupation": occupation,
                "total_assets": total_assets,
                "customer_class": customer_class_,
                "segment": segment_,
                "manager": manager or "",
                "branch": branch or "",
                "tier": tier_of(total_assets).code,
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
        queryset.select_related("user", "manager__user", "branch")
        .prefetch_related(_terms_in_order("needs"), _terms_in_order("hobbies"))
        .filter(**lookup)
        .first()
    )


def customer_list(*, queryset: QuerySet) -> QuerySet:
    """`queryset` (scoped by `accounts.access.customers_visible_to`, filtered by `customers.filters`) with
    what a list's rows show: the user and the manager's user joined, needs and hobbies in vocabulary order.

    A page of it costs three queries (the rows, then needs and hobbies, each in vocabulary order), whatever
    the page size and the number of terms per customer.
    """
    return queryset.select_related("user", "manager__user", "branch").prefetch_related(
        _terms_in_order("needs"), _terms_in_order("hobbies"),
    )


def customer_search(*, queryset: QuerySet, text: str, limit: int = 20) -> list[CustomerProfile]:
    """Up to `limit` customers of `queryset` (a scoping selector's) whose username, name or occupation holds
    `text`: the customer filter's `q` (`customers.filters`), with user and manager. One query."""
    found = CustomerFilter({"q": text}, queryset=queryset).qs
    return list(found.select_related("user", "manager__user").order_by("user__username")[:limit])


def saved_views_of(owner) -> list:
    """`owner`'s saved customer views by name: one query."""
    return list(SavedView.objects.filter(owner=owner).order_by("name"))
