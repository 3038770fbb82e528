"""The manager's own book report: month by month, on screen and as .xlsx (`insights.reports`)."""
from __future__ import annotations

from django.http import Http404
from django.shortcuts import render
from django.urls import reverse

from accounts.access import access_required, can_read_book_report, can_use_workspace, managers_visible_to
from insights.downloads import report_download
from insights.reports import book_report
from managers.models import ManagerProfile


@access_required(can_use_workspace)
def workspace_report(request):
    own = managers_visible_to(request.user, ManagerProfile.objects.all()).select_related("user")
    manager = own.filter(user=request.user).first()
    if manager is None or not can_read_book_report(request.user, manager):
        raise Http404
    report = book_report(managers=ManagerProfile.objects.filter(pk=manager.pk))
    if request.GET.get("format") == "xlsx":
        return report_download(report=report, stem="my-report", actor=request.user, manager=manager)
    return render(request, "portal/workspace/report.html", {
        "manager": manager, "report": report, "download_url": f"{reverse('portal:workspace_report')}?format=xlsx",
    })
