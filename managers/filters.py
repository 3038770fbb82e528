"""The manager lists' filter: `ManagerFilter(query, queryset=scoped).qs`, scoped first by the caller
(`accounts.access.managers_visible_to`).

- `branch`: a branch's code, or `none` for the managers without one (as `customers.filters`' `branch`).
"""
from __future__ import annotations

from collections.abc import Iterable

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from vocabularies.models import Branch

from .models import ManagerProfile

NO_BRANCH = "none"  # `branch=none`: the managers without a branch


def _branch_choices(branches: Iterable[Branch] | None = None) -> list[tuple[str, str]]:
    """Every branch (read now unless the caller has them: a page listing them reads them once) and none."""
    if branches is None:
        branches = Branch.objects.order_by("code")
    return [*((branch.code, branch.name) for branch in branches), (NO_BRANCH, _("No branch"))]


class ManagerFilter(django_filters.FilterSet):
    branch = django_filters.ChoiceFilter(
        method="filter_branch", label=_("Branch"), empty_label=_("Any"), choices=_branch_choices,
    )

    class Meta:
        model = ManagerProfile
        fields: list[str] = []

    def __init__(self, *args, branches: list[Branch] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if branches is not None:
            self.filters["branch"].extra["choices"] = _branch_choices(branches)

    def filter_branch(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if value == NO_BRANCH:
            return queryset.filter(branch__isnull=True)
        return queryset.filter(branch__code=value)
