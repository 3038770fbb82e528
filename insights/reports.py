"""Reports: a book's last twelve months, from what the apps record (read only).

A report covers the books of some managers (`managers`, a queryset): one manager's book, a branch's
(`ManagerProfile.objects.filter(branch=...)`) or every manager's (the console's overview). Month by month:

- customers in the book at the month's end (this month: now), by match fit and by service tier, and their
  mean match score: from the assignment history, each customer counted from the change that brought them to
  the book until the next change of their manager, with the fit and score recorded by that change (a later
  reclassification does not rewrite the past); a customer whose arrival the history does not show (a
  manager set outside the services) is not counted. The history records no assets, so the tier is the one
  the customer's total assets set now (`vocabularies.tiers`), in every month;
- customers gained and lost: changes of manager into and out of the books;
- requests for another manager opened (by customers of these managers when they asked) and resolved;
- contacts made (recorded by these managers) and follow-ups overdue now, by the month they fell due (the
  workspace's rule: a customer's latest contact whose follow-up date has passed).

Months are the bank's (`TIME_ZONE`) calendar months, compared as bounds computed here: no time zone tables
in the database. `book_report` takes `REPORT_QUERIES` queries whatever the number of customers.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from change_requests.models import ChangeRequest, RequestStatus
from contacts.models import Contact
from contacts.selectors import follow_ups_owed
from core.tabular.write import write_xlsx
from customers.models import CustomerClass
from managers.models import ManagerProfile
from matching.models import Assignment
from vocabularies.tiers import Tier, service_tiers, tier_code_expression

#: The months a report covers, this one included.
MONTHS = 12
#: Queries `book_report` takes: the stays begun and ended, the changes, the requests, the contacts, the overdue
#: follow-ups.
REPORT_QUERIES = 6
#: The figures of a month, in the order the table and the workbook show them (the fit and tier columns sit
#: between `customers` and `mean_score`).
MONTH_FIGURES = (
    "customers", "mean_score", "gained", "lost", "requests_opened", "requests_resolved", "contacts",
    "overdue_follow_ups",
)

FIGURE_LABELS = {
    "customers": gettext_lazy("Customers at the month's end"),
    "mean_score": gettext_lazy("Mean match score"),
    "gained": gettext_lazy("Customers gained"),
    "lost": gettext_lazy("Customers lost"),
    "requests_opened": gettext_lazy("Requests opened"),
    "requests_resolved": gettext_lazy("Requests resolved"),
    "contacts": gettext_lazy("Contacts made"),
    "overdue_follow_ups": gettext_lazy("Follow-ups overdue, by the month due"),
}


@dataclass
class MonthFigures:
    month: str  # "2026-05"
    customers: int = 0
    fits: dict[str, int] = field(default_factory=dict)  # {"A": 3, ...}: every letter
    tiers: dict[str, int] = field(default_factory=dict)  # {tier code: customers}: every configured tier
    mean_score: float | None = None
    gained: int = 0
    lost: int = 0
    requests_opened: int = 0
    requests_resolved: int = 0
    contacts: int = 0
    overdue_follow_ups: int = 0


@dataclass
class BookReport:
    months: list[MonthFigures]  # oldest first; the last is this month, to date
    tiers: tuple[Tier, ...]  # the configured service tiers, lowest first
    overdue_before: int  # follow-ups overdue now that fell due before the first month

    @property
    def fit_letters(self) -> list[str]:
        return list(CustomerClass.values)

    def totals(self) -> dict[str, int]:
        """The flows summed over the months (the stocks are the last month's)."""
        keys = ("gained", "lost", "requests_opened", "requests_resolved", "contacts", "overdue_follow_ups")
        totals = {key: sum(getattr(month, key) for month in self.months) for key in keys}
        totals["overdue_follow_ups"] += self.overdue_before
        return totals

    def as_chart_data(self) -> dict[str, Any]:
        """What the page's script draws (passed with `json_script`)."""
        return {
            "months": [month.month for month in self.months],
            "fits": {letter: [month.fits[letter] for month in self.months] for letter in self.fit_letters},
            "tiers": [
                {"code": tier.code, "label": str(tier.name), "counts": [m.tiers[tier.code] for m in self.months]}
                for tier in self.tiers
            ],
            "mean_score": [month.mean_score for month in self.months],
            "gained": [month.gained for month in self.months],
            "lost": [month.lost for month in self.months],
            "requests_opened": [month.requests_opened for month in self.months],
            "requests_resolved": [month.requests_resolved for month in self.months],
            "contacts": [month.contacts for month in self.months],
            "overdue_follow_ups": [month.overdue_follow_ups for month in self.months],
            "text": {
                **{name: str(label) for name, label in FIGURE_LABELS.items()},
                "fit": _("Match fit %(letter)s"),
            },
        }


def month_starts(today: dt.date, months: int = MONTHS) -> list[dt.date]:
    """The first days of the last `months` months, this one last, and of the next month (the end bound)."""
    starts = []
    for back in range(months - 1, -2, -1):
        year, month = divmod(today.year * 12 + today.month - 1 - back, 12)
        starts.append(dt.date(year, month + 1, 1))
    return starts


def _moment(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _stays(changes: QuerySet, *, counts: dict, fit, score) -> list[dict]:
    """`counts` of `changes` grouped by the stay's fit, score and the customer's tier: one query."""
    keys = {"fit": fit, "score": score, "tier": tier_code_expression("customer__total_assets")}
    return list(changes.annotate(**keys).order_by().values(*keys).annotate(**counts))


def _previous_change() -> QuerySet:
    """The change of the same customer just before the outer one (ties in time: by id)."""
    return (
        Assignment.objects.filter(customer_id=OuterRef("customer_id"))
        .filter(Q(created_at__lt=OuterRef("created_at")) | Q(created_at=OuterRef("created_at"), pk__lt=OuterRef("pk")))
        .order_by("-created_at", "-pk")[:1]
    )


def book_report(*, managers: QuerySet[ManagerProfile], now: dt.datetime | None = None) -> BookReport:
    """The last `MONTHS` months of the books of `managers` up to `now` (the present unless given):
    `REPORT_QUERIES` queries."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    starts = month_starts(today)
    bounds = [_moment(day) for day in starts]
    # The month ends the book is counted at: the start of the next month, and now for this one.
    ends = [*bounds[1:-1], now]
    tiers = service_tiers()
    months = [MonthFigures(month=day.strftime("%Y-%m")) for day in starts[:-1]]
    in_scope = Q(new_manager__in=managers)

    # 1-2. The book at each month's end: the changes that brought a customer in before it, less those that
    # ended before it (a change out of the books ends the stay its customer's previous change began).
    # Both are grouped by (fit, score, tier): at most a few hundred rows, whatever the history's length.
    held = {f"n{index}": Count("pk", filter=Q(created_at__lt=end)) for index, end in enumerate(ends)}
    came_in = _stays(
        Assignment.objects.filter(in_scope, created_at__lt=now), counts=held,
        fit=F("customer_class"), score=F("total"),
    )
    ended = _stays(
        Assignment.objects.filter(previous_manager__in=managers, created_at__lt=now), counts=held,
        fit=Subquery(_previous_change().values("customer_class")), score=Subquery(_previous_change().values("total")),
    )
    for index, month in enumerate(months):
        month.fits = dict.fromkeys(CustomerClass.values, 0)
        month.tiers = {tier.code: 0 for tier in tiers}
        scores = 0
        for rows, sign in ((came_in, 1), (ended, -1)):
            for row in rows:
                if row["fit"] is None:  # a stay the history does not show beginning: not counted either way
                    continue
                n = sign * row[f"n{index}"]
                month.customers += n
                scores += n * row["score"]
                if row["fit"] in month.fits:
                    month.fits[row["fit"]] += n
                month.tiers[row["tier"]] += n
        month.mean_score = round(scores / month.customers, 2) if month.customers else None

    def in_month(name: str, index: int) -> Q:
        return Q(**{f"{name}__gte": bounds[index], f"{name}__lt": bounds[index + 1]})

    # 3. Customers gained and lost: a change into the books from outside them, and out of them.
    came = in_scope & ~Q(previous_manager__in=managers)
    went = Q(previous_manager__in=managers) & ~Q(new_manager__in=managers)
    flows = Assignment.objects.filter(created_at__gte=bounds[0], created_at__lt=bounds[-1]).aggregate(
        **{f"gained{i}": Count("pk", filter=came & in_month("created_at", i)) for i in range(MONTHS)},
        **{f"lost{i}": Count("pk", filter=went & in_month("created_at", i)) for i in range(MONTHS)},
    )

    # 4. Requests for another manager, by the manager the customer had when asking.
    requests = ChangeRequest.objects.filter(manager__in=managers).aggregate(
        **{f"opened{i}": Count("pk", filter=in_month("created_at", i)) for i in range(MONTHS)},
        **{
            f"resolved{i}": Count("pk", filter=~Q(status=RequestStatus.OPEN) & in_month("decided_at", i))
            for i in range(MONTHS)
        },
    )

    # 5. Contacts the managers recorded.
    contacts = Contact.objects.filter(manager__in=managers, contacted_at__gte=bounds[0]).aggregate(
        **{f"made{i}": Count("pk", filter=in_month("contacted_at", i)) for i in range(MONTHS)}
    )

    # 6. Follow-ups overdue now in these books, by the month they fell due (dates: no time zone involved).
    overdue = follow_ups_owed(today=today).filter(customer__manager__in=managers, next_follow_up__lt=today).aggregate(
        before=Count("pk", filter=Q(next_follow_up__lt=starts[0])),
        **{
            f"due{i}": Count("pk", filter=Q(next_follow_up__gte=starts[i], next_follow_up__lt=starts[i + 1]))
            for i in range(MONTHS)
        },
    )

    for index, month in enumerate(months):
        month.gained = flows[f"gained{index}"]
        month.lost = flows[f"lost{index}"]
        month.requests_opened = requests[f"opened{index}"]
        month.requests_resolved = requests[f"resolved{index}"]
        month.contacts = contacts[f"made{index}"]
        month.overdue_follow_ups = overdue[f"due{index}"]
    return BookReport(months=months, tiers=tiers, overdue_before=overdue["before"])


def report_rows(report: BookReport) -> tuple[list[str], list[list[Any]]]:
    """The report as a table in the active language (header, one row per month), for the workbook: the
    month, the book, its fit and tier mix, then the other figures in `MONTH_FIGURES` order."""
    header = [
        _("Month"), str(FIGURE_LABELS["customers"]),
        *(_("Match fit %(letter)s") % {"letter": letter} for letter in report.fit_letters),
        *(str(tier.name) for tier in report.tiers), *(str(FIGURE_LABELS[name]) for name in MONTH_FIGURES[1:]),
    ]
    rows = [
        [
            month.month, month.customers, *(month.fits[letter] for letter in report.fit_letters),
            *(month.tiers[tier.code] for tier in report.tiers),
            *(getattr(month, name) for name in MONTH_FIGURES[1:]),
        ]
        for month in report.months
    ]
    return header, rows


def report_workbook(report: BookReport) -> bytes:
    """The report as an .xlsx workbook (one sheet, a row per month), written by `core.tabular`."""
    header, rows = report_rows(report)
    buffer = io.BytesIO()
    write_xlsx(buffer, header=header, rows=rows, sheet_title=_("Report"))
    return buffer.getvalue()


@dataclass
class ManagerSummary:
    """One manager's row of the overview: the book now, and the last `MONTHS` months' flows."""

    gained: int = 0
    lost: int = 0
    requests_opened: int = 0
    requests_resolved: int = 0
    contacts: int = 0
    overdue_follow_ups: int = 0


def manager_summaries(*, manager_ids: list[int], now: dt.datetime | None = None) -> dict[int, ManagerSummary]:
    """{manager id: summary} for a page of managers, over the same months as `book_report`: 5 grouped
    queries whatever the number of managers on the page or customers in their books (none for no ids).

    The figures are each manager's own `book_report` totals (a change between two managers of the page
    counts as gained by one and lost by the other)."""
    if not manager_ids:
        return {}
    now = now or timezone.now()
    today = timezone.localdate(now)
    starts = month_starts(today)
    since, until = _moment(starts[0]), now
    summaries = {pk: ManagerSummary() for pk in manager_ids}
    window = Assignment.objects.filter(created_at__gte=since, created_at__lt=until).order_by()
    for pk, n in (
        window.filter(new_manager_id__in=manager_ids).exclude(previous_manager_id=F("new_manager_id"))
        .values("new_manager_id").annotate(n=Count("pk")).values_list("new_manager_id", "n")
    ):
        summaries[pk].gained = n
    for pk, n in (
        window.filter(previous_manager_id__in=manager_ids).exclude(new_manager_id=F("previous_manager_id"))
        .values("previous_manager_id").annotate(n=Count("pk")).values_list("previous_manager_id", "n")
    ):
        summaries[pk].lost = n
    for pk, opened, resolved in (
        ChangeRequest.objects.filter(manager_id__in=manager_ids).order_by().values("manager_id").annotate(
            opened=Count("pk", filter=Q(created_at__gte=since, created_at__lt=until)),
            resolved=Count(
                "pk", filter=~Q(status=RequestStatus.OPEN) & Q(decided_at__gte=since, decided_at__lt=until)
            ),
        ).values_list("manager_id", "opened", "resolved")
    ):
        summaries[pk].requests_opened, summaries[pk].requests_resolved = opened, resolved
    for pk, n in (
        Contact.objects.filter(manager_id__in=manager_ids, contacted_at__gte=since, contacted_at__lt=until)
        .order_by().values("manager_id").annotate(n=Count("pk")).values_list("manager_id", "n")
    ):
        summaries[pk].contacts = n
    for pk, n in (
        follow_ups_owed(today=today).filter(customer__manager_id__in=manager_ids, next_follow_up__lt=today)
        .order_by().values("customer__manager_id").annotate(n=Count("pk")).values_list("customer__manager_id", "n")
    ):
        summaries[pk].overdue_follow_ups = n
    return summaries
