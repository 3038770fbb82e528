"""Background jobs: long work (runs, previews, applies, undos, segmentation, book moves, big imports)
recorded as a `BackgroundJob` row and sent to the Celery queue.

`job_enqueue` is what pages and the API call: it stores the request and hands the job id to the task;
the request returns at once and the page polls the row. With no broker configured
(`CELERY_TASK_ALWAYS_EAGER`) the task runs in-process before `job_enqueue` returns.
"""
from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.models import User
from audit.services import audit_record

from .models import BackgroundJob
from .registry import job_type
from .tasks import execute_task


def job_enqueue(
    *, kind: str, actor: User | None, options: dict[str, Any] | None = None, ip_address: str | None = None
) -> BackgroundJob:
    """Record a job of a registered kind and queue it; returns the job (already finished when tasks run
    in-process)."""
    if job_type(kind) is None:
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
    if settings.CELERY_TASK_ALWAYS_EAGER:
        execute_task.apply(args=[job.pk])
        job.refresh_from_db()
    else:
        transaction.on_commit(lambda: execute_task.delay(job.pk))
    return job
