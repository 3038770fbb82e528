"""Running a queued job (what the Celery task calls): mark it running, do the registered work with a
progress callback that records each phase, store the outcome."""
from __future__ import annotations

import logging
import os
import socket
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connections
from django.utils import timezone

from audit.context import _client_ip

from .models import BackgroundJob, JobStatus
from .registry import job_type
from .selectors import progress_cache_key

logger = logging.getLogger(__name__)

CACHE_SECONDS = 3600
ERROR_CHARS = 4000


def _save_progress(job_id: int, **fields: Any) -> None:
    """Record progress so pollers see it now, even from inside the service's transaction.

    Outside a transaction: an UPDATE. Inside one on a server database, in a worker: an UPDATE on a second
    connection (in autocommit). Otherwise (SQLite has a single writer) the row waits for the end of the
    job and the cache has the phase meanwhile.
    """
    cache.set(
        progress_cache_key(job_id),
        {"phase": fields.get("phase", ""), "progress": fields.get("progress", 0)},
        CACHE_SECONDS,
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


def job_execute(job_id: int) -> BackgroundJob:
    """Run a queued job's registered work and store its outcome.

    A refusal (ValidationError, a Conflict) or a crash marks the job failed with the message (a refusal
    about many customers keeps the first ones and their number); a job already started (a redelivered
    message) is left alone.
    """
    started = BackgroundJob.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(
        status=JobStatus.RUNNING,
        started_at=timezone.now(),
        worker=f"{socket.gethostname()}:{os.getpid()}"[:200],
    )
    job = BackgroundJob.objects.get(pk=job_id)
    if not started:
        return job
    try:
        known = job_type(job.kind)
        if known is None:
            raise ValidationError(f"Unknown job kind {job.kind!r}.")
        with _request_ip(job):
            result = known.work(job, _reporter(job))
    except ValidationError as exc:
        details = getattr(exc, "details", [])
        job.status = JobStatus.FAILED
        job.error = "; ".join(exc.messages)[:ERROR_CHARS]
        job.result = {
            "details": [d if isinstance(d, dict) else str(d) for d in getattr(exc, "details_shown", details)],
            "count": len(details),
        }
    except Exception as exc:  # noqa: BLE001 - the job row says what broke; the worker log has the trace
        logger.exception("job %s failed", job_id)
        job.status = JobStatus.FAILED
        job.error = f"{type(exc).__name__}: {exc}"[:ERROR_CHARS]
    else:
        job.status = JobStatus.SUCCEEDED
        job.result = result
        job.progress = 100
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "error", "result", "progress", "phase", "phases", "finished_at"])
    cache.delete(progress_cache_key(job.pk))
    return job
