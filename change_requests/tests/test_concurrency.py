"""Two requests sent at the same moment by one customer (a double click, two tabs): one is stored, the other
refused, with real threads, each on its own database connection. On MariaDB the second waits for the
customer's row lock and then sees the first request (a Conflict); SQLite's test database refuses a second
writer at once. Either way the `open_for` unique column would refuse a second open request as well."""
import threading

import pytest
from django.db import DatabaseError, connection, connections

from change_requests.models import ChangeRequest
from change_requests.services import change_request_open
from core.errors import Conflict

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_requests_at_once_leave_one_open_request(bank):
    start = threading.Barrier(2, timeout=60)
    outcomes = []

    def ask(words):
        try:
            start.wait()
            outcomes.append(change_request_open(customer=bank.asker, actor=bank.asker.user, reason="other",
                                                text=words))
        except (Conflict, DatabaseError) as refused:
            outcomes.append(refused)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=ask, args=(words,)) for words in ("第一次", "第二次")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)

    stored = [outcome for outcome in outcomes if isinstance(outcome, ChangeRequest)]
    refused = [outcome for outcome in outcomes if not isinstance(outcome, ChangeRequest)]
    assert (len(stored), len(refused)) == (1, 1), outcomes
    if connection.vendor == "mysql":
        assert isinstance(refused[0], Conflict)  # it waited for the lock, then saw the first request
    assert ChangeRequest.objects.filter(customer=bank.asker).count() == 1
