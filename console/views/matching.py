"""Matching: runs with their figures, previews (stored plans) to inspect and apply, undo, segmentation,
and the progress page of background jobs."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from accounts.access import can_run_matching
from customers.models import CustomerProfile
from imports.jobs import IMPORT_JOB
from insights.jobs import SEGMENT_JOB
from jobs.models import BackgroundJob
from jobs.selectors import job_progress
from jobs.services import job_enqueue
from matching.models import Assignment, JobKind, MatchingRun, PlannedChange, RunKind, RunStatus
from matching.selectors import preview_curve_pending, run_undoable, runs_undone
from matching.services.previews import CURVE_MOVE_COSTS, preview_has_curve
from matching.services.runs import MAX_MOVE_COST
from planning.jobs import CAPACITY_JOB, SCENARIO_JOB

from ..templatetags.console import RUN_NOTICE_TAG
from ..forms import PlanFilterForm, PreviewForm, SegmentForm
from .common import (
    allow,
    client_ip,
    confirmation_page,
    confirmed,
    console_page,
    manager_change_question,
    paginate,
    query_without_page,
    segments_question,
    undo_question,
)


@console_page
def matching_home(request):
    runs = MatchingRun.objects.select_related("actor", "preview__actor").order_by("-started_at", "-id")
    page = paginate(request, runs, per_page=20)
    undone = runs_undone([r.pk for r in page.object_list])
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
            "rows": [  # each run with the question its Undo asks, or none when it cannot be undone
                (run, undo_question(run.changed_count) if run_undoable(run, undone=undone) else "")
                for run in page.object_list
            ],
            "undone": undone,
            "applied": applied,
            "jobs": jobs,
            "query": query_without_page(request),
            "preview_form": PreviewForm(),
            "segment_form": SegmentForm(),
            "segments_question": segments_question(CustomerProfile.objects.count()),
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
    allow(can_run_matching, request.user)
    form = SegmentForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("k must be between 2 and 20, or empty."))
        return redirect("console:matching")
    if not confirmed(request):
        return confirmation_page(
            request, question=segments_question(CustomerProfile.objects.count()), cancel=reverse("console:matching")
        )
    return _enqueue(request, SEGMENT_JOB, {"k": form.cleaned_data["k"]})


@console_page
@require_POST
def run_undo_start(request, pk: int):
    """Undo a run once asked with its count (the page's dialog, or this view's confirmation page)."""
    allow(can_run_matching, request.user)
    run = get_object_or_404(MatchingRun.objects.select_related("actor"), pk=pk)
    if not confirmed(request):
        return confirmation_page(
            request, question=undo_question(run.changed_count), detail=run.title,
            cancel=reverse("console:run", args=[run.pk]), danger=True,
        )
    return _enqueue(request, JobKind.UNDO, {"run": run.pk})


@console_page
@require_POST
def preview_apply(request, pk: int):
    """Apply a stored plan once asked with its count (the page's dialog, or this view's confirmation page)."""
    allow(can_run_matching, request.user)
    preview = get_object_or_404(MatchingRun.objects.select_related("actor"), pk=pk, kind=RunKind.PREVIEW)
    if not confirmed(request):
        return confirmation_page(
            request, question=manager_change_question(preview.changed_count), detail=preview.title,
            cancel=reverse("console:preview", args=[preview.pk]),
        )
    return _enqueue(request, JobKind.APPLY, {"preview": preview.pk})


@console_page
@require_POST
def preview_curve_start(request, pk: int):
    """Plan the preview's chart of moves against gain as a job; its page forwards back to the preview."""
    preview = get_object_or_404(MatchingRun, pk=pk, kind=RunKind.PREVIEW)
    if not preview_has_curve(preview):
        messages.error(request, _("Moves against gain are compared for a rebalance with the optimal rule only."))
        return redirect("console:preview", pk=preview.pk)
    if pending := preview_curve_pending(preview.pk):  # asked twice: follow the comparison under way
        return redirect("console:job", pk=pending.pk)
    return _enqueue(request, JobKind.CURVE, {"preview": preview.pk})


