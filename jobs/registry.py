"""The kinds of background work: each app registers its own in `AppConfig.ready()`.

    job_kind_register("segment", label=_("Segmentation"), work=_segment)

`work(job, progress)` does the job and returns its result (a JSON-serialisable dict); `progress` is the
tqdm-like callable the services take (`progress(phases, desc=…)` yields each phase as it starts). The
jobs app knows no kind: it stores, queues and runs whatever was registered.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .models import BackgroundJob

Progress = Callable[..., Iterable]
Work = Callable[["BackgroundJob", Progress], dict[str, Any]]


@dataclass(frozen=True)
class JobType:
    kind: str
    label: str
    work: Work


_KINDS: dict[str, JobType] = {}


def job_kind_register(kind: str, *, label: str, work: Work) -> None:
    """Make `kind` a job `job_enqueue` accepts and the task runs with `work` (idempotent per kind)."""
    if len(kind) > 16:
        raise ValueError(f"Job kind {kind!r} is longer than 16 characters.")
    known = _KINDS.get(kind)
    if known is not None and known.work is not work:
        raise ValueError(f"Job kind {kind!r} is already registered by {known.work.__module__}.")
    _KINDS[kind] = JobType(kind=kind, label=label, work=work)


def job_type(kind: str) -> JobType | None:
    return _KINDS.get(kind)


def job_kind_label(kind: str) -> str:
    known = _KINDS.get(kind)
    return str(known.label) if known else kind


def job_kind_choices() -> list[tuple[str, str]]:
    """(kind, label) of every registered kind, for forms, filters and the API's schema."""
    return [(kind, known.label) for kind, known in sorted(_KINDS.items())]
