"""The dashboard: KPIs and charts of the whole bank, or of one branch (`?branch=<code>`); every card and chart
segment opens the customers (or managers) behind it, as the one customer filter's query string
(`customers.filters.CustomerFilter`), of that branch when one is chosen."""

from __future__ import annotations

import calendar
import datetime as dt
from urllib.parse import urlencode

from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from change_requests.selectors import change_request_open_count
from customers.filters import NOT_CLASSIFIED
from insights.dashboard import dashboard_cached

from ..forms import DashboardFilterForm
from .common import console_page

#: How many of the fullest managers the dashboard names under the load chart.
BUSIEST = 5


def _customers_url(**params) -> str:
    """The console's customer list filtered by `params` (the customer filter's parameters)."""
    url = reverse("console:customers")
    return f"{url}?{urlencode(params)}" if params else url


def _month_url(month: str, **scope) -> str:
    """The customers created in `month` ("2026-03"): its first to its last day."""
    year, number = (int(part) for part in month.split("-"))
    last = calendar.monthrange(year, number)[1]
    return _customers_url(
        created_after=dt.date(year, number, 1).isoformat(), created_before=dt.date(year, number, last).isoformat(),
        **scope,
    )


@console_page
def dashboard(request):
    form = DashboardFilterForm(request.GET or None)
    branch = form.cleaned_data["branch"] if form.is_valid() else None
    data = dashboard_cached(branch=branch)
    scope = {"branch": branch.code} if branch is not None else {}  # every link keeps the chosen branch

    def customers_url(**params) -> str:
        return _customers_url(**params, **scope)

    managers = [
        {
            **manager,
            "url": customers_url(manager=manager["user_id"]),
            "page": reverse("console:manager", args=[manager["id"]]),
        }
        for manager in data.managers
    ]
    active = [manager for manager in managers if manager["active"]]
    occupation_urls = [None if label == "*" else label for label in data.occupations["labels"]]
    charts = {
        "classes": [
            {**row, "url": customers_url(customer_class=row["label"] or NOT_CLASSIFIED)} for row in data.classes
        ],
        "segments": [
            {"label": s["label"], "name": s["name"], "size": s["size"], "url": customers_url(segment=s["label"])}
            for s in data.segments
        ],
        "managers": managers[:40],
        "scores": data.scores,
        "months": [{**row, "url": _month_url(row["month"], **scope)} for row in data.months],
        "occupations": {
            "labels": [_("Other") if label == "*" else (label or _("(none)")) for label in data.occupations["labels"]],
            "series": [
                {
                    **series,
                    "urls": [
                        None if occupation is None
                        else customers_url(occupation=occupation, customer_class=series["label"] or NOT_CLASSIFIED)
                        for occupation in occupation_urls
                    ],
                }
                for series in data.occupations["series"]
            ],
        },
        "text": {
            "customers": _("Customers"),
            "load": _("Load"),
            "capacity": _("Capacity"),
            "unclassified": _("Not rated yet"),
            "class": _("Match fit"),
            "score": _("Score"),
            "new_customers": _("New customers"),
        },
    }
    links = {
        "customers": customers_url(),
        "managers": f"{reverse('console:managers')}?{urlencode(scope)}" if scope else reverse("console:managers"),
        "unassigned": customers_url(unassigned="true"),
        "class_a": customers_url(customer_class="A"),
        "matching": reverse("console:matching"),
    }
    return render(
        request,
        "console/dashboard.html",
        {
            "form": form,
            "branch": branch,
            "data": data,
            "kpis": data.kpis,
            "charts": charts,
            "links": links,
            "busiest": active[:BUSIEST],
            "lightest": min(active, key=lambda m: (m["load"], m["username"])) if active else None,
            "open_change_requests": change_request_open_count(),
            # The occupation chart's figures as table rows (occupation, one count per match fit), its text
            # alternative.
            "occupation_rows": [
                {"label": label, "counts": [series["counts"][i] for series in charts["occupations"]["series"]]}
                for i, label in enumerate(charts["occupations"]["labels"])
            ],
        },
    )
