"""Reads about background jobs."""
from __future__ import annotations

from typing import Any

from django.core.cache import cache

from .models import BackgroundJob


def progress_cache_key(job_id: int) -> str:
    return f"jobs.{job_id}.progress"


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
        live = cache.get(progress_cache_key(job.pk))
        if live and live.get("progress", 0) >= job.progress:
            state.update(phase=live["phase"], progress=live["progress"])
    return state
