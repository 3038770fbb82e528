"""Concurrency and faults, with real threads, each on its own database connection.

Every race is made real rather than hoped for: one writer is held at a chosen point after it took the run
lock (a `Gate` around one of its phases) until the other writer is either waiting for that lock (MariaDB:
InnoDB reports the lock wait) or has been refused (SQLite's test database lets one connection write at a
time and refuses a second writer at once, whatever the lock wait). Only then does the first go on. The
assertions read the database afterwards: loads against capacities, history rows, the runs recorded.
"""
from __future__ import annotations

import functools
import threading
import time
from collections import Counter
from collections.abc import Iterable
from contextlib import contextmanager

import pytest
from django.db import DatabaseError, connection, connections

from audit.models import AuditEvent
from matching.errors import CapacityExceeded, RunInProgress
from customers.models import CustomerProfile
from managers.models import ManagerProfile
from matching.models import Assignment, MatchingRun, RunLock, RunStatus
from matching.services import (
    customers_assign,
    manager_availability_update,
    manager_book_transfer,
    run_automatic,
)
from matching.services import availability as availability_module
from matching.services import manual as manual_module
from matching.services import history as history_module
from matching.services import runs as runs_module

from .conftest import SERVICES, refreshed

pytestmark = pytest.mark.django_db(transaction=True)

ON_MARIADB = connection.vendor == "mysql"


def mariadb_only(why_not_sqlite: str):
    return pytest.mark.skipif(not ON_MARIADB, reason=f"MariaDB only: {why_not_sqlite}")


ONE_WRITER = (
    "SQLite's test database lets one connection write at a time, so a second writer is refused at once "
    "(the tests run on both backends show that) and can never wait for the lock"
)
PATIENCE = 60  # seconds a thread waits for the other side before the test fails: a bound, never a timing
LONG_WAIT = 60  # PORTRAIT_RUN_LOCK_WAIT_SECONDS when the waiting side must outlast the held one
SHORT_WAIT = 1  # ... when it must give up
IN_PROGRESS = "Another matching run is in progress"


class Writer(threading.Thread):
    """One writer on its own connection: keeps what its action returned or raised, and its session id."""

    def __init__(self, name: str, action, *, start_line: threading.Barrier | None = None):
        super().__init__(name=name, daemon=True)
        self.action, self.start_line = action, start_line
        self.session = self.result = self.error = None

    def run(self):
        try:
            self.session = _session_id()
            if self.start_line is not None:
                self.start_line.wait(PATIENCE)
            self.result = self.action()
        except Exception as exc:  # kept for the test's asserts
            self.error = exc
        finally:
            connection.close()


class Gate:
    """Holds the first call of the wrapped function until opened; later calls pass straight through."""

    def __init__(self):
        self.reached, self.opened = threading.Event(), threading.Event()
        self.holder: str | None = None
        self._claim = threading.Lock()

    def around(self, function):
        @functools.wraps(function)
        def held(*args, **kwargs):
            with self._claim:
                first = self.holder is None
                if first:
                    self.holder = threading.current_thread().name
            if first:
                self.reached.set()
                if not self.opened.wait(PATIENCE):
                    raise AssertionError("the gate was never opened")
            return function(*args, **kwargs)

        return held


def _session_id() -> int | None:
    if not ON_MARIADB:
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT CONNECTION_ID()")
        return cursor.fetchone()[0]


def _waits_for_a_lock(session: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*) FROM information_schema.INNODB_TRX WHERE trx_mysql_thread_id = %s "
            "AND trx_state = 'LOCK WAIT'",
            [session],
        )
        return cursor.fetchone()[0] > 0


def _doing(session: int | None) -> str:
    """What a session is doing, for a failure message."""
    if session is None:
        return ""
    with connection.cursor() as cursor:
        cursor.execute("SELECT STATE, TIME, INFO FROM information_schema.PROCESSLIST WHERE ID = %s", [session])
        return str(cursor.fetchone())


