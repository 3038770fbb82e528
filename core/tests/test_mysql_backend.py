"""The MySQL/MariaDB backend (`core.db.mysql`): datetimes read in C, as mysqlclient reads them. Runs in the
MariaDB half of the suite (`make test-mysql`, and CI); on SQLite the backend is not in use."""
from datetime import datetime, timezone

import pytest
from django.db import connection, connections

from customers.models import CustomerProfile
from customers.tests.factories import CustomerFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "mysql", reason="the MariaDB half of the suite tests this backend"),
]


def test_the_configured_mysql_backend_is_this_one():
    assert type(connections["default"]).__module__ == "core.db.mysql.base"


def test_datetimes_read_back_as_written_with_or_without_a_fraction():
    exact = datetime(2026, 12, 7, 10, 3, 4, tzinfo=timezone.utc)
    fraction = datetime(2026, 12, 7, 10, 3, 4, 567891, tzinfo=timezone.utc)
    customers = CustomerFactory.create_batch(2)
    for customer, moment in zip(customers, (exact, fraction)):
        CustomerProfile.objects.filter(pk=customer.pk).update(created_at=moment)

    read = dict(CustomerProfile.objects.filter(pk__in=[c.pk for c in customers]).values_list("pk", "created_at"))

    assert read == {customers[0].pk: exact, customers[1].pk: fraction}


@pytest.mark.parametrize("text, expected", [
    ("2026-12-07 10:03:04", datetime(2026, 12, 7, 10, 3, 4)),
    ("2026-12-07 10:03:04.5", datetime(2026, 12, 7, 10, 3, 4, 500000)),
    ("0000-00-00 00:00:00", None),  # a zero date, as mysqlclient gives it
    ("2026-02-30 00:00:00", None),
])
def test_the_servers_text_becomes_what_mysqlclient_makes_of_it(text, expected):
    from MySQLdb.times import DateTime_or_None

    with connection.cursor() as cursor:
        cursor.execute("SELECT CAST(%s AS DATETIME(6))", [text])
        (value,) = cursor.fetchone()
        cursor.execute("SELECT CAST(%s AS CHAR)", [text])
        (raw,) = cursor.fetchone()

    assert value == expected and value == DateTime_or_None(raw)
