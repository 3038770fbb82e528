"""The one Celery task: run a queued `BackgroundJob` (a thin wrapper, like a command).

Start a worker with `celery -A portrait worker -l info` and `CELERY_BROKER_URL=redis://...`; without a
broker the task runs in-process (`CELERY_TASK_ALWAYS_EAGER`).
"""
from __future__ import annotations

from celery import shared_task

from .execution import job_execute


@shared_task(name="jobs.execute")
def execute_task(job_id: int) -> None:
    job_execute(job_id)
