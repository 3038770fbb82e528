"""core.bulk: many rows' columns in a constant number of queries, ids back on every backend, m2m links."""
from datetime import datetime, timezone

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Role, User
from accounts.tests.factories import UserFactory
from core.bulk import (
    STATISTICS_AFTER_ROWS,
    bulk_create_with_ids,
    bulk_insert,
    bulk_set,
    m2m_links_add,
    m2m_links_load,
    m2m_links_replace,
    refresh_statistics,
)
from customers.tests.factories import CustomerFactory
from vocabularies.tests.factories import HobbyFactory, ServiceFactory
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


class TestBulkCreateWithIds:
    @pytest.fixture(params=["returns ids", "returns none"])
    def backend(self, request, monkeypatch):
        """Both kinds of backend on any database: MySQL's bulk inserts return no ids."""
        if request.param == "returns none":
            monkeypatch.setattr(type(connection.features), "can_return_rows_from_bulk_insert", False)
        return request.param

    def test_every_instance_gets_its_id(self, backend):
        users = bulk_create_with_ids(
            User, [User(username=f"bulk{i}", role=Role.CUSTOMER) for i in range(3)], key_field="username"
        )

        assert [user.pk for user in users] == [User.objects.get(username=f"bulk{i}").pk for i in range(3)]
        assert not any(user._state.adding for user in users)

    def test_profiles_by_their_user(self, backend):
        user = UserFactory()

        [profile] = bulk_create_with_ids(CustomerProfile, [CustomerProfile(user=user, age=30)], key_field="user")

        assert profile.pk == CustomerProfile.objects.get(user=user).pk


class TestManyToManyLinks:
    def test_replace_sets_exactly_the_given_links_and_leaves_other_owners_alone(self):
        services = ServiceFactory.create_batch(3)
        first, second = CustomerFactory(needs=services[:2]), CustomerFactory(needs=services[:1])

        m2m_links_replace(CustomerProfile.needs, {first.pk: {services[2].pk}})

        assert m2m_links_load(CustomerProfile.needs, owner_ids=[first.pk, second.pk]) == {
            first.pk: {services[2].pk}, second.pk: {services[0].pk},
        }

    def test_add_inserts_pairs_and_accepts_the_field_or_the_descriptor(self):
        hobbies = HobbyFactory.create_batch(2)
        customer = CustomerFactory()

        assert m2m_links_add(CustomerProfile.hobbies.field, [(customer.pk, hobbies[0].pk)]) == 1
        m2m_links_add(CustomerProfile.hobbies, [(customer.pk, hobbies[1].pk)])

        assert set(customer.hobbies.all()) == set(hobbies)

    def test_owners_without_links_are_absent(self):
        customer = CustomerFactory()

        assert m2m_links_load(CustomerProfile.needs, owner_ids=[customer.pk]) == {}
        assert m2m_links_load(CustomerProfile.needs, owner_ids=[]) == {}


# --- statistics after bulk loads -------------------------------------------------------------------------------


def test_statistics_are_refreshed_only_after_enough_rows_and_only_at_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        assert refresh_statistics([CustomerProfile], rows=STATISTICS_AFTER_ROWS - 1) is False
    assert callbacks == []

    with django_capture_on_commit_callbacks() as callbacks:
        assert refresh_statistics([CustomerProfile], rows=STATISTICS_AFTER_ROWS) is True
    assert len(callbacks) == 1  # ANALYZE would commit the caller's transaction on MySQL: it waits for the commit


@pytest.mark.django_db(transaction=True)
def test_refreshed_statistics_reach_the_planner():
    """ANALYZE runs on the profile table and its many-to-many tables, on every backend."""
    CustomerFactory(needs=[ServiceFactory()], hobbies=[HobbyFactory()])
    tables = ["customers_customerprofile", "customers_customerprofile_needs", "customers_customerprofile_hobbies"]
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite" and _statistics_times(tables) != dict.fromkeys(tables):
            cursor.execute("DELETE FROM sqlite_stat1")  # an earlier test's ANALYZE: start from none
        elif connection.vendor == "mysql":
            # MySQL keeps the time of the last analysis to the second: date the current statistics back,
            # rather than wait for the clock, so an analysis now shows whatever the second.
            cursor.execute(
                "UPDATE mysql.innodb_table_stats SET last_update = '2000-01-01 00:00:00' "
                "WHERE database_name = DATABASE() AND table_name IN (%s, %s, %s)",
                tables,
            )
    before = _statistics_times(tables)

    refresh_statistics([CustomerProfile], rows=STATISTICS_AFTER_ROWS)  # outside a transaction: now

    after = _statistics_times(tables)
    assert all(after[table] is not None and after[table] != before.get(table) for table in tables)


def _statistics_times(tables):
    """When each table's statistics were last computed (SQLite: whether it has any, as the stat row's text)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE name = 'sqlite_stat1'")
            if not cursor.fetchall():
                return dict.fromkeys(tables)
            cursor.execute("SELECT tbl, group_concat(stat) FROM sqlite_stat1 GROUP BY tbl")
        else:
            cursor.execute(
                "SELECT table_name, last_update FROM mysql.innodb_table_stats WHERE database_name = DATABASE()"
            )
        found = dict(cursor.fetchall())
    return {table: found.get(table) for table in tables}
