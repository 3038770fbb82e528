"""core.bulk's writers for imports: rows as tuples with their ids back, updates small and large, new owners' links."""
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Role, User
from accounts.tests.factories import UserFactory
from core import bulk
from core.bulk import bulk_insert_with_ids, bulk_update_rows, ids_by_key, m2m_links_load, m2m_links_replace
from customers.models import CustomerProfile
from customers.tests.factories import CustomerFactory
from managers.models import ManagerProfile
from vocabularies.tests.factories import ServiceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(params=["returns ids", "returns none"])
def backend(request, monkeypatch):
    """Both kinds of backend on any database: MySQL's inserts return no rows."""
    if request.param == "returns none":
        monkeypatch.setattr(type(connection.features), "can_return_rows_from_bulk_insert", False)
    return request.param


class TestBulkInsertWithIds:
    def test_ids_come_back_in_row_order(self, backend):
        users = UserFactory.create_batch(3)
        rows = [(user.pk, 40 + i, "教师", Decimal("1.50")) for i, user in enumerate(reversed(users))]

        ids = bulk_insert_with_ids(
            CustomerProfile, fields=["user", "age", "occupation", "total_assets"], rows=rows, key_field="user"
        )

        assert ids == [CustomerProfile.objects.get(user_id=row[0]).pk for row in rows]
        assert [CustomerProfile.objects.get(pk=pk).age for pk in ids] == [40, 41, 42]

    def test_fields_not_named_get_the_models_defaults(self, backend, settings):
        settings.PORTRAIT_DEFAULT_MANAGER_CAPACITY = 7
        user = UserFactory(role=Role.MANAGER)

        [pk] = bulk_insert_with_ids(ManagerProfile, fields=["user"], rows=[(user.pk,)], key_field="user")

        profile = ManagerProfile.objects.get(pk=pk)
        assert (profile.capacity, profile.accepting_customers) == (7, True)
        assert profile.created_at is not None and profile.created_at == profile.updated_at
        customer = CustomerProfile.objects.get(pk=bulk_insert_with_ids(
            CustomerProfile, fields=["user", "age"], rows=[(UserFactory().pk, 30)], key_field="user"
        )[0])
        assert (customer.customer_class, customer.segment, customer.manager_id, customer.total_assets) == (
            "", None, None, Decimal("0.00"),
        )

    def test_text_keys_and_many_rows(self, backend, monkeypatch):
        monkeypatch.setattr(bulk, "BATCH_SIZE", 7)
        rows = [(f"u{i}", f"u{i}", Role.CUSTOMER, "!x") for i in range(30)]

        ids = bulk_insert_with_ids(User, fields=["username", "username_key", "role", "password"], rows=rows,
                                   key_field="username_key")

        assert ids == [User.objects.get(username=f"u{i}").pk for i in range(30)]

    def test_queries_grow_by_batches_not_rows(self, backend):
        users = UserFactory.create_batch(60)
        with CaptureQueriesContext(connection) as queries:
            bulk_insert_with_ids(CustomerProfile, fields=["user", "age"], rows=[(u.pk, 30) for u in users],
                                 key_field="user")

        assert len(queries) <= 2

    def test_nothing_to_insert_runs_no_query(self):
        with CaptureQueriesContext(connection) as queries:
            assert bulk_insert_with_ids(CustomerProfile, fields=["user"], rows=[], key_field="user") == []
        assert len(queries) == 0


def test_ids_by_key_reads_in_batches_and_finds_keys_ignoring_what_is_missing(monkeypatch):
    monkeypatch.setattr(bulk, "BATCH_SIZE", 2)
    users = UserFactory.create_batch(5)

    with CaptureQueriesContext(connection) as queries:
        found = ids_by_key(User, key_field="username", keys=[u.username for u in users] + ["nobody"])

    assert found == {u.username: u.pk for u in users} and len(queries) == 3


@pytest.mark.parametrize("size", [3, bulk.SMALL_UPDATE + 5])
def test_bulk_update_rows_sets_the_columns_whatever_the_size(size):
    customers = CustomerFactory.create_batch(size)
    untouched = CustomerFactory(occupation="教师")

    assert bulk_update_rows(CustomerProfile, fields=["occupation", "age"],
                            rows=[(c.pk, f"job {c.pk}", 50) for c in customers]) == size

    assert {(c.occupation, c.age) for c in CustomerProfile.objects.filter(pk__in=[c.pk for c in customers])} == {
        (f"job {c.pk}", 50) for c in customers
    }
    untouched.refresh_from_db()
    assert untouched.occupation == "教师"


