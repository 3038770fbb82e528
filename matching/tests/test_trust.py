"""Defects found under attack (issue 10): each test failed before its fix."""
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError
from django.utils import timezone

from core.errors import Conflict
from matching.errors import CapacityExceeded, UndoRefused
from customers.models import CustomerProfile
from imports.jobs import IMPORT_JOB
from jobs.models import BackgroundJob, JobStatus
from jobs.selectors import job_progress
from insights.jobs import SEGMENT_JOB
from matching.models import JobKind, MatchingRun, RunKind, RunStatus
from matching.services import customers_assign, run_automatic, run_undo
from matching.services import undo as undo_module
from managers.models import ManagerProfile

from .conftest import SERVICES, refreshed

pytestmark = pytest.mark.django_db


def _rebalanced_away(portraits, old_kwargs=None):
    """A customer moved by a rebalance from `old` (a poor match) to `new` (a good one)."""
    old = portraits.manager("old", **(old_kwargs or {}))
    portraits.manager("new", capabilities=SERVICES[:4])
    customer = portraits.customer(needs=SERVICES[:4], manager=old)
    run = run_automatic(rebalance=True).run
    assert refreshed(customer).manager.user.username == "new"
    return old, customer, run


class TestUndoEligibility:
    def test_undo_refuses_to_give_customers_back_to_a_manager_now_inactive(self, portraits):
        old, customer, run = _rebalanced_away(portraits)
        old.user.is_active = False
        old.user.save()
        with pytest.raises(UndoRefused, match="inactive or not accepting") as refused:
            run_undo(run=run)
        assert "old" in refused.value.messages[0] and "1 customer" in refused.value.messages[0]
        assert refreshed(customer).manager.user.username == "new"
        assert not MatchingRun.objects.filter(kind=RunKind.UNDO).exists()

    def test_undo_refuses_to_give_customers_back_to_a_manager_no_longer_accepting(self, portraits):
        old, customer, run = _rebalanced_away(portraits)
        ManagerProfile.objects.filter(pk=old.pk).update(accepting_customers=False)
        with pytest.raises(UndoRefused, match="inactive or not accepting"):
            run_undo(run=run)
        assert refreshed(customer).manager.user.username == "new"

    def test_undo_gives_customers_back_to_an_eligible_manager(self, portraits):
        old, customer, run = _rebalanced_away(portraits)
        run_undo(run=run)
        assert refreshed(customer).manager == old

    def test_a_long_refusal_shows_a_count_and_the_first_few_names(self, portraits):
        old = portraits.manager("old")
        portraits.manager("new", capabilities=SERVICES[:4])
        for i in range(12):
            portraits.customer(f"cust{i:02d}", needs=SERVICES[:4], manager=old)
        run = run_automatic(rebalance=True).run
        CustomerProfile.objects.update(manager=None)
        with pytest.raises(UndoRefused) as refused:
            run_undo(run=run)
        message = refused.value.messages[0]
        assert "12 customer(s)" in message and "cust00" in message and "cust11" not in message
        assert "and 2 more" in message  # the first ten names, core.tabular.shorten_list
        assert len(refused.value.conflicts) == 12


class TestUndoCapacity:
    def test_undo_refused_when_the_previous_manager_has_filled_up_since(self, portraits):
        old, customer, run = _rebalanced_away(portraits, {"capacity": 1})
        portraits.customer(manager=old)  # old's only slot is taken again
        with pytest.raises(UndoRefused, match="exceed their capacity") as refused:
            run_undo(run=run)
        assert "old" in refused.value.messages[0]
        assert refreshed(customer).manager.user.username == "new"

    def test_undo_fits_when_the_slot_is_still_free(self, portraits):
        old, customer, run = _rebalanced_away(portraits, {"capacity": 1})
        run_undo(run=run)
        assert refreshed(customer).manager == old


