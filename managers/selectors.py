"""Reads about managers. A manager's load (customers served) is computed here and nowhere else.

Customers sit above managers (a customer points at their manager), so this module imports no customer
model: every count is a query on ``ManagerProfile`` through its reverse relation ``customers``, the one
Django gives a model for the foreign keys pointing at it. Counting starts from one manager row (a
correlated subquery, or an ``IN`` list of ids) and reads the customers through their (manager, class)
index; there is no join of every manager with every customer.
"""
from __future__ import annotations

from collections.abc import Collection

from django.db.models import BigIntegerField, Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from vocabularies.models import Hobby, Service

from .models import ManagerProfile


def manager_load_expression() -> Coalesce:
    """An annotation: customers served by the manager row, 0 when none.

    A correlated subquery (the manager row itself, joined to its customers through the (manager, class)
    index) rather than ``Count("customers")`` on the outer query: that join and GROUP BY would aggregate
    every customer before a page of managers is cut.
    """
    served = (
        ManagerProfile.objects.filter(pk=OuterRef("pk"))
        .order_by()
        .values("pk")
        .annotate(n=Count("customers"))
        .values("n")
    )
    return Coalesce(Subquery(served, output_field=BigIntegerField()), 0)


def managers_with_load(queryset: QuerySet[ManagerProfile] | None = None) -> QuerySet[ManagerProfile]:
    """Managers annotated with ``load`` (customers served)."""
    queryset = ManagerProfile.objects.all() if queryset is None else queryset
    return queryset.annotate(load=manager_load_expression())


def manager_loads(manager_ids: Collection[int]) -> dict[int, int]:
    """Customers served per manager id (every id asked is in the answer, 0 when none): one query."""
    ids = list(manager_ids)
    if not ids:
        return {}
    counts = dict(
        ManagerProfile.objects.filter(pk__in=ids)
        .order_by()
        .values("pk")
        .annotate(n=Count("customers"))
        .values_list("pk", "n")
    )
    return {manager_id: counts.get(manager_id, 0) for manager_id in ids}


def manager_load(manager: ManagerProfile) -> int:
    """Customers one manager serves: one query."""
    return manager_loads([manager.pk])[manager.pk]


def manager_profile_get(*, queryset: QuerySet, **lookup) -> ManagerProfile | None:
    """One profile from `queryset` (a scoping selector's) with its user and branch, and capabilities and hobbies
    in vocabulary order: three queries. None when there is none."""
    return (
        queryset.select_related("user", "branch")
        .prefetch_related(
            Prefetch("capabilities", queryset=Service.objects.order_by("order", "name")),
            Prefetch("hobbies", queryset=Hobby.objects.order_by("order", "name")),
        )
        .filter(**lookup)
        .first()
    )


def manager_search(*, queryset: QuerySet[ManagerProfile], text: str, limit: int = 20) -> list[ManagerProfile]:
    """Up to `limit` managers of `queryset` (a scoping selector's) whose username or name holds `text`, with
    their user and `load`. One query."""
    text = text.strip()
    if not text:
        return []
    found = queryset.filter(Q(user__username__icontains=text) | Q(user__name__icontains=text))
    return list(managers_with_load(found).select_related("user").order_by("user__username")[:limit])
