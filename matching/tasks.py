"""Celery tasks: thin wrappers that run one service for a `BackgroundJob` (see `matching.jobs`).

Start a worker with `celery -A portrait worker -l info` and `CELERY_BROKER_URL=redis://...`; without a
broker the tasks run in-process (`CELERY_TASK_ALWAYS_EAGER`).
"""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.core.files.storage import default_storage
from django.utils.module_loading import import_string

from .jobs import job_execute
from .models import JobKind, MatchingRun


def _run_figures(run: MatchingRun) -> dict:
    return {
        "run": run.pk,
        "placed": run.customers_placed,
        "moved": run.customers_moved,
        "unassigned": run.customers_unassigned,
        "fallbacks": run.fallbacks,
        "total_score": run.total_score,
        "changes": run.summary.get("changes", run.customers_moved),
    }


def _preview(job, progress):
    from managers.models import ManagerProfile

    from .plans import plan_preview

    options = job.options
    transfer_of = (
        ManagerProfile.objects.select_related("user").get(pk=options["transfer_of"])
        if options.get("transfer_of")
        else None
    )
    run = plan_preview(
        actor=job.actor,
        strategy=options.get("strategy", "optimal"),
        rebalance=bool(options.get("rebalance")),
        transfer_of=transfer_of,
        progress=progress,
    )
    return run, _run_figures(run)


def _apply(job, progress):
    from .plans import plan_apply

    run = plan_apply(preview=MatchingRun.objects.get(pk=job.options["preview"]), actor=job.actor, progress=progress)
    return run, _run_figures(run)


def _run(job, progress):
    from .services import run_automatic

    report = run_automatic(
        strategy=job.options.get("strategy", "optimal"),
        rebalance=bool(job.options.get("rebalance")),
        actor=job.actor,
        progress=progress,
    )
    return report.run, {**_run_figures(report.run), "warnings": report.warnings}


def _undo(job, progress):
    from .services import run_undo

    for _phase in progress(["undo"], desc="undo"):
        undo = run_undo(run=MatchingRun.objects.get(pk=job.options["run"]), actor=job.actor)
    return undo, {"run": undo.pk, "restored": undo.customers_moved}


def _transfer(job, progress):
    from managers.models import ManagerProfile

    from .services import manager_book_transfer

    manager = ManagerProfile.objects.select_related("user").get(pk=job.options["manager"])
    report = manager_book_transfer(manager=manager, actor=job.actor, progress=progress)
    return report.run, _run_figures(report.run)


def _segment(job, progress):
    from .services import segments_compute

    for _phase in progress(["segment"], desc="segment"):
        report = segments_compute(
            actor=job.actor, k=job.options.get("k"), random_state=int(job.options.get("random_state", 0))
        )
    return None, {
        "k": report.k,
        "customers": report.customers,
        "silhouette": None if report.silhouette is None else round(float(report.silhouette), 4),
    }


def _import(job, progress):
    """Validate (dry run) or import an uploaded file kept in the default storage.

    The import services are named in settings (the wiring layer): imports sit above matching, which
    runs their jobs without importing them. `confirm_overflow` is the managers import's own option.
    """
    options = job.options
    service = import_string(settings.PORTRAIT_IMPORT_SERVICES[options["target"]])
    extra = {"confirm_overflow": True} if options.get("confirm_overflow") else {}
    phase = "validate" if options.get("dry_run") else "import"
    for _phase in progress([phase], desc=phase):
        with default_storage.open(options["path"], "rb") as stream:
            result = service(
                file=stream,
                create_terms=bool(options.get("create_terms")),
                dry_run=bool(options.get("dry_run")),
                actor=job.actor,
                **extra,
            )
    if not options.get("dry_run") and result.ok:
        default_storage.delete(options["path"])
    return None, {
        "ok": result.ok,
        "dry_run": result.dry_run,
        "created": result.created,
        "updated": result.updated,
        "unchanged": result.unchanged,
        "created_terms": result.created_terms,
        "warnings": [str(w) for w in getattr(result, "warnings", [])],
        "errors": [
            {"line": e.line, "field": str(e.field), "message": str(e.message), "code": e.code, "text": str(e)}
            for e in result.errors[:1000]
        ],
        "error_count": len(result.errors),
    }


@shared_task(name="matching.preview")
def preview_task(job_id: int) -> None:
    job_execute(job_id, _preview)


@shared_task(name="matching.apply")
def apply_task(job_id: int) -> None:
    job_execute(job_id, _apply)


@shared_task(name="matching.run")
def run_task(job_id: int) -> None:
    job_execute(job_id, _run)


@shared_task(name="matching.undo")
def undo_task(job_id: int) -> None:
    job_execute(job_id, _undo)


@shared_task(name="matching.transfer")
def transfer_task(job_id: int) -> None:
    job_execute(job_id, _transfer)


@shared_task(name="matching.segment")
def segment_task(job_id: int) -> None:
    job_execute(job_id, _segment)


@shared_task(name="matching.import")
def import_task(job_id: int) -> None:
    job_execute(job_id, _import)


TASKS = {
    JobKind.PREVIEW: preview_task,
    JobKind.APPLY: apply_task,
    JobKind.RUN: run_task,
    JobKind.UNDO: undo_task,
    JobKind.TRANSFER: transfer_task,
    JobKind.SEGMENT: segment_task,
    JobKind.IMPORT: import_task,
}
