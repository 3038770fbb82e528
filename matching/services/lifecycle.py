"""A run's lifecycle, written once: its phases with their timings and progress, and how it finishes
(figures, status, `finished_at`, save, audit). Automatic runs, book moves, previews, applied previews
and undo all end through `run_finish`."""
from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from django.utils import timezone

from audit.services import audit_record

from ..models import MatchingRun, RunStatus

Progress = Callable[..., Iterable]


def no_progress(iterable: Iterable, **_kwargs) -> Iterable:
    return iterable


class Phases:
    """The named phases of a run, reported to `progress` as each starts, with the seconds each took.

        phases = Phases(["load", "score"], progress, desc=_("matching"))
        with phases("load"):
            ...
        phases.close()
    """

    def __init__(self, names: Sequence[str], progress: Progress, *, desc: str):
        self._names = iter(progress(list(names), desc=desc, unit="phase"))
        self.seconds: dict[str, float] = {}

    @contextmanager
    def __call__(self, name: str) -> Iterator[None]:
        next(self._names, None)
        clock = time.perf_counter()
        yield
        self.seconds[name] = time.perf_counter() - clock

    def close(self) -> None:
        for _rest in self._names:
            pass

    def rounded(self) -> dict[str, float]:
        return {phase: round(value, 4) for phase, value in self.seconds.items()}


def run_finish(
    run: MatchingRun,
    *,
    action: str,
    summary: dict[str, Any],
    phases: Phases | None = None,
    audit_summary: str | None = None,
    audit_data: Mapping[str, Any] | None = None,
    audit_changes: Mapping[str, Any] | None = None,
) -> MatchingRun:
    """Mark `run` succeeded with its `summary` (and its phases' seconds), save it and record `action`
    in the audit log by the run's actor. Inside the run's transaction: a rollback takes it all back."""
    run.summary = {**summary, **({"seconds": phases.rounded()} if phases is not None else {})}
    run.status = RunStatus.SUCCEEDED
    run.finished_at = timezone.now()
    run.save()
    audit_record(
        actor=run.actor,
        action=action,
        target=run,
        summary=audit_summary if audit_summary is not None else str(run),
        changes=dict(audit_changes or {}),
        data=dict(audit_data or {}),
    )
    return run