class TestDoubleUndo:
    def test_a_concurrent_second_undo_of_a_run_with_no_changes_is_refused_as_already_undone(
        self, portraits, monkeypatch
    ):
        portraits.manager("m1")
        run = run_automatic().run  # nobody to place: no changes
        real_lock = undo_module.acquire_run_lock
        raced = []

        # The "other" undo runs in this test's transaction, rolled back with the refusal; what matters
        # is which check refuses the second one.
        def lock_after_another_undo(holder):
            # the other undo committed while this one waited for the lock
            if not raced:
                raced.append(True)
                run_undo(run=MatchingRun.objects.get(pk=run.pk))
            real_lock(holder)

        monkeypatch.setattr(undo_module, "acquire_run_lock", lock_after_another_undo)
        with pytest.raises(UndoRefused, match="already been undone"):
            run_undo(run=run)  # before the fix: a second, successful undo

    def test_a_second_undo_says_already_undone_not_changed_again(self, portraits, monkeypatch):
        old, customer, run = _rebalanced_away(portraits)
        real_lock = undo_module.acquire_run_lock
        raced = []

        def lock_after_another_undo(holder):
            if not raced:
                raced.append(True)
                run_undo(run=MatchingRun.objects.get(pk=run.pk))
            real_lock(holder)

        monkeypatch.setattr(undo_module, "acquire_run_lock", lock_after_another_undo)
        with pytest.raises(UndoRefused, match="already been undone"):
            run_undo(run=run)  # before the fix: "1 customer(s) changed again since"


class TestManualCapacity:
    def test_a_full_manager_is_a_conflict(self, portraits):
        manager = portraits.manager("m1", capacity=1)
        portraits.customer(manager=manager)
        with pytest.raises(CapacityExceeded, match="has room for 0 more"):
            customers_assign(customer_ids=[portraits.customer().pk], manager=manager, actor=None)
        assert issubclass(CapacityExceeded, Conflict)

    def test_the_last_free_slot_takes_one_customer_but_not_two(self, portraits):
        manager = portraits.manager("m1", capacity=3)
        portraits.customer(manager=manager)
        portraits.customer(manager=manager)
        first, second = portraits.customer(), portraits.customer()
        with pytest.raises(CapacityExceeded, match="room for 1 more"):
            customers_assign(customer_ids=[first.pk, second.pk], manager=manager, actor=None)
        assert refreshed(first).manager is None and refreshed(second).manager is None
        customers_assign(customer_ids=[first.pk], manager=manager, actor=None)
        assert refreshed(first).manager == manager
        assert CustomerProfile.objects.filter(manager=manager).count() == 3


class TestRunFaults:
    def test_a_database_error_in_the_write_phase_is_one_clear_line_and_a_failed_run(self, portraits, monkeypatch):
        from matching.services import runs

        portraits.manager("m1")
        customer = portraits.customer()

        def broken(*args, **kwargs):
            raise DatabaseError("disk full")

        monkeypatch.setattr(runs, "run_changes_write", broken)
        with pytest.raises(CommandError, match="disk full") as failed:
            call_command("autoassign", verbosity=0)
        assert "\n" not in str(failed.value)
        run = MatchingRun.objects.get()
        assert run.status == RunStatus.FAILED and "disk full" in run.error
        assert refreshed(customer).manager is None

    def test_a_run_left_running_by_a_dead_process_is_marked_failed_at_the_next_run(self, portraits):
        portraits.manager("m1")
        portraits.customer()
        dead = MatchingRun.objects.create(kind=RunKind.AUTOMATIC, status=RunStatus.RUNNING)
        started = timezone.now() - timedelta(hours=1)
        MatchingRun.objects.filter(pk=dead.pk).update(started_at=started)
        run_automatic()
        dead.refresh_from_db()
        assert dead.status == RunStatus.FAILED
        assert dead.error == "interrupted (process ended)"
        assert dead.started_at == started and dead.finished_at is not None

    def test_the_job_of_a_worker_that_died_is_marked_failed_at_the_next_run(self, portraits):
        portraits.manager("m1")
        portraits.customer()
        long_ago = timezone.now() - timedelta(hours=1)
        dead = BackgroundJob.objects.create(kind=JobKind.RUN, status=JobStatus.RUNNING, started_at=long_ago)
        # Still waiting for the lock (started within the wait), and kinds that do not take the lock first:
        waiting = BackgroundJob.objects.create(kind=JobKind.UNDO, status=JobStatus.RUNNING, started_at=timezone.now())
        segmenting = BackgroundJob.objects.create(kind=SEGMENT_JOB, status=JobStatus.RUNNING, started_at=long_ago)
        importing = BackgroundJob.objects.create(kind=IMPORT_JOB, status=JobStatus.RUNNING, started_at=long_ago)
        run_automatic()
        dead.refresh_from_db()
        assert dead.status == JobStatus.FAILED and dead.error == "interrupted (process ended)"
        assert dead.finished_at is not None and dead.started_at == long_ago
        assert job_progress(dead)["done"]
        for alive in (waiting, segmenting, importing):
            alive.refresh_from_db()
            assert alive.status == JobStatus.RUNNING and not alive.error

    def test_a_failed_run_keeps_its_own_row(self, portraits, monkeypatch):
        from matching.services import runs

        portraits.manager("m1")
        portraits.customer()
        monkeypatch.setattr(runs, "run_changes_write", lambda *a, **k: (_ for _ in ()).throw(DatabaseError("boom")))
        with pytest.raises(DatabaseError):
            run_automatic()
        assert MatchingRun.objects.count() == 1


