"""Insights' kind of background job (segmentation), registered with the jobs app in `InsightsConfig.ready()`.

The work function is a thin wrapper, like the `segment` command: it reads the job's options (validated by
the page that queued it) and calls the service.
"""
from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from jobs.registry import Progress, job_kind_register

SEGMENT_JOB = "segment"


def _segment(job, progress: Progress) -> dict:
    from .services import segments_compute

    for _phase in progress(["segment"], desc="segment"):
        report = segments_compute(
            actor=job.actor, k=job.options.get("k"), random_state=int(job.options.get("random_state", 0))
        )
    return {
        "k": report.k,
        "customers": report.customers,
        "silhouette": None if report.silhouette is None else round(float(report.silhouette), 4),
    }


def register_job_kinds() -> None:
    job_kind_register(SEGMENT_JOB, label=_("Segmentation"), work=_segment)
