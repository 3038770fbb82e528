"""core.bulk given columns: constants written once, values rendered safely, long inserts split into statements."""
from datetime import datetime, timezone

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

import core.bulk
from core.bulk import bulk_insert_columns, bulk_set, bulk_set_columns, bulk_set_from
from customers.models import CustomerProfile
from customers.tests.factories import CustomerFactory
from managers.tests.factories import ManagerFactory

pytestmark = pytest.mark.django_db

AWKWARD = ["it's", 'say "hi"', "back\\slash", "100% sure", "%s and %(name)s", "基金投资", "tab\tnew\nline", ""]


def test_columns_and_constants_are_set_on_the_given_rows_only():
    manager = ManagerFactory()
    first, second, untouched = CustomerFactory(), CustomerFactory(), CustomerFactory()
    when = datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
    bulk_set_columns(CustomerProfile, pks=[first.pk, second.pk],
                     columns={"manager": [manager.pk, None], "customer_class": ["A", "B"]},
                     constants={"updated_at": when, "manager_locked": True})
    first.refresh_from_db(), second.refresh_from_db()
    assert (first.manager_id, first.customer_class, first.updated_at, first.manager_locked) == (
        manager.pk, "A", when, True)
    assert (second.manager_id, second.customer_class, second.manager_locked) == (None, "B", True)
    before = untouched.updated_at
    untouched.refresh_from_db()
    assert untouched.updated_at == before and not untouched.manager_locked


def test_set_from_copies_the_rows_that_point_at_them_among_those_asked_only():
    from matching.models import Assignment, MatchingRun, Reason

    manager, other = ManagerFactory(), ManagerFactory()
    first, second, untouched = CustomerFactory(), CustomerFactory(manager=other), CustomerFactory(manager=other)
    run, earlier = MatchingRun.objects.create(), MatchingRun.objects.create()
    Assignment.objects.bulk_create([
        Assignment(run=run, customer=first, new_manager=manager, customer_class="A", reason=Reason.BEST),
        Assignment(run=run, customer=second, new_manager=None, customer_class="B", reason=Reason.NO_CAPACITY),
        Assignment(run=earlier, customer=untouched, new_manager=manager, customer_class="A", reason=Reason.BEST),
    ])
    when = datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
    with CaptureQueriesContext(connection) as queries:
        bulk_set_from(CustomerProfile, source=Assignment, key="customer", where={"run": run.pk},
                      columns={"manager": "new_manager", "customer_class": "customer_class"},
                      constants={"updated_at": when, "manager_locked": True})
    assert len(queries) == 1
    for customer in (first, second, untouched):
        customer.refresh_from_db()
    assert (first.manager_id, first.customer_class, first.updated_at, first.manager_locked) == (
        manager.pk, "A", when, True)
    assert (second.manager_id, second.customer_class, second.manager_locked) == (None, "B", True)
    assert (untouched.manager_id, untouched.manager_locked) == (other.pk, False)


def test_rows_with_only_constants():
    customer = CustomerFactory()
    assert bulk_set(CustomerProfile, fields=[], rows=[(customer.pk,)], constants={"customer_class": "C"}) == 1
    customer.refresh_from_db()
    assert customer.customer_class == "C"


def test_inserted_text_comes_back_exactly_quotes_percent_signs_and_all():
    from matching.models import Assignment, Reason

    customers = CustomerFactory.create_batch(len(AWKWARD))
    count = bulk_insert_columns(
        Assignment,
        columns={
            "customer": [c.pk for c in customers],
            "note": AWKWARD,
            "shared_needs": [(text,) for text in AWKWARD],
            "total": list(range(len(AWKWARD))),
        },
        constants={"reason": Reason.BEST, "customer_class": "", "shared_hobbies": ["旅游", "it's"]},
    )
    assert count == len(AWKWARD)
    stored = list(Assignment.objects.order_by("total"))
    assert [a.note for a in stored] == AWKWARD
    assert [a.shared_needs for a in stored] == [[text] for text in AWKWARD]
    assert {a.reason for a in stored} == {Reason.BEST}
    assert all(a.shared_hobbies == ["旅游", "it's"] for a in stored)
    assert all(a.created_at is not None and a.run_id is None for a in stored)  # defaults for the fields not named


def test_a_long_insert_is_split_into_statements_and_writes_every_row(monkeypatch):
    from matching.models import Assignment

    customers = CustomerFactory.create_batch(30)
    monkeypatch.setattr(core.bulk, "STATEMENT_CHARS", 200)
    with CaptureQueriesContext(connection) as queries:
        bulk_insert_columns(Assignment, columns={"customer": [c.pk for c in customers] * 2, "note": ["x" * 20] * 60},
                            constants={"reason": "best", "customer_class": "A"})
    assert Assignment.objects.count() == 60
    assert set(Assignment.objects.values_list("customer_id", flat=True)) == {c.pk for c in customers}
    if connection.vendor == "mysql":  # statements rendered here; elsewhere one executemany()
        assert len(queries) > 1


def test_columns_of_different_lengths_are_refused():
    from matching.models import Assignment

    with pytest.raises(ValueError, match="different lengths"):
        bulk_insert_columns(Assignment, columns={"customer": [1, 2], "note": ["a"]})


def test_no_rows_runs_no_query():
    from matching.models import Assignment

    with CaptureQueriesContext(connection) as queries:
        assert bulk_insert_columns(Assignment, columns={"customer": []}) == 0
        assert bulk_set_columns(CustomerProfile, pks=[], columns={"customer_class": []}) == 0
    assert len(queries) == 0
