"""The manager's own book report: month by month, on screen and as .xlsx (`insights.reports`)."""
from __future__ import annotations

from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.access import access_required, can_read_book_report, can_use_workspace, managers_visible_to
from insights.downloads import report_download
from insights.reports import book_report
from managers.models import ManagerProfile


def _own_book(request):
    """(the signed-in manager's profile, its report); 404 for a manager account without a profile."""
    own = managers_visible_to(request.user, ManagerProfile.objects.all()).select_related("user")
    manager = own.filter(user=request.user).first()
    if manager is None or not can_read_book_report(request.user, manager):
        raise Http404
    return manager, book_report(managers=ManagerProfile.objects.filter(pk=manager.pk))


@access_required(can_use_workspace)
@require_GET
def workspace_report(request):
    manager, report = _own_book(request)
    return render(request, "portal/workspace/report.html", {"manager": manager, "report": report})


@access_required(can_use_workspace)
@require_GET
def workspace_report_export(request):
    manager, report = _own_book(request)
    return report_download(report=report, stem="my-report", actor=request.user, manager=manager)