# InnoDB refreshes INNODB_TRX only when nobody has read it for 0.1 s: polling faster would keep it frozen.
POLL_SECONDS = 0.25


def blocked(writer: Writer) -> None:
    """Return once `writer` waits for a lock another transaction holds, or has stopped (refused)."""
    deadline = time.monotonic() + PATIENCE
    while writer.is_alive():
        if ON_MARIADB and writer.session is not None and _waits_for_a_lock(writer.session):
            return
        assert time.monotonic() < deadline, f"{writer.name} neither waits nor stopped: {_doing(writer.session)}"
        time.sleep(POLL_SECONDS)


@contextmanager
def racing(*writers: Writer, opening: Iterable[Gate]):
    """Start the writers; whatever happens in the block, open the gates and wait for the writers at the end."""
    for writer in writers:
        writer.start()
    try:
        yield writers
    finally:
        for gate in opening:
            gate.opened.set()
        for writer in writers:
            writer.join(PATIENCE)
        assert not any(writer.is_alive() for writer in writers), "a writer is still running"


def loads() -> dict[str, tuple[int, int]]:
    """(customers served, capacity) per manager username, counted in the database."""
    served = Counter(CustomerProfile.objects.exclude(manager=None).values_list("manager__user__username", flat=True))
    return {
        username: (served[username], capacity)
        for username, capacity in ManagerProfile.objects.values_list("user__username", "capacity")
    }


def assert_within_capacity():
    over = {name: figures for name, figures in loads().items() if figures[0] > figures[1]}
    assert not over, f"over capacity (served, capacity): {over}"


def refused_while_another_writes(error: Exception | None, *, on_mariadb: type[Exception], message: str):
    """The side that lost: on MariaDB it waited and was refused by the check it then ran on fresh data; on
    SQLite it was refused at once because another connection was writing."""
    if ON_MARIADB:
        assert isinstance(error, on_mariadb), repr(error)
        assert message in error.messages[0]
    else:
        assert isinstance(error, RunInProgress), repr(error)
        assert IN_PROGRESS in error.messages[0]


# Two runs ----------------------------------------------------------------------------------------------


def _leaving_and_arriving(portraits):
    """`leaving` is full with two customers; `free` has room for two; two new customers need a manager.

    A run places the newcomers on `free`; moving the leaving manager's book sends it to `free` too.
    Either fits alone; both at once only if one run plans on what the other wrote.
    """
    leaving = portraits.manager("leaving", capabilities=SERVICES[:4], capacity=2)
    portraits.manager("free", capabilities=SERVICES[:4], capacity=2)
    for name in ("book1", "book2"):
        portraits.customer(name, needs=SERVICES[:4], manager=leaving)
    for name in ("new1", "new2"):
        portraits.customer(name, needs=SERVICES[:4])
    return leaving


