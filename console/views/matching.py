"""Matching: runs with their figures, previews (stored plans) to inspect and apply, undo, segmentation,
and the progress page of background jobs."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.access import can_run_matching
from imports.jobs import IMPORT_JOB
from jobs.models import BackgroundJob
from jobs.selectors import job_progress
from jobs.services import job_enqueue
from matching.models import JobKind, MatchingRun, PlannedChange, RunKind, RunStatus
from matching.services.runs import MAX_MOVE_COST

from ..forms import PlanFilterForm, PreviewForm, SegmentForm
from .common import allow, client_ip, console_page, paginate, query_without_page


@console_page
def matching_home(request):
    runs = MatchingRun.objects.select_related("actor", "preview").order_by("-started_at", "-id")
    page = paginate(request, runs, per_page=20)
    undone = set(
        MatchingRun.objects.filter(
            kind=RunKind.UNDO, status=RunStatus.SUCCEEDED, undo_of__in=[r.pk for r in page.object_list]
        ).values_list("undo_of_id", flat=True)
    )
    applied = set(
        MatchingRun.objects.filter(
            status=RunStatus.SUCCEEDED, preview__in=[r.pk for r in page.object_list]
        ).values_list("preview_id", flat=True)
    )
    jobs = BackgroundJob.objects.exclude(status__in=["succeeded", "failed"]).order_by("-created_at")[:5]
    return render(
        request,
        "console/matching.html",
        {
            "page": page,
            "undone": undone,
            "applied": applied,
            "jobs": jobs,
            "query": query_without_page(request),
            "preview_form": PreviewForm(),
            "segment_form": SegmentForm(),
        },
    )


def _enqueue(request, kind: str, options: dict):
    allow(can_run_matching, request.user)
    job = job_enqueue(kind=kind, actor=request.user, options=options, ip_address=client_ip())
    return redirect("console:job", pk=job.pk)


@console_page
@require_POST
def preview_start(request):
    form = PreviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a strategy and a move cost from 0 to %(max)d.") % {"max": MAX_MOVE_COST})
        return redirect("console:matching")
    return _enqueue(
        request,
        JobKind.PREVIEW,
        {"strategy": form.cleaned_data["strategy"], "rebalance": form.cleaned_data["rebalance"],
         "move_cost": form.cleaned_data["move_cost"]},
    )


@console_page
@require_POST
def segment_start(request):
    form = SegmentForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("k must be between 2 and 20, or empty."))
        return redirect("console:matching")
    return _enqueue(request, JobKind.SEGMENT, {"k": form.cleaned_data["k"]})


@console_page
@require_POST
def run_undo_start(request, pk: int):
    run = get_object_or_404(MatchingRun, pk=pk)
    return _enqueue(request, JobKind.UNDO, {"run": run.pk})


@console_page
@require_POST
def preview_apply(request, pk: int):
    preview = get_object_or_404(MatchingRun, pk=pk, kind=RunKind.PREVIEW)
    return _enqueue(request, JobKind.APPLY, {"preview": preview.pk})


@console_page
def preview_detail(request, pk: int):
    preview = get_object_or_404(MatchingRun.objects.select_related("actor"), pk=pk, kind=RunKind.PREVIEW)
    form = PlanFilterForm(request.GET or None)
    changes = form.filter(
        PlannedChange.objects.filter(run=preview)
        .select_related("customer__user", "previous_manager__user", "new_manager__user")
        .order_by("customer__user__username")
    )
    page = paginate(request, changes)
    applied = preview.applied_by.filter(status=RunStatus.SUCCEEDED).first()
    compare = preview.summary.get("compare", {})
    return render(
        request,
        "console/preview.html",
        {
            "preview": preview,
            "form": form,
            "page": page,
            "query": query_without_page(request),
            "applied": applied,
            "compare": [(_("Optimal"), compare.get("optimal", {})), (_("Greedy"), compare.get("greedy", {}))],
            "gain": compare.get("optimal", {}).get("total_score", 0) - compare.get("greedy", {}).get("total_score", 0),
        },
    )


RESULT_LABELS = {
    "run": gettext_lazy("Run"),
    "placed": gettext_lazy("Placed"),
    "moved": gettext_lazy("Moved"),
    "unassigned": gettext_lazy("Left unassigned"),
    "fallbacks": gettext_lazy("Given a second choice"),
    "total_score": gettext_lazy("Total score"),
    "changes": gettext_lazy("Changes"),
    "restored": gettext_lazy("Customers restored"),
    "k": gettext_lazy("Segments"),
    "customers": gettext_lazy("Customers"),
    "silhouette": gettext_lazy("How clearly the groups separate (silhouette, −1 to 1)"),
    "created": gettext_lazy("Created"),
    "updated": gettext_lazy("Updated"),
    "unchanged": gettext_lazy("Unchanged"),
}


def _job_target(job: BackgroundJob) -> str | None:
    """Where the finished job's result is shown."""
    if job.status != "succeeded":
        return None
    if job.kind == JobKind.PREVIEW and job.run_id:
        return reverse("console:preview", args=[job.run_id])
    if job.kind == IMPORT_JOB:
        return reverse("console:import_report", args=[job.pk])
    return None


@console_page
def job_detail(request, pk: int):
    job = get_object_or_404(BackgroundJob, pk=pk)
    target = _job_target(job)
    if target and request.GET.get("stay") is None and not request.headers.get("HX-Request"):
        return redirect(target)
    result_rows = [(RESULT_LABELS[key], value) for key, value in job.result.items() if key in RESULT_LABELS]
    context = {"job": job, "state": job_progress(job), "target": target, "result_rows": result_rows}
    if request.headers.get("HX-Request"):
        response = render(request, "console/_job.html", context)
        if target:
            response["HX-Redirect"] = target
        return response
    return render(request, "console/job.html", context)
