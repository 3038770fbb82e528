"""Background jobs: long work (runs, previews, applies, undos, segmentation, book moves, big imports)
recorded as a `BackgroundJob` row and sent to the Celery queue.

`job_enqueue` is what pages and the API call: it stores the request and hands the job id to a task
in `matching.tasks`; the request returns at once and the page polls the row. With no broker configured
(`CELERY_TASK_ALWAYS_EAGER`) the task runs in-process before `job_enqueue` returns.

`job_execute` is what the tasks call: it marks the job running, runs the service with a progress
callback that records each phase, and stores the outcome. The services keep their run lock, so jobs
never interleave however many workers there are.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connections, transaction
from django.utils import timezone

from accounts.models import User
from audit.context import _client_ip
from audit.services import audit_record

from .models import BackgroundJob, JobKind, JobStatus, MatchingRun

logger = logging.getLogger(__name__)

CACHE_SECONDS = 3600


def _cache_key(job_id: int) -> str:
    return f"matching.job.{job_id}.progress"


def job_enqueue(
    *, kind: str, actor: User | None, options: dict[str, Any] | None = None, ip_address: str | None = None
) -> BackgroundJob:
    """Record a job and queue its task; returns the job (already finished when tasks run in-process)."""
    from . import tasks  # tasks import this module

    if kind not in JobKind.values:
        raise ValidationError(f"Unknown job kind {kind!r}.")
    options = dict(options or {})
    if ip_address:
        options["_ip"] = ip_address
    job = BackgroundJob.objects.create(kind=kind, actor=actor if getattr(actor, "pk", None) else None, options=options)
    audit_record(
        actor=actor,
        action=f"job.{kind}_requested",
        target=job,
        summary=str(job),
        data={key: value for key, value in options.items() if not key.startswith("_")},
    )
    task = tasks.TASKS[kind]
    if settings.CELERY_TASK_ALWAYS_EAGER:
        task.apply(args=[job.pk])
        job.refresh_from_db()
    else:
        transaction.on_commit(lambda: task.delay(job.pk))
    return job


def job_progress(job: BackgroundJob) -> dict[str, Any]:
    """Where a job stands, for the polling page and the API: the row, with the newest phase from the cache."""
    state = {
        "id": job.pk,
        "kind": job.kind,
        "status": job.status,
        "phase": job.phase,
        "phases": job.phases,
        "progress": job.progress,
        "done": job.done,
        "run": job.run_id,
        "result": job.result,
        "error": job.error,
    }
    if not job.done:
        live = cache.get(_cache_key(job.pk))
        if live and live.get("progress", 0) >= job.progress:
            state.update(phase=live["phase"], progress=live["progress"])
    return state


def _save_progress(job_id: int, **fields: Any) -> None:
    """Record progress so pollers see it now, even from inside the service's transaction.

    Outside a transaction: an UPDATE. Inside one on a server database, in a worker: an UPDATE on a second
    connection (in autocommit). Otherwise (SQLite has a single writer) the row waits for the end of the
    job and the cache has the phase meanwhile.
    """
    cache.set(
        _cache_key(job_id), {"phase": fields.get("phase", ""), "progress": fields.get("progress", 0)}, CACHE_SECONDS
    )
    connection = connections["default"]
    if not connection.in_atomic_block:
        BackgroundJob.objects.filter(pk=job_id).update(**fields)
    elif connection.vendor != "sqlite" and not settings.CELERY_TASK_ALWAYS_EAGER:
        # (in-process, the job row may not be committed yet: a second connection would wait on it)
        side = connection.copy()
        try:
            table = connection.ops.quote_name(BackgroundJob._meta.db_table)
            columns = ", ".join(f"{connection.ops.quote_name(name)} = %s" for name in fields)
            with side.cursor() as cursor:
                cursor.execute(f"UPDATE {table} SET {columns} WHERE id = %s", [*fields.values(), job_id])
        except Exception:  # progress is a courtesy: never fail the job for it
            logger.warning("could not record progress of job %s", job_id, exc_info=True)
        finally:
            side.close()


def _reporter(job: BackgroundJob) -> Callable[..., Iterable]:
    """A `progress` callable for the services (the tqdm-like signature the commands use)."""

    def progress(iterable: Iterable, **_kwargs) -> Iterable:
        items = list(iterable)
        job.phases = [*job.phases, *[str(item) for item in items if str(item) not in job.phases]]
        for index, item in enumerate(items):
            job.phase = str(item)
            job.progress = min(99, int(100 * index / max(len(items), 1)))
            _save_progress(job.pk, phase=job.phase, progress=job.progress, phases=job.phases)
            yield item

    return progress


@contextmanager
def _request_ip(job: BackgroundJob):
    token = _client_ip.set(job.options.get("_ip"))
    try:
        yield
    finally:
        _client_ip.reset(token)


def job_execute(
    job_id: int, work: Callable[[BackgroundJob, Callable[..., Iterable]], tuple[MatchingRun | None, dict]]
) -> BackgroundJob:
    """Run `work(job, progress)` for a queued job and store its outcome: (run or None, result dict).

    A refusal (ValidationError, a Conflict) or a crash marks the job failed with the message; a job
    already started (a redelivered message) is left alone.
    """
    started = BackgroundJob.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(
        status=JobStatus.RUNNING,
        started_at=timezone.now(),
    )
    job = BackgroundJob.objects.get(pk=job_id)
    if not started:
        return job
    try:
        with _request_ip(job):
            run, result = work(job, _reporter(job))
    except ValidationError as exc:
        job.status = JobStatus.FAILED
        job.error = "; ".join(exc.messages)[:4000]
        details = getattr(exc, "details", [])
        job.result = {
            "details": [d if isinstance(d, dict) else str(d) for d in getattr(exc, "details_shown", details)],
            "count": len(details),
        }
    except Exception as exc:  # noqa: BLE001 - the job row says what broke; the worker log has the trace
        logger.exception("job %s failed", job_id)
        job.status = JobStatus.FAILED
        job.error = f"{type(exc).__name__}: {exc}"[:4000]
    else:
        job.status = JobStatus.SUCCEEDED
        job.run = run
        job.result = result
        job.progress = 100
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "error", "result", "run", "progress", "phase", "phases", "finished_at"])
    cache.delete(_cache_key(job.pk))
    return job