@pytest.mark.parametrize("second", ["automatic", "transfer"])
def test_two_runs_started_at_once_never_interleave_nor_exceed_capacity(portraits, settings, monkeypatch, second):
    """Whichever run takes the lock first is held after loading; the other waits for it (MariaDB) and then
    plans on what the first wrote. On SQLite a writer is refused while another writes: one run goes
    through (both are refused in the rare case where each one's start collides with the other's)."""
    settings.PORTRAIT_RUN_LOCK_WAIT_SECONDS = LONG_WAIT
    leaving = _leaving_and_arriving(portraits)
    phases = []
    gate = Gate()

    def logged(phase, function):
        @functools.wraps(function)
        def wrapper(*args, **kwargs):
            phases.append((threading.current_thread().name, phase))
            return function(*args, **kwargs)
        return wrapper

    monkeypatch.setattr(runs_module, "matching_snapshot", logged("load", runs_module.matching_snapshot))
    monkeypatch.setattr(runs_module, "plan_placement", gate.around(runs_module.plan_placement))
    monkeypatch.setattr(runs_module, "run_changes_write", logged("write", runs_module.run_changes_write))
    actions = {"automatic": run_automatic, "transfer": lambda: manager_book_transfer(manager=leaving)}
    start_line = threading.Barrier(2)
    writers = [Writer("first", run_automatic, start_line=start_line),
               Writer("second", actions[second], start_line=start_line)]

    with racing(*writers, opening=[gate]):
        if ON_MARIADB:
            assert gate.reached.wait(PATIENCE)
            blocked(next(writer for writer in writers if writer.name != gate.holder))
        else:  # the run lock is refused while any other write is under way, even just a run's start
            while not gate.reached.is_set() and any(writer.is_alive() for writer in writers):
                gate.reached.wait(POLL_SECONDS)
            for writer in writers:
                if writer.name != gate.holder:
                    blocked(writer)

    assert_within_capacity()
    placed = Counter(Assignment.objects.values_list("customer__user__username", flat=True))
    assert all(count == 1 for count in placed.values()), f"placed more than once: {placed}"
    if ON_MARIADB:
        held, other = sorted(writers, key=lambda writer: writer.name != gate.holder)
        assert [held.error, other.error] == [None, None]
        assert phases == [(held.name, "load"), (held.name, "write"), (other.name, "load"), (other.name, "write")]
        assert MatchingRun.objects.filter(status=RunStatus.SUCCEEDED).count() == 2
    else:
        ran = [writer for writer in writers if writer.error is None]
        assert len(ran) <= 1 and [writer.name for writer in ran] == [name for name, phase in phases if phase == "load"]
        assert phases == [(writer.name, phase) for writer in ran for phase in ("load", "write")]
        for refused in set(writers) - set(ran):
            assert isinstance(refused.error, RunInProgress) and IN_PROGRESS in refused.error.messages[0]
        assert MatchingRun.objects.filter(status=RunStatus.SUCCEEDED).count() == len(ran)


def test_a_run_that_cannot_get_the_lock_in_time_is_refused_and_leaves_no_row(portraits, settings, monkeypatch):
    """The wait is bounded: past PORTRAIT_RUN_LOCK_WAIT_SECONDS the second run stops with a clear message."""
    settings.PORTRAIT_RUN_LOCK_WAIT_SECONDS = SHORT_WAIT
    portraits.manager("m1", capabilities=SERVICES[:4], capacity=2)
    customers = [portraits.customer(needs=SERVICES[:4]) for _ in range(3)]
    gate = Gate()
    monkeypatch.setattr(runs_module, "plan_placement", gate.around(runs_module.plan_placement))
    first, second = Writer("first", run_automatic), Writer("second", run_automatic)

    with racing(first, opening=[gate]):
        assert gate.reached.wait(PATIENCE)
        with racing(second, opening=[gate]):
            second.join(PATIENCE)  # not opened before the second has given up
        assert isinstance(second.error, RunInProgress) and IN_PROGRESS in second.error.messages[0]

    assert first.error is None
    assert MatchingRun.objects.get().status == RunStatus.SUCCEEDED
    assert sum(refreshed(customer).manager is not None for customer in customers) == 2
    assert_within_capacity()