def test_a_few_rows_are_updated_in_one_query():
    customers = CustomerFactory.create_batch(3)

    with CaptureQueriesContext(connection) as queries:
        bulk_update_rows(CustomerProfile, fields=["segment"], rows=[(c.pk, 2) for c in customers])

    assert len(queries) == 1


def test_replacing_links_deletes_nothing_for_created_owners():
    services = ServiceFactory.create_batch(2)
    old, new = CustomerFactory(needs=services[:1]), CustomerFactory()

    with CaptureQueriesContext(connection) as queries:
        m2m_links_replace(CustomerProfile.needs, {new.pk: {services[1].pk}}, created=[new.pk])
    assert not any("DELETE" in query["sql"] for query in queries)

    m2m_links_replace(CustomerProfile.needs, {old.pk: {services[1].pk}, new.pk: {services[0].pk}}, created=[])
    assert m2m_links_load(CustomerProfile.needs, owner_ids=[old.pk, new.pk]) == {
        old.pk: {services[1].pk}, new.pk: {services[0].pk},
    }


def test_text_with_quotes_backslashes_and_placeholders_is_stored_as_given(backend):
    names = ["O'Brien", 'say "hi"', "back\\slash", "100%s %d %%", "鲍勃 🐼", "line\nbreak", "--; DROP TABLE x", ""]
    rows = [(f"t{i}", f"t{i}", name, Role.CUSTOMER, "!x") for i, name in enumerate(names)]

    ids = bulk_insert_with_ids(User, fields=["username", "username_key", "name", "role", "password"], rows=rows,
                               key_field="username_key")

    assert [User.objects.get(pk=pk).name for pk in ids] == names


def test_links_are_inserted_for_many_owners_at_once(monkeypatch):
    monkeypatch.setattr(bulk, "BATCH_SIZE", 3)
    services = ServiceFactory.create_batch(2)
    customers = CustomerFactory.create_batch(4)

    assert bulk.m2m_links_add(CustomerProfile.needs, [(c.pk, s.pk) for c in customers for s in services]) == 8

    assert m2m_links_load(CustomerProfile.needs, owner_ids=[c.pk for c in customers]) == {
        c.pk: {s.pk for s in services} for c in customers
    }


def test_values_give_every_row_the_same_field_value(backend):
    ids = bulk_insert_with_ids(User, fields=["username", "username_key", "password"],
                               rows=[("v1", "v1", "!a"), ("v2", "v2", "!b")], key_field="username_key",
                               values={"role": Role.ADMIN, "is_staff": True})

    assert list(User.objects.filter(pk__in=ids).values_list("username", "role", "is_staff", "is_active")) == [
        ("v1", "admin", True, True), ("v2", "admin", True, True),
    ]


def test_links_load_a_query_per_batch_of_owners(monkeypatch):
    monkeypatch.setattr(bulk, "BATCH_SIZE", 2)
    services = ServiceFactory.create_batch(2)
    customers = [CustomerFactory(needs=services[: i % 3]) for i in range(5)]

    with CaptureQueriesContext(connection) as queries:
        links = m2m_links_load(CustomerProfile.needs, owner_ids=[c.pk for c in customers])

    assert len(queries) == 3
    assert links == {c.pk: {s.pk for s in services[: i % 3]} for i, c in enumerate(customers) if i % 3}


def test_long_rows_are_split_into_statements_of_bounded_size(backend, monkeypatch):
    monkeypatch.setattr(bulk, "STATEMENT_CHARS", 300)
    rows = [(f"long{i}", f"long{i}", "名" * 100, Role.CUSTOMER, "!x") for i in range(6)]

    ids = bulk_insert_with_ids(User, fields=["username", "username_key", "name", "role", "password"], rows=rows,
                               key_field="username_key")

    assert [User.objects.get(pk=pk).username for pk in ids] == [f"long{i}" for i in range(6)]
    assert bulk._statement_chunks(["x" * 200] * 3) == [["x" * 200]] * 3
    assert bulk._statement_chunks(["x"] * 5) == [["x"] * 5]