@console_page
def run_detail(request, pk: int):
    """One run: what it is, its figures and the customers whose manager it changed, with Undo and a link to
    those customers in the list (`customers.filters.CustomerFilter`'s `run`). Five queries."""
    run = get_object_or_404(
        MatchingRun.objects.select_related("actor", "preview__actor", "undo_of__actor"), pk=pk
    )
    changes = (
        Assignment.objects.filter(run=run)
        .select_related("customer__user", "previous_manager__user", "new_manager__user")
        .order_by("id")
    )
    undone_by = (
        run.undone_by.filter(status=RunStatus.SUCCEEDED).select_related("actor").first()
        if run.kind != RunKind.PREVIEW else None
    )
    return render(
        request,
        "console/run.html",
        {
            "run": run,
            "page": paginate(request, changes),
            "query": query_without_page(request),
            "undone_by": undone_by,
            "undoable": run_undoable(run, undone={run.pk} if undone_by else set()),
            "undo_question": undo_question(run.changed_count),
        },
    )


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
    applied = preview.applied_by.filter(status=RunStatus.SUCCEEDED).select_related("actor").first()
    compare = preview.summary.get("compare", {})
    curve = [
        {**point, "chosen": point["move_cost"] == preview.options.get("move_cost", 0)}
        for point in preview.summary.get("move_cost_curve", [])
    ]
    return render(
        request,
        "console/preview.html",
        {
            "preview": preview,
            "form": form,
            "page": page,
            "query": query_without_page(request),
            "applied": applied,
            "apply_question": manager_change_question(preview.changed_count),
            "compare": [(_("Optimal"), compare.get("optimal", {})), (_("Greedy"), compare.get("greedy", {}))],
            "gain": compare.get("optimal", {}).get("total_score", 0) - compare.get("greedy", {}).get("total_score", 0),
            "curve": curve,
            "curve_available": preview_has_curve(preview),
            "curve_pending": preview_curve_pending(preview.pk) if preview_has_curve(preview) else None,
            "curve_costs": ", ".join(str(n) for n in CURVE_MOVE_COSTS),
            "curve_at": parse_datetime(preview.summary.get("move_cost_curve_at", "")),
            "curve_chart": {
                "points": curve,
                "text": {
                    "moves": _("Customers moved"), "gained": _("Score gained"),
                    "point": _("Cost of a move %(n)s: %(moves)s moved, %(gained)s points gained"),
                },
            },
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


#: Jobs that change customers' managers: their page is the run's, with a notice to undo it or see who changed.
RUN_JOBS = (JobKind.RUN, JobKind.APPLY, JobKind.TRANSFER, JobKind.UNDO)


def _job_target(job: BackgroundJob) -> str | None:
    """Where the finished job's result is shown."""
    if job.status != "succeeded":
        return None
    if job.kind in (JobKind.PREVIEW, JobKind.CURVE) and job.run_id:
        return reverse("console:preview", args=[job.run_id])
    if job.kind in RUN_JOBS and job.run_id:
        return reverse("console:run", args=[job.run_id])
    if job.kind == IMPORT_JOB:
        return reverse("console:import_report", args=[job.pk])
    if job.kind == CAPACITY_JOB:
        return reverse("console:capacity")
    if job.kind == SCENARIO_JOB and job.result.get("scenario"):
        return reverse("console:scenario", args=[job.result["scenario"]])
    return None


def _run_notice(request, job: BackgroundJob) -> None:
    """The notice the run's page shows once: what changed, with Undo and "View changes" (`console.run_actions`)."""
    if job.kind == JobKind.UNDO:
        count = job.result.get("restored", 0)
        text = ngettext(
            "Undone: %(count)d customer has their previous manager again.",
            "Undone: %(count)d customers have their previous manager again.",
            count,
        )
    else:
        count = job.result.get("changes", 0)
        text = ngettext(
            "Done: the manager of %(count)d customer changed.", "Done: the manager of %(count)d customers changed.",
            count,
        )
    messages.success(request, text % {"count": count}, extra_tags=f"{RUN_NOTICE_TAG}{job.run_id}")


@console_page
def job_detail(request, pk: int):
    job = get_object_or_404(BackgroundJob, pk=pk)
    target = _job_target(job)
    leaving = target and request.GET.get("stay") is None
    if leaving and job.kind in RUN_JOBS:
        _run_notice(request, job)
    if leaving and not request.headers.get("HX-Request"):
        return redirect(target)
    result_rows = [(RESULT_LABELS[key], value) for key, value in job.result.items() if key in RESULT_LABELS]
    context = {"job": job, "state": job_progress(job), "target": target, "result_rows": result_rows}
    if request.headers.get("HX-Request"):
        response = render(request, "console/_job.html", context)
        if target:
            response["HX-Redirect"] = target
        return response
    return render(request, "console/job.html", context)
