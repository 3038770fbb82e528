"""Matching's kinds of background job, registered with the jobs app in `MatchingConfig.ready()`.

Each work function is a thin wrapper, like a command: it reads the job's options (validated by the page,
the API or the command that queued it) and calls one service; its result names the run it produced.
"""
from __future__ import annotations

from jobs.registry import Progress, job_kind_register
from managers.models import ManagerProfile

from .models import JobKind, MatchingRun, Strategy


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


def _preview(job, progress: Progress) -> dict:
    from .services.previews import preview_create

    options = job.options
    if options.get("transfer_of"):
        run = preview_create(
            actor=job.actor,
            transfer_of=ManagerProfile.objects.select_related("user").get(pk=options["transfer_of"]),
            progress=progress,
        )
    else:
        run = preview_create(
            actor=job.actor,
            strategy=Strategy(options["strategy"]),
            rebalance=bool(options.get("rebalance")),
            move_cost=int(options.get("move_cost", 0)),
            progress=progress,
        )
    return _run_figures(run)


def _curve(job, progress: Progress) -> dict:
    from .services.previews import preview_curve_compute

    preview = preview_curve_compute(
        preview=MatchingRun.objects.get(pk=job.options["preview"]), actor=job.actor, progress=progress
    )
    return {"run": preview.pk, "move_costs": len(preview.summary["move_cost_curve"])}


def _apply(job, progress: Progress) -> dict:
    from .services.previews import preview_apply

    run = preview_apply(preview=MatchingRun.objects.get(pk=job.options["preview"]), actor=job.actor, progress=progress)
    return _run_figures(run)


def _run(job, progress: Progress) -> dict:
    from .services import run_automatic

    report = run_automatic(
        strategy=Strategy(job.options["strategy"]),
        rebalance=bool(job.options.get("rebalance")),
        move_cost=int(job.options.get("move_cost", 0)),
        actor=job.actor,
        progress=progress,
    )
    return {**_run_figures(report.run), "warnings": report.warnings}


def _undo(job, progress: Progress) -> dict:
    from .services import run_undo

    for _phase in progress(["undo"], desc="undo"):
        undo = run_undo(run=MatchingRun.objects.get(pk=job.options["run"]), actor=job.actor)
    return {"run": undo.pk, "restored": undo.customers_moved}


def _transfer(job, progress: Progress) -> dict:
    from .services import manager_book_transfer

    manager = ManagerProfile.objects.select_related("user").get(pk=job.options["manager"])
    report = manager_book_transfer(manager=manager, actor=job.actor, progress=progress)
    return _run_figures(report.run)


WORK = {
    JobKind.RUN: _run,
    JobKind.PREVIEW: _preview,
    JobKind.APPLY: _apply,
    JobKind.UNDO: _undo,
    JobKind.TRANSFER: _transfer,
    JobKind.CURVE: _curve,
}


def register_job_kinds() -> None:
    for kind, work in WORK.items():
        job_kind_register(kind, label=JobKind(kind).label, work=work)
