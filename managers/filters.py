"""The manager lists' filter: `ManagerFilter(query, queryset=scoped).qs`, scoped first by the caller
(`accounts.access.managers_visible_to`).

- `branch`: a branch's code, or `none` for the managers without one (as `customers.filters`' `branch`).
"""
from __future__ import annotations

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from vocabularies.models import Branch

from .models import ManagerProfile

NO_BRANCH = "none"  # `branch=none`: the managers without a branch


class ManagerFilter(django_filters.FilterSet):
    branch = django_filters.ChoiceFilter(
        method="filter_branch", label=_("Branch"), empty_label=_("Any"), choices=lambda: [
            *Branch.objects.order_by("code").values_list("code", "name"), (NO_BRANCH, _("No branch")),
        ],
    )

    class Meta:
        model = ManagerProfile
        fields: list[str] = []

    def filter_branch(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if value == NO_BRANCH:
            return queryset.filter(branch__isnull=True)
        return queryset.filter(branch__code=value)