def test_a_run_refused_just_after_recording_its_start_gets_the_clear_message(portraits, settings, monkeypatch):
    """Its row is written, then another run takes the lock first. It is refused with the message, never a
    raw database error, and removes its row. Before the fixes, removing the row waited for the other run:
    MariaDB said "Lock wait timeout exceeded" (the other run's search for dead runs locked this row)
    and SQLite "database table is locked". On SQLite, where the run holding the lock holds every write,
    the row stays RUNNING until a later run marks it failed (`_fail_interrupted_runs`)."""
    from matching.services import lock as lock_module

    settings.PORTRAIT_RUN_LOCK_WAIT_SECONDS = SHORT_WAIT
    portraits.manager("m1", capabilities=SERVICES[:4])
    portraits.customer(needs=SERVICES[:4])
    late, placing = Gate(), Gate()  # the refused run between its row and the lock; the other after it
    monkeypatch.setattr(lock_module, "acquire_run_lock", late.around(lock_module.acquire_run_lock))
    monkeypatch.setattr(runs_module, "plan_placement", placing.around(runs_module.plan_placement))
    refused, other = Writer("refused", run_automatic), Writer("other", run_automatic)

    with racing(refused, opening=[late, placing]):
        assert late.reached.wait(PATIENCE)
        with racing(other, opening=[placing]):
            assert placing.reached.wait(PATIENCE)
            late.opened.set()
            refused.join(PATIENCE)

    assert isinstance(refused.error, RunInProgress), repr(refused.error)
    assert IN_PROGRESS in refused.error.messages[0]
    assert other.error is None and other.result.run.status == RunStatus.SUCCEEDED
    left = list(MatchingRun.objects.exclude(pk=other.result.run.pk).values_list("status", flat=True))
    assert left == ([] if ON_MARIADB else [RunStatus.RUNNING])


# A manual assignment or a capacity change racing a run ------------------------------------------------


def _run_held_while(portraits, monkeypatch, action, *, capacity=2):
    """A run that places two customers on `m1` is held after loading while `action` runs in another thread.

    Returns (the run's writer, the other writer, m1, the two customers the run places).
    """
    m1 = portraits.manager("m1", capabilities=SERVICES[:4], capacity=capacity)
    placed = [portraits.customer(f"run{i}", needs=SERVICES[:4]) for i in range(2)]
    gate = Gate()
    monkeypatch.setattr(runs_module, "plan_placement", gate.around(runs_module.plan_placement))
    run = Writer("run", run_automatic)
    with racing(run, opening=[gate]):
        assert gate.reached.wait(PATIENCE)
        other = Writer("other", lambda: action(m1))
        with racing(other, opening=[gate]):
            blocked(other)
    assert run.error is None and run.result.run.status == RunStatus.SUCCEEDED
    return run, other, m1, placed


def test_a_manual_assignment_racing_a_run_keeps_capacity(portraits, settings, monkeypatch):
    """m1 has two places; a run is about to fill them when a manual assignment asks for one more. It must not
    be squeezed in between the run's plan and its write: it waits for the run and finds m1 full."""
    settings.PORTRAIT_RUN_LOCK_WAIT_SECONDS = LONG_WAIT
    by_hand = portraits.customer("by_hand")
    run, manual, m1, placed = _run_held_while(
        portraits, monkeypatch,
        lambda m1: customers_assign(customer_ids=[by_hand.pk], manager=m1, actor=None),
    )
    refused_while_another_writes(manual.error, on_mariadb=CapacityExceeded, message="has room for 0 more")
    assert [refreshed(customer).manager for customer in placed] == [m1, m1]
    assert refreshed(by_hand).manager is None and not by_hand.assignments.exists()
    assert_within_capacity()


def test_a_capacity_cut_racing_a_run_is_checked_against_what_the_run_wrote(portraits, settings, monkeypatch):
    """A run planned with three places fills two; lowering the capacity to one meanwhile must not slip in
    before the run writes (leaving two customers on a one-place manager, unconfirmed): it waits and is
    refused against the book the run left, and the capacity stays."""
    settings.PORTRAIT_RUN_LOCK_WAIT_SECONDS = LONG_WAIT
    run, cut, m1, placed = _run_held_while(
        portraits, monkeypatch,
        lambda m1: manager_availability_update(manager=m1, actor=None, capacity=1),
        capacity=3,
    )
    refused_while_another_writes(cut.error, on_mariadb=CapacityExceeded, message="more than the new capacity of 1")
    if ON_MARIADB:
        assert cut.error.code == "capacity_below_book"
    assert refreshed(m1).capacity == 3
    assert [refreshed(customer).manager for customer in placed] == [m1, m1]
    assert not AuditEvent.objects.filter(action="manager.availability_updated").exists()
    assert_within_capacity()


