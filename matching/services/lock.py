"""The run lock, and `recorded_run()`: lock + transaction + a trace of a failed run, written once."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.db import DatabaseError, OperationalError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import RunInProgress

from ..models import MatchingRun, RunLock, RunStatus


def acquire_run_lock(holder: str) -> None:
    """Take the single matching lock row for the rest of the current transaction.

    An UPDATE takes a row lock on MySQL and the write lock on SQLite, so a second run waits for the
    first to commit; if the wait times out it stops with a clear message instead of interleaving.
    Every service that changes who serves whom, or who may be given customers, takes it first.
    """
    if connection.vendor == "mysql":
        with connection.cursor() as cursor:
            cursor.execute("SET SESSION innodb_lock_wait_timeout = %s", [settings.PORTRAIT_RUN_LOCK_WAIT_SECONDS])
    try:
        updated = RunLock.objects.filter(pk=RunLock.SINGLETON).update(holder=holder[:200], acquired_at=timezone.now())
        if not updated:
            RunLock.objects.create(pk=RunLock.SINGLETON, holder=holder[:200], acquired_at=timezone.now())
    except (OperationalError, DatabaseError) as exc:
        raise RunInProgress(_("Another matching run is in progress; try again when it has finished.")) from exc


def _record_failure(run: MatchingRun, exc: Exception) -> None:
    """The run's writes were rolled back; keep a trace of the attempt and why it failed."""
    run.pk = None
    run.status = RunStatus.FAILED
    run.error = f"{type(exc).__name__}: {exc}"[:2000]
    run.finished_at = timezone.now()
    run.save()


@contextmanager
def recorded_run(run: MatchingRun, *, lock_holder: str | None) -> Iterator[MatchingRun]:
    """Save `run` and do the block in one transaction, holding the run lock unless `lock_holder` is None
    (a dry run writes nothing but its own row, so it does not wait for others).

    If the block fails, everything it wrote is rolled back and a FAILED copy of the run is saved with
    the error, so the attempt stays visible. Failing to get the lock records nothing: no run started.
    """
    try:
        with transaction.atomic():
            if lock_holder is not None:
                acquire_run_lock(lock_holder)
            run.save()
            yield run
    except RunInProgress:
        raise
    except Exception as exc:
        _record_failure(run, exc)
        raise
