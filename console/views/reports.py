"""Reports: every manager's book month by month (the overview, with its branches and a branch filter on the
list of managers), one branch's and one manager's, on screen and as .xlsx.

The figures are `insights.reports`'; a download is recorded in the audit log like every export."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from accounts.access import can_read_book_report, can_read_branch_report, managers_visible_to
from insights.downloads import report_download
from insights.reports import book_report, manager_summaries
from managers.models import ManagerProfile
from managers.selectors import manager_loads
from matching.current_scores import manager_mean_scores
from vocabularies.models import Branch

from ..forms import ConsoleManagerFilter
from .common import console_page, paginate, query_without_page


def _every_manager(request):
    return managers_visible_to(request.user, ManagerProfile.objects.all())


def _one_manager(request, pk: int) -> ManagerProfile:
    manager = get_object_or_404(_every_manager(request).select_related("user"), pk=pk)
    if not can_read_book_report(request.user, manager):
        raise PermissionDenied
    return manager


def _one_branch(request, pk: int) -> Branch:
    branch = get_object_or_404(Branch, pk=pk)
    if not can_read_branch_report(request.user, branch):
        raise PermissionDenied
    return branch


def _branch_managers(request, branch: Branch):
    return _every_manager(request).filter(branch=branch)


@console_page
@require_GET
def report_overview(request):
    """Every manager's book together, month by month; the branches, each with its report; and a page of
    managers (filtered by branch) with their own figures."""
    managers = _every_manager(request)
    branches = list(Branch.objects.order_by("code"))
    filters = ConsoleManagerFilter(request.GET, queryset=managers, branches=branches)
    page = paginate(request, filters.qs.select_related("user", "branch").order_by("user__username"))
    ids = [manager.pk for manager in page.object_list]
    loads, means, summaries = manager_loads(ids), manager_mean_scores(ids), manager_summaries(manager_ids=ids)
    rows = [
        {"manager": manager, "load": loads[manager.pk], "mean": means.get(manager.pk), "figures": summaries[manager.pk]}
        for manager in page.object_list
    ]
    chosen = filters.form.cleaned_data.get("branch") if filters.is_valid() else None
    return render(request, "console/report_overview.html", {
        "report": book_report(managers=managers), "page": page, "rows": rows, "query": query_without_page(request),
        "filters": filters, "branches": branches,
        "chosen_branch": next((branch for branch in branches if branch.code == chosen), None),
    })


@console_page
@require_GET
def report_overview_export(request):
    report = book_report(managers=_every_manager(request))
    return report_download(report=report, stem="report-all-managers", actor=request.user)


@console_page
@require_GET
def manager_report(request, pk: int):
    """One manager's book month by month."""
    manager = _one_manager(request, pk)
    report = book_report(managers=ManagerProfile.objects.filter(pk=manager.pk))
    return render(request, "console/manager_report.html", {"manager": manager, "report": report})


@console_page
@require_GET
def manager_report_export(request, pk: int):
    manager = _one_manager(request, pk)
    report = book_report(managers=ManagerProfile.objects.filter(pk=manager.pk))
    return report_download(report=report, stem=f"report-{manager.user.username}", actor=request.user, manager=manager)


@console_page
@require_GET
def branch_report(request, pk: int):
    """One branch's books together (its managers'), month by month."""
    branch = _one_branch(request, pk)
    report = book_report(managers=_branch_managers(request, branch))
    return render(request, "console/branch_report.html", {"branch": branch, "report": report})


@console_page
@require_GET
def branch_report_export(request, pk: int):
    branch = _one_branch(request, pk)
    report = book_report(managers=_branch_managers(request, branch))
    return report_download(report=report, stem=f"report-branch-{branch.code}", actor=request.user, branch=branch)