def _run_waiting_on(portraits, monkeypatch, module, action):
    """`action(m1)` is held inside its transaction (the run lock taken) while a run starts in another
    thread; m1 has two places and two customers wait for a manager. Returns (the run's writer, m1)."""
    m1 = portraits.manager("m1", capabilities=SERVICES[:4], capacity=2)
    for i in range(2):
        portraits.customer(f"run{i}", needs=SERVICES[:4])
    gate = Gate()
    monkeypatch.setattr(module, "manager_load", gate.around(module.manager_load))
    other = Writer("other", lambda: action(m1))
    with racing(other, opening=[gate]):
        assert gate.reached.wait(PATIENCE)
        run = Writer("run", run_automatic)
        with racing(run, opening=[gate]):
            blocked(run)
    assert other.error is None, repr(other.error)
    return run, m1


def assert_the_run_came_after_the_write(run):
    """MariaDB: the run waited for the write and placed one customer on the one place left; SQLite: the
    run was refused while the write held the database. Either way capacity holds."""
    if ON_MARIADB:
        assert run.error is None
        assert (run.result.run.customers_placed, run.result.run.customers_unassigned) == (1, 1)
    else:
        assert isinstance(run.error, RunInProgress)
    assert_within_capacity()


def test_a_run_started_during_a_manual_assignment_plans_on_it(portraits, settings, monkeypatch):
    """The manual assignment takes one of m1's two places; the run must not plan on the old load."""
    settings.PORTRAIT_RUN_LOCK_WAIT_SECONDS = LONG_WAIT
    by_hand = portraits.customer("by_hand")
    run, m1 = _run_waiting_on(
        portraits, monkeypatch, manual_module,
        lambda m1: customers_assign(customer_ids=[by_hand.pk], manager=m1, actor=None),
    )
    assert refreshed(by_hand).manager == m1
    assert_the_run_came_after_the_write(run)


def test_a_run_started_during_a_capacity_cut_plans_on_the_new_capacity(portraits, settings, monkeypatch):
    """m1 goes from two places to one while a run starts: the run must not plan on the old capacity."""
    settings.PORTRAIT_RUN_LOCK_WAIT_SECONDS = LONG_WAIT
    run, m1 = _run_waiting_on(
        portraits, monkeypatch, availability_module,
        lambda m1: manager_availability_update(manager=m1, actor=None, capacity=1),
    )
    assert refreshed(m1).capacity == 1
    assert_the_run_came_after_the_write(run)