class ProcessKilled(BaseException):
    """Stands for a kill -9: nothing in the process gets to clean up (no `except Exception` runs)."""


@pytest.mark.django_db(transaction=True)
def test_a_run_killed_in_the_write_phase_leaves_its_row_and_the_next_run_marks_it_failed(portraits, monkeypatch):
    from matching.services import runs

    portraits.manager("m1")
    customer = portraits.customer()
    real_write = runs.run_changes_write

    def killed(*args, **kwargs):
        raise ProcessKilled

    monkeypatch.setattr(runs, "run_changes_write", killed)
    with pytest.raises(ProcessKilled):
        run_automatic()
    dead = MatchingRun.objects.get()  # before the fix: no row at all
    assert dead.status == RunStatus.RUNNING and refreshed(customer).manager is None

    started = timezone.now() - timedelta(hours=1)  # the dead process is long gone
    MatchingRun.objects.filter(pk=dead.pk).update(started_at=started)
    monkeypatch.setattr(runs, "run_changes_write", real_write)
    run_automatic()
    dead.refresh_from_db()
    assert dead.status == RunStatus.FAILED and dead.error == "interrupted (process ended)"
    assert dead.started_at == started
    assert refreshed(customer).manager is not None


class TestUndoChecksEachAlone:
    def test_a_customer_moved_away_and_back_since_is_a_conflict(self, portraits):
        """Only the later-change check sees this: the current manager is the run's again."""
        old, customer, run = _rebalanced_away(portraits)
        new = refreshed(customer).manager
        other = portraits.manager("other")
        customers_assign(customer_ids=[customer.pk], manager=other, actor=None)
        customers_assign(customer_ids=[customer.pk], manager=new, actor=None)
        with pytest.raises(UndoRefused, match="changed again"):
            run_undo(run=run)
        assert refreshed(customer).manager == new

    def test_a_customer_moved_without_a_recorded_assignment_is_a_conflict(self, portraits):
        """Only the current-manager check sees this: no later Assignment row exists."""
        old, customer, run = _rebalanced_away(portraits)
        other = portraits.manager("other")
        CustomerProfile.objects.filter(pk=customer.pk).update(manager=other)
        with pytest.raises(UndoRefused, match="changed again"):
            run_undo(run=run)
        assert refreshed(customer).manager == other


@pytest.mark.django_db(transaction=True)
def test_undo_and_book_moves_wait_for_the_run_lock(portraits, settings):
    from matching.services import RunInProgress, manager_book_transfer

    from .test_services import run_lock_held_elsewhere

    settings.PORTRAIT_RUN_LOCK_WAIT_SECONDS = 1
    old, customer, run = _rebalanced_away(portraits)
    with run_lock_held_elsewhere():
        with pytest.raises(RunInProgress):
            run_undo(run=run)
        with pytest.raises(RunInProgress):
            manager_book_transfer(manager=refreshed(customer).manager)
    assert refreshed(customer).manager.user.username == "new"
    run_undo(run=run)
    assert refreshed(customer).manager == old
