"""Read queries on relationship manager profiles."""
from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from vocabularies.models import Hobby, Service

from .models import ManagerProfile


def manager_profile_get(*, queryset: QuerySet, **lookup) -> ManagerProfile | None:
    """One profile from `queryset` (a scoping selector's) with its user, and capabilities and hobbies in
    vocabulary order: three queries. None when there is none."""
    return (
        queryset.select_related("user")
        .prefetch_related(
            Prefetch("capabilities", queryset=Service.objects.order_by("order", "name")),
            Prefetch("hobbies", queryset=Hobby.objects.order_by("order", "name")),
        )
        .filter(**lookup)
        .first()
    )


def manager_load(*, manager: ManagerProfile) -> int:
    """How many customers the manager serves now: one query."""
    return manager.customers.count()