@mariadb_only(ONE_WRITER)
def test_the_lock_taken_for_the_first_time_twice_at_once_queues_the_second(portraits, settings, monkeypatch):
    """On a new database the lock's row does not exist yet. Two writers that both find it missing must
    still queue: the second waits for the first, then writes; before the fix it was refused as if a run
    were in progress, once the first had already finished."""
    settings.PORTRAIT_RUN_LOCK_WAIT_SECONDS = LONG_WAIT
    assert not RunLock.objects.exists()
    m1 = portraits.manager("m1")
    wanting = [portraits.customer(name) for name in ("ann", "bob")]
    both_found_it_missing = threading.Barrier(2)

    def meet_once_the_row_is_found_missing(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        text = sql.decode() if isinstance(sql, bytes) else sql  # the bulk writers send MySQL bytes
        if text.startswith("UPDATE") and RunLock._meta.db_table in text and context["cursor"].rowcount == 0:
            both_found_it_missing.wait(PATIENCE)
        return result

    def assign(customer):
        with connection.execute_wrapper(meet_once_the_row_is_found_missing):
            return customers_assign(customer_ids=[customer.pk], manager=m1, actor=None)

    gate = Gate()
    monkeypatch.setattr(manual_module, "manager_load", gate.around(manual_module.manager_load))
    writers = [Writer(customer.user.username, functools.partial(assign, customer)) for customer in wanting]
    with racing(*writers, opening=[gate]):
        assert gate.reached.wait(PATIENCE)
        blocked(next(writer for writer in writers if writer.name != gate.holder))

    assert [writer.error for writer in writers] == [None, None]
    assert [refreshed(customer).manager for customer in wanting] == [m1, m1]


# The last free slot --------------------------------------------------------------------------------------


def test_the_last_free_slot_taken_twice_at_once_goes_to_one_side_the_other_is_refused(
    portraits, settings, monkeypatch
):
    """Two manual assignments of different customers to m1's last place: one gets it, the other is told
    m1 is full (MariaDB: it waited, then checked) or that another writer is busy (SQLite)."""
    settings.PORTRAIT_RUN_LOCK_WAIT_SECONDS = LONG_WAIT
    m1 = portraits.manager("m1", capacity=2)
    portraits.customer("already", manager=m1)
    wanting = {name: portraits.customer(name) for name in ("ann", "bob")}
    gate = Gate()
    monkeypatch.setattr(manual_module, "manager_load", gate.around(manual_module.manager_load))
    start_line = threading.Barrier(2)
    writers = [
        Writer(name, functools.partial(customers_assign, customer_ids=[customer.pk], manager=m1, actor=None),
               start_line=start_line)
        for name, customer in wanting.items()
    ]

    with racing(*writers, opening=[gate]):
        assert gate.reached.wait(PATIENCE)
        loser = next(writer for writer in writers if writer.name != gate.holder)
        blocked(loser)

    winner = next(writer for writer in writers if writer.name == gate.holder)
    assert winner.error is None
    refused_while_another_writes(loser.error, on_mariadb=CapacityExceeded, message="room for 0 more customer(s) (2 of")
    assert refreshed(wanting[winner.name]).manager == m1
    assert refreshed(wanting[loser.name]).manager is None
    assert list(Assignment.objects.values_list("customer__user__username", flat=True)) == [winner.name]
    assert loads()["m1"] == (2, 2)


# Faults ---------------------------------------------------------------------------------------------------


def _state():
    """Everything a run may change: each customer's manager, lock and class, each manager's flag, the history."""
    return (
        sorted(CustomerProfile.objects.values_list("pk", "manager", "manager_locked", "customer_class")),
        sorted(ManagerProfile.objects.values_list("pk", "accepting_customers", "capacity")),
        Assignment.objects.count(),
    )


@pytest.mark.parametrize("kind", ["automatic", "transfer"])
def test_a_run_failing_half_way_through_its_writes_writes_nothing_and_is_recorded_failed(
    portraits, settings, monkeypatch, kind
):
    """Classes, managers and history rows are written, then the database refuses a statement: all of it is
    rolled back, the run's row says FAILED with the database's error, and the lock is free again."""
    settings.PORTRAIT_RUN_LOCK_WAIT_SECONDS = SHORT_WAIT
    leaving = _leaving_and_arriving(portraits)
    before = _state()
    real_insert = history_module.bulk_insert_columns
    written = []

    def insert_then_fail(*args, **kwargs):
        written.append(real_insert(*args, **kwargs))
        with connection.cursor() as cursor:
            cursor.execute("SELECT * FROM portrait_no_such_table")

    monkeypatch.setattr(history_module, "bulk_insert_columns", insert_then_fail)
    with pytest.raises(DatabaseError):
        if kind == "automatic":
            run_automatic()
        else:
            manager_book_transfer(manager=leaving)

    assert written and written[0] > 0  # it did fail half-way: history rows had been inserted
    assert _state() == before
    run = MatchingRun.objects.get()
    assert run.status == RunStatus.FAILED and run.finished_at is not None
    assert "portrait_no_such_table" in run.error
    assert not AuditEvent.objects.filter(action__in=["matching.run", "matching.book_transfer"]).exists()

    monkeypatch.setattr(history_module, "bulk_insert_columns", real_insert)
    retry = Writer("retry", run_automatic)  # another connection: the failed run's lock went with its rollback
    retry.start()
    retry.join(PATIENCE)
    assert retry.error is None and retry.result.run.status == RunStatus.SUCCEEDED
    assert retry.result.run.customers_placed == 2


def _history_insert_then_fail(monkeypatch):
    """The history rows are written (the one write path of every run), then the database refuses the
    next statement."""
    real_insert = history_module.bulk_insert_columns

    def insert_then_fail(*args, **kwargs):
        assert real_insert(*args, **kwargs) > 0  # the failure is half-way: customers and history are written
        with connection.cursor() as cursor:
            cursor.execute("SELECT * FROM portrait_no_such_table")

    monkeypatch.setattr(history_module, "bulk_insert_columns", insert_then_fail)
    return lambda: monkeypatch.setattr(history_module, "bulk_insert_columns", real_insert)


def test_applying_a_preview_that_fails_half_way_writes_nothing_and_is_recorded_failed(portraits, monkeypatch):
    """Applying a stored plan is a run like any other: before the fix a failure left no trace of it."""
    from matching.services.previews import preview_apply, preview_create

    _leaving_and_arriving(portraits)
    preview = preview_create(actor=None)
    before = _state()
    restore = _history_insert_then_fail(monkeypatch)
    with pytest.raises(DatabaseError):
        preview_apply(preview=preview, actor=None)

    assert _state() == before
    failed = MatchingRun.objects.exclude(pk=preview.pk).get()
    assert (failed.status, failed.preview) == (RunStatus.FAILED, preview)
    assert "portrait_no_such_table" in failed.error and failed.finished_at is not None
    restore()
    assert preview_apply(preview=preview, actor=None).status == RunStatus.SUCCEEDED  # a failed apply is no apply


def test_an_undo_that_fails_half_way_writes_nothing_and_is_recorded_failed(portraits, monkeypatch):
    """Before the fix a failed undo left no trace of the attempt."""
    from matching.services import run_undo

    _leaving_and_arriving(portraits)
    run = run_automatic().run
    before = _state()
    restore = _history_insert_then_fail(monkeypatch)
    with pytest.raises(DatabaseError):
        run_undo(run=run)

    assert _state() == before
    failed = MatchingRun.objects.exclude(pk=run.pk).get()
    assert (failed.status, failed.undo_of) == (RunStatus.FAILED, run)
    assert "portrait_no_such_table" in failed.error and failed.finished_at is not None
    restore()
    assert run_undo(run=run).status == RunStatus.SUCCEEDED  # a failed undo is no undo


@mariadb_only("SQLite has no server session that another could end")
def test_a_run_whose_connection_is_killed_half_way_writes_nothing_and_is_recorded_failed(portraits, monkeypatch):
    """The database drops the run's session in the write phase (a failover, an operator's KILL): the server
    rolls back what it wrote, and the run's row is still marked FAILED, on a new connection."""
    _leaving_and_arriving(portraits)
    before = _state()
    real_set = history_module.bulk_set_from

    def set_then_lose_the_connection(*args, **kwargs):
        real_set(*args, **kwargs)
        victim = _session_id()
        killer = Writer("killer", lambda: connections["default"].cursor().execute(f"KILL CONNECTION {victim:d}"))
        killer.start()
        killer.join(PATIENCE)
        assert killer.error is None, repr(killer.error)

    monkeypatch.setattr(history_module, "bulk_set_from", set_then_lose_the_connection)
    with pytest.raises(DatabaseError):
        run_automatic()

    assert _state() == before
    run = MatchingRun.objects.get()
    assert run.status == RunStatus.FAILED and run.finished_at is not None
    assert run.error.startswith("OperationalError: (20")  # 2013 lost connection, or 2006 server gone away
