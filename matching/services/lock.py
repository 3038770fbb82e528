"""The run lock, and `recorded_run()`: lock + transaction + a trace of a failed run, written once
(`failure_recorded()` for runs whose row is saved only once their checks pass)."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from django.conf import settings
from django.db import DatabaseError, IntegrityError, OperationalError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jobs.models import BackgroundJob, JobStatus
from matching.errors import RunInProgress

from ..models import JobKind, MatchingRun, RunKind, RunLock, RunStatus


def acquire_run_lock(holder: str) -> None:
    """Take the single matching lock row for the rest of the current transaction.

    An UPDATE takes a row lock on MySQL and the write lock on SQLite, so a second run waits for the
    first to commit; if the wait times out it stops with a clear message instead of interleaving.
    Every service that changes who serves whom, or who may be given customers, takes it first.
    """
    if connection.vendor == "mysql":
        _bound_the_session()
    holder = holder[:200]
    try:
        if not _take_lock_row(holder):
            try:
                with transaction.atomic():  # a savepoint: this insert may lose a race
                    RunLock.objects.create(pk=RunLock.SINGLETON, holder=holder, acquired_at=timezone.now())
            except IntegrityError:
                # The first lock ever, created by another at the same time: its insert made this one wait
                # until it committed. The row exists now: queue on it like any later run.
                _take_lock_row(holder)
    except (OperationalError, DatabaseError) as exc:
        raise RunInProgress(_("Another matching run is in progress; try again when it has finished.")) from exc


def _bound_the_session() -> None:
    """The lock wait, and how long the holder's session may sit idle: a run whose client vanished (its
    process killed with the network cut, so the server never hears of it) must not hold the lock for the
    server's `wait_timeout` (8 hours by default).

    MariaDB ends a session idle for `PORTRAIT_RUN_LOCK_IDLE_SECONDS` inside its transaction
    (`idle_transaction_timeout`) and rolls the transaction back, which frees the lock; MySQL has no such
    variable, so there the session's `wait_timeout` ends it after that long without a statement. A live
    run is idle between statements only while it computes (the placement phase: about 2 minutes for
    1 million customers × 5,000 managers), so the default (600 s) leaves it a wide margin.
    """
    idle = "idle_transaction_timeout" if connection.mysql_is_mariadb else "wait_timeout"
    with connection.cursor() as cursor:
        cursor.execute(
            f"SET SESSION innodb_lock_wait_timeout = %s, SESSION {idle} = %s",
            [settings.PORTRAIT_RUN_LOCK_WAIT_SECONDS, settings.PORTRAIT_RUN_LOCK_IDLE_SECONDS],
        )


def _take_lock_row(holder: str) -> bool:
    """Update the lock row (waiting while another transaction holds it); False if it does not exist yet."""
    return bool(RunLock.objects.filter(pk=RunLock.SINGLETON).update(holder=holder, acquired_at=timezone.now()))


INTERRUPTED = "interrupted (process ended)"
# Background jobs whose work takes the run lock before anything else, so that, like runs, one left RUNNING
# longer than the lock wait while another holds the lock belongs to a worker that died.
LOCKING_JOB_KINDS = (JobKind.RUN, JobKind.TRANSFER, JobKind.APPLY, JobKind.UNDO)


def _record_failure(run: MatchingRun, exc: Exception, *, row_committed: bool) -> None:
    """The run's writes were rolled back; keep a trace of the attempt and why it failed."""
    if not row_committed:
        run.pk = None  # the row went with the rollback: write it again
    run.status = RunStatus.FAILED
    run.error = f"{type(exc).__name__}: {exc}"[:2000]
    run.finished_at = timezone.now()
    run.save()


def _fail_interrupted_runs(*, current: MatchingRun) -> int:
    """Runs left RUNNING by a process that died (kill -9, a lost machine) are marked failed, start time kept.

    Called while holding the run lock. A live run's row is RUNNING only while it waits for the lock
    (at most PORTRAIT_RUN_LOCK_WAIT_SECONDS) or holds it (not now: we do); so a RUNNING row older than
    the wait, other than ours, belongs to a dead process. Previews take no lock and are left alone.

    The dead rows are found by a plain read, then updated by id: an UPDATE with the whole condition
    locked (on MariaDB) the rows of live runs waiting for the lock, until this run ended, so a run
    refused the lock then waited as long again to remove its own row.

    The background jobs that ran them (kinds whose work takes the lock first) are marked failed alike, so
    the page polling one stops showing it running.
    """
    cutoff = timezone.now() - timedelta(seconds=settings.PORTRAIT_RUN_LOCK_WAIT_SECONDS + 60)
    dead_jobs = list(
        BackgroundJob.objects.filter(status=JobStatus.RUNNING, kind__in=LOCKING_JOB_KINDS, started_at__lt=cutoff)
        .values_list("pk", flat=True)
    )
    if dead_jobs:
        BackgroundJob.objects.filter(pk__in=dead_jobs, status=JobStatus.RUNNING).update(
            status=JobStatus.FAILED, error=INTERRUPTED, finished_at=timezone.now()
        )
    dead = list(
        MatchingRun.objects.filter(status=RunStatus.RUNNING, started_at__lt=cutoff)
        .exclude(pk=current.pk)
        .exclude(kind=RunKind.PREVIEW)
        .values_list("pk", flat=True)
    )
    if not dead:
        return 0
    return MatchingRun.objects.filter(pk__in=dead, status=RunStatus.RUNNING).update(
        status=RunStatus.FAILED, error=INTERRUPTED, finished_at=timezone.now()
    )


@contextmanager
def failure_recorded(run: MatchingRun) -> Iterator[MatchingRun]:
    """Around a transaction that saves `run` only once its checks pass (an undo, applying a preview).

    If the transaction fails after saving it, the rollback took the row with everything the run wrote:
    the row is written again, FAILED with the error. A refusal before the row was saved records
    nothing: no run happened.
    """
    try:
        yield run
    except Exception as exc:
        if run.pk is not None:
            _record_failure(run, exc, row_committed=False)
        raise


@contextmanager
def recorded_run(run: MatchingRun, *, lock_holder: str | None) -> Iterator[MatchingRun]:
    """Do the block in one transaction holding the run lock, with a trace of the run whatever happens.

    The RUNNING row is committed on its own first, so a process killed in the write phase leaves it
    behind; the next run marks it failed (`_fail_interrupted_runs`). If the block fails, everything it
    wrote is rolled back and the row says FAILED with the error. Failing to get the lock records
    nothing (no run started), except on SQLite when another run took the lock just after this row
    was written: the row cannot be removed then. A dry run (`lock_holder` None) writes nothing but
    its own row, so it does not wait for others and keeps everything in one transaction.
    """
    if lock_holder is None:
        try:
            with transaction.atomic():
                run.save()
                yield run
        except Exception as exc:
            _record_failure(run, exc, row_committed=False)
            raise
        return
    try:
        with transaction.atomic():
            run.save()
    except OperationalError as exc:  # SQLite: a run holding the lock holds every write
        raise RunInProgress(_("Another matching run is in progress; try again when it has finished.")) from exc
    try:
        with transaction.atomic():
            acquire_run_lock(lock_holder)
            _fail_interrupted_runs(current=run)
            yield run
    except RunInProgress:
        try:
            MatchingRun.objects.filter(pk=run.pk).delete()
        except OperationalError:
            # SQLite: the run holding the lock holds every write, this one too. The refusal still says
            # why; the row stays RUNNING until a later run marks it failed (`_fail_interrupted_runs`).
            pass
        raise
    except Exception as exc:
        _record_failure(run, exc, row_committed=True)
        raise
