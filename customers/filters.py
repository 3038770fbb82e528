"""The one customer filter and the one customer sort, for every surface that lists customers.

`CustomerFilter` (django-filter) narrows a queryset of `CustomerProfile`, scoped first by the caller
(`accounts.access.customers_visible_to`): the console's list and its export, the manager's workspace,
the API's list and `export_customers` all read the same query string the same way. Every filter combines
with the others (AND); a parameter that is absent or empty filters nothing.

- `customer_class`: A-E, or `none` for the customers not classified yet;
- `segment`: a segment label; `manager`: the manager's *user* id; `unassigned`, `locked`: true or false;
- `occupation`: the occupation exactly as stored (the dashboard's occupation chart links with it);
- `need`, `hobby`: a Service or Hobby id;
- `branch`: a branch's code, or `none` for the customers without one; `tier`: a service tier's code (from
  total assets, `vocabularies.tiers`);
- `age_min`, `age_max`, `assets_min`, `assets_max`: inclusive bounds;
- `created_after`, `created_before`: inclusive days in the project's time zone (`settings.TIME_ZONE`);
- `q`: part of the username, the name or the occupation (case-insensitive);
- `run`: a matching run's id: the customers whose manager that run changed (their assignment history);
- `id_from`, `id_to`: inclusive bounds on the customer's id: the customers one import created (its job
  records their first and last id: `imports.jobs`).

`CustomerSort` reads `sort` (a key of `CUSTOMER_SORTS`, `-` in front for descending) for the pages that
offer sorting; the API pages by user id and takes no sort.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import django_filters
from django_filters.widgets import BooleanWidget
from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import AmountField
from vocabularies.models import Branch, Hobby, Service
from vocabularies.tiers import tier_assets_range, tier_choices

from .models import MAX_AGE, CustomerClass, CustomerProfile

NOT_CLASSIFIED = "none"  # `customer_class=none`: the customers whose class is still empty
NO_BRANCH = "none"  # `branch=none`: the customers without a branch
MAX_ID = 2**31 - 1
MAX_SEGMENT = 32767
MAX_ASSETS_DIGITS = 15


def day_start(day: dt.date) -> dt.datetime:
    """Midnight at the start of `day` in the project's time zone, aware: a bound on `created_at` that the
    index serves (a `__date` lookup would need the database's time zone tables and read every row)."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min), timezone.get_default_timezone())


class AnyBooleanWidget(BooleanWidget):
    """django-filter's yes/no select with the empty choice every filter shows: "Any" ("不限", docs/glossary.md)."""

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.choices = (("", _("Any")), ("true", _("Yes")), ("false", _("No")))


class AmountFilter(django_filters.NumberFilter):
    """An amount in yuan as people type it: "1,200,000", "120万" (core.forms.AmountField)."""

    field_class = AmountField


class IntegerFilter(django_filters.NumberFilter):
    """A whole number (django-filter's NumberFilter takes decimals): 1.5 is refused, not rounded."""

    field_class = forms.IntegerField


class CustomerFilter(django_filters.FilterSet):
    """The customer list's filters; `CustomerFilter(query, queryset=scoped).qs` is the filtered list.

    An invalid value is left out of `.qs` (pages show the error beside the field, the other filters still
    apply); the API refuses the request with a 400 naming the field.
    """

    q = django_filters.CharFilter(
        method="filter_search", max_length=100, label=_("Search"),
        help_text=_("Part of the username, the name or the occupation."),
    )
    customer_class = django_filters.ChoiceFilter(
        method="filter_class", label=_("Match fit"), empty_label=_("Any"),
        choices=[*CustomerClass.choices, (NOT_CLASSIFIED, _("Not rated yet"))],
        help_text=_("A-E, how well the customer fits the best manager; “none” for the customers not rated yet."),
    )
    segment = IntegerFilter(
        field_name="segment", label=_("Segment"), min_value=0, max_value=MAX_SEGMENT,
        help_text=_("A segment's label (see the segments of the last segmentation)."),
    )
    manager = IntegerFilter(
        field_name="manager__user_id", label=_("Manager"), min_value=1, max_value=MAX_ID,
        help_text=_("The manager's user id."),
    )
    unassigned = django_filters.BooleanFilter(
        field_name="manager", lookup_expr="isnull", label=_("Unassigned"), widget=AnyBooleanWidget,
        help_text=_("true: only customers without a manager; false: only those with one."),
    )
    locked = django_filters.BooleanFilter(
        field_name="manager_locked", label=_("Locked"), widget=AnyBooleanWidget,
        help_text=_("Assigned by hand: runs do not move them."),
    )
    occupation = django_filters.CharFilter(
        field_name="occupation", max_length=100, label=_("Occupation"),
        help_text=_("The occupation exactly as stored."),
    )
    need = django_filters.ModelChoiceFilter(
        field_name="needs", queryset=Service.objects.order_by("order", "name"), label=_("Need"),
        empty_label=_("Any"), help_text=_("A service id (see /api/vocabulary)."),
    )
    hobby = django_filters.ModelChoiceFilter(
        field_name="hobbies", queryset=Hobby.objects.order_by("order", "name"), label=_("Hobby"),
        empty_label=_("Any"), help_text=_("A hobby id (see /api/vocabulary)."),
    )
    branch = django_filters.ChoiceFilter(
        method="filter_branch", label=_("Branch"), empty_label=_("Any"), choices=lambda: [
            *Branch.objects.order_by("code").values_list("code", "name"), (NO_BRANCH, _("No branch")),
        ],
        help_text=_("A branch's code; “none” for the customers without a branch."),
    )
    tier = django_filters.ChoiceFilter(
        method="filter_tier", label=_("Service tier"), empty_label=_("Any"), choices=tier_choices,
        help_text=_("A service tier's code, set by total assets."),
    )
    age_min = IntegerFilter(
        field_name="age", lookup_expr="gte", label=_("Age from"), min_value=0, max_value=MAX_AGE,
        help_text=_("Years, inclusive."),
    )
    age_max = IntegerFilter(
        field_name="age", lookup_expr="lte", label=_("Age to"), min_value=0, max_value=MAX_AGE,
        help_text=_("Years, inclusive."),
    )
    assets_min = AmountFilter(
        field_name="total_assets", lookup_expr="gte", label=_("Assets from"), min_value=0,
        max_digits=MAX_ASSETS_DIGITS, decimal_places=2, help_text=_("Yuan, inclusive."),
    )
    assets_max = AmountFilter(
        field_name="total_assets", lookup_expr="lte", label=_("Assets to"), min_value=0,
        max_digits=MAX_ASSETS_DIGITS, decimal_places=2, help_text=_("Yuan, inclusive."),
    )
    run = IntegerFilter(
        field_name="assignments__run", label=_("Changed by run"), min_value=1, max_value=MAX_ID,
        help_text=_("A matching run's id: the customers whose manager that run changed."),
    )
    id_from = IntegerFilter(
        field_name="pk", lookup_expr="gte", label=_("From customer number"), min_value=1, max_value=MAX_ID,
        help_text=_("A customer's id, inclusive: with id_to, the customers one import created."),
    )
    id_to = IntegerFilter(
        field_name="pk", lookup_expr="lte", label=_("To customer number"), min_value=1, max_value=MAX_ID,
        help_text=_("A customer's id, inclusive."),
    )
    created_after = django_filters.DateFilter(
        method="filter_created_after", label=_("Created from"), widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("On or after this day (the bank's time zone)."),
    )
    created_before = django_filters.DateFilter(
        method="filter_created_before", label=_("Created to"), widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("On or before this day (the bank's time zone)."),
    )

    class Meta:
        model = CustomerProfile
        fields: list[str] = []  # every filter is declared above

    def filter_search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        text = value.strip()
        if not text:
            return queryset
        return queryset.filter(
            Q(user__username__icontains=text) | Q(user__name__icontains=text) | Q(occupation__icontains=text)
        )

    def filter_class(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(customer_class="" if value == NOT_CLASSIFIED else value)

    def filter_branch(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if value == NO_BRANCH:
            return queryset.filter(branch__isnull=True)
        return queryset.filter(branch__code=value)

    def filter_tier(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        low, high = tier_assets_range(value)
        queryset = queryset.filter(total_assets__gte=low)
        return queryset if high is None else queryset.filter(total_assets__lt=high)

    def filter_created_after(self, queryset: QuerySet, name: str, value: dt.date) -> QuerySet:
        return queryset.filter(created_at__gte=day_start(value))

    def filter_created_before(self, queryset: QuerySet, name: str, value: dt.date) -> QuerySet:
        return queryset.filter(created_at__lt=day_start(value + dt.timedelta(days=1)))


# --- sorting --------------------------------------------------------------------------------------

# Sort keys a page may offer, each to its columns; `customer_ordering` breaks ties so pages never overlap.
CUSTOMER_SORTS = {
    "username": ("user__username",),
    "name": ("user__name", "user__username"),
    "age": ("age",),
    "occupation": ("occupation",),
    "assets": ("total_assets",),
    "class": ("customer_class",),
    "segment": ("segment",),
    "manager": ("manager__user__username",),
    "created": ("created_at",),
}
DEFAULT_SORT = "username"

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


def customer_sorted(queryset: QuerySet, sort: str = DEFAULT_SORT) -> QuerySet:
    """`queryset` ordered by a `CUSTOMER_SORTS` key, descending when it starts with "-" (an unknown key
    sorts by username)."""
    descending = sort.startswith("-")
    columns = CUSTOMER_SORTS.get(sort.removeprefix("-")) or CUSTOMER_SORTS[DEFAULT_SORT]
    return queryset.order_by(*customer_ordering([f"-{column}" if descending else column for column in columns]))


class CustomerSort(forms.Form):
    """`sort`: a key of `CUSTOMER_SORTS`, with "-" in front for descending; username when absent or unknown."""

    sort = forms.ChoiceField(
        label=_("Sort"), required=False,
        choices=[(f"{sign}{key}", f"{sign}{key}") for key in CUSTOMER_SORTS for sign in ("", "-")],
    )

    @property
    def key(self) -> str:
        """The valid sort key asked for ("-age"), or the default."""
        return (self.cleaned_data.get("sort") if self.is_valid() else "") or DEFAULT_SORT

    def order(self, queryset: QuerySet) -> QuerySet:
        return customer_sorted(queryset, self.key)
