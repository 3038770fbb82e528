"""bulk_set: many rows' columns in a constant number of queries, on SQLite and MySQL alike."""
from datetime import datetime, timezone

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.bulk import bulk_insert, bulk_set
from customers.tests.factories import CustomerFactory
from managers.tests.factories import ManagerFactory
from customers.models import CustomerProfile

pytestmark = pytest.mark.django_db


def test_sets_the_given_columns_and_leaves_other_rows_alone():
    manager = ManagerFactory()
    first, second, untouched = CustomerFactory(), CustomerFactory(), CustomerFactory(occupation="教师")
    when = datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
    bulk_set(CustomerProfile, fields=["manager", "customer_class", "updated_at"],
             rows=[(first.pk, manager.pk, "A", when), (second.pk, None, "", when)])
    first.refresh_from_db(), second.refresh_from_db()
    assert (first.manager_id, first.customer_class, first.updated_at) == (manager.pk, "A", when)
    assert (second.manager_id, second.customer_class) == (None, "")
    before = untouched.updated_at
    untouched.refresh_from_db()
    assert untouched.updated_at == before and untouched.occupation == "教师"


def test_nothing_to_set_runs_no_query():
    with CaptureQueriesContext(connection) as queries:
        assert bulk_set(CustomerProfile, fields=["segment"], rows=[]) == 0
    assert len(queries) == 0


def test_the_number_of_queries_does_not_grow_with_the_rows():
    customers = CustomerFactory.create_batch(40)
    counts = []
    for size in (2, 40):
        with CaptureQueriesContext(connection) as queries:
            bulk_set(CustomerProfile, fields=["segment"], rows=[(c.pk, 3) for c in customers[:size]])
        counts.append(len(queries))
    assert counts[0] == counts[1]
    assert set(CustomerProfile.objects.values_list("segment", flat=True)) == {3}


def test_bulk_insert_writes_every_field_in_one_query_with_defaults_and_json():
    from matching.models import Assignment, Reason

    customer, manager = CustomerFactory(), ManagerFactory()
    rows = [
        Assignment(customer=customer, new_manager=manager, reason=Reason.BEST, total=i, shared_needs=["基金投资"])
        for i in range(5)
    ]
    with CaptureQueriesContext(connection) as queries:
        assert bulk_insert(rows) == 5
    assert len(queries) == 1
    stored = list(Assignment.objects.order_by("total"))
    assert [a.total for a in stored] == [0, 1, 2, 3, 4]
    assert stored[0].shared_needs == ["基金投资"] and stored[0].shared_hobbies == []
    assert stored[0].created_at is not None and stored[0].new_manager == manager
