"""The dashboard: KPIs and charts of the whole bank."""

from django.shortcuts import render
from django.utils.translation import gettext as _

from matching.dashboard import dashboard_data

from .common import console_page


@console_page
def dashboard(request):
    data = dashboard_data()
    charts = {
        "classes": data.classes,
        "segments": [{"label": s["label"], "name": s["name"], "size": s["size"]} for s in data.segments],
        "managers": data.managers[:40],
        "scores": data.scores,
        "months": data.months,
        "occupations": {
            **data.occupations,
            "labels": [_("Other") if label == "*" else (label or _("(none)")) for label in data.occupations["labels"]],
        },
        "text": {
            "customers": _("Customers"),
            "load": _("Load"),
            "capacity": _("Capacity"),
            "unclassified": _("Unclassified"),
            "class": _("Class"),
            "score": _("Score"),
            "new_customers": _("New customers"),
        },
    }
    return render(request, "console/dashboard.html", {"data": data, "kpis": data.kpis, "charts": charts})
