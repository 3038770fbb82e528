"""A run whose client vanished frees the run lock by itself, within PORTRAIT_RUN_LOCK_IDLE_SECONDS.

The probe cut the TCP connection between gunicorn and MariaDB in the middle of a run: MariaDB kept the
session asleep with its transaction open, holding the lock row, for `wait_timeout` (8 hours), and every
run answered "another matching run is in progress" until someone killed the session by hand.

Here a run on its own connection goes through a small TCP proxy (a thread forwarding 127.0.0.1:<port> to
the database server), takes the lock, and the proxy then vanishes: the run's side is closed, while the
server's side stays open and silent, as a cut cable leaves it (the server hears nothing). The next run
must get the lock within the stated bound.

MariaDB only by nature: the test is about a database server that outlives its client across a network;
SQLite has no server, no connection to cut, and its lock goes with the process that holds it.
"""
from __future__ import annotations

import socket
import threading
import time

import pytest
from django.db import connection, connections, transaction

from matching.errors import RunInProgress
from matching.models import RunLock
from matching.services import acquire_run_lock

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "mysql", reason="MariaDB only: no database server or network on SQLite"),
]

IDLE_BOUND = 3  # PORTRAIT_RUN_LOCK_IDLE_SECONDS for the test
PATIENCE = 60  # seconds before a thread gives up waiting for the other side: a bound, never a timing


class VanishingProxy:
    """Forwards one client connection to the database server until `vanish()`: then the client's side is
    closed and nothing more is forwarded, while the server's side stays open (until `close()`)."""

    def __init__(self, host: str, port: int):
        self.upstream_address = (host, port)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.vanished = threading.Event()
        self.sockets: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                client, _address = self.listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(self.upstream_address)
            self.sockets += [client, upstream]
            threading.Thread(target=self._pump, args=(client, upstream), daemon=True).start()
            threading.Thread(target=self._pump, args=(upstream, client), daemon=True).start()

    def _pump(self, source: socket.socket, target: socket.socket):
        while not self.vanished.is_set():
            try:
                data = source.recv(65536)
            except OSError:
                return
            if not data or self.vanished.is_set():
                return
            try:
                target.sendall(data)
            except OSError:
                return

    def vanish(self):
        """The client's side goes away; the server's side is kept open and silent (a cut cable), and no new
        connection gets through."""
        self.vanished.set()
        self._stop_listening()
        for sock in self.sockets[0::2]:  # the client sides
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            sock.close()

    def _stop_listening(self):
        try:
            self.listener.shutdown(socket.SHUT_RDWR)  # wakes the accepting thread; connects are refused
        except OSError:
            pass
        self.listener.close()

    def close(self):
        """Ends every connection (the server hears of it now), however the test went."""
        self._stop_listening()
        for sock in self.sockets:
            try:
                sock.shutdown(socket.SHUT_RDWR)  # close() alone leaves a socket another thread reads from open
            except OSError:
                pass
            sock.close()


@pytest.fixture
def proxy():
    settings_dict = connection.settings_dict
    proxy = VanishingProxy(settings_dict["HOST"] or "127.0.0.1", int(settings_dict["PORT"] or 3306))
    yield proxy
    proxy.close()


def hold_the_lock_through(proxy: VanishingProxy, holding: threading.Event, outcome: dict):
    """A run on its own connection, through the proxy: takes the lock and keeps its transaction open."""
    backend = type(connections["default"])
    proxied = backend({**connections["default"].settings_dict, "HOST": "127.0.0.1", "PORT": proxy.port}, "default")
    connections["default"] = proxied  # this thread's connection only
    try:
        with transaction.atomic():
            acquire_run_lock("a run whose client will vanish")
            outcome["session"] = proxied.connection.thread_id()
            holding.set()
            proxy.vanished.wait(PATIENCE)
            RunLock.objects.count()  # the client is gone: this fails
    except Exception as exc:  # noqa: BLE001 - kept for the asserts
        outcome["error"] = exc


def take_the_lock() -> bool:
    try:
        with transaction.atomic():
            acquire_run_lock("the next run")
    except RunInProgress:
        return False
    return True


def test_the_next_run_gets_the_lock_within_the_idle_bound_after_the_holders_client_vanished(proxy, settings):
    settings.PORTRAIT_RUN_LOCK_IDLE_SECONDS = IDLE_BOUND
    settings.PORTRAIT_RUN_LOCK_WAIT_SECONDS = 1
    holding, outcome = threading.Event(), {}
    holder = threading.Thread(target=hold_the_lock_through, args=(proxy, holding, outcome), daemon=True)
    holder.start()
    assert holding.wait(PATIENCE), outcome.get("error")
    assert take_the_lock() is False  # held: the next run is refused after its wait

    proxy.vanish()
    vanished_at = time.monotonic()
    holder.join(PATIENCE)
    got_it = take_the_lock()
    while not got_it and time.monotonic() - vanished_at < IDLE_BOUND + 30:
        got_it = take_the_lock()
    waited = time.monotonic() - vanished_at

    assert "error" in outcome  # the vanished run itself saw its connection fail
    assert got_it
    assert waited < IDLE_BOUND + 5  # the bound, plus a lock wait and the rollback
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE ID = %s", [outcome["session"]])
        assert cursor.fetchone()[0] == 0  # the server ended the vanished run's session


def test_a_live_run_idle_for_less_than_the_bound_keeps_the_lock(settings):
    """The bound is on idleness inside the lock's transaction: a run that computes for a while (no
    statement) within it still holds the lock, and finishes."""
    settings.PORTRAIT_RUN_LOCK_IDLE_SECONDS = IDLE_BOUND
    with transaction.atomic():
        acquire_run_lock("a run that computes")
        time.sleep(IDLE_BOUND - 2)
        assert RunLock.objects.get().holder == "a run that computes"
