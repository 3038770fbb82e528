"""Querysets compiled once per shape (`core.statements`): the ORM's rows, without building the queryset again."""
from datetime import date
from decimal import Decimal

import pytest

from accounts.models import User
from core.statements import PreparedQueries
from customers.models import CustomerProfile
from customers.tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


class Counted:
    """A build function that counts its calls."""

    def __init__(self, build):
        self.build, self.calls = build, 0

    def __call__(self, shape, values):
        self.calls += 1
        return self.build(shape, values)


def customer_rows(shape, values):
    """Rows of customers, one lookup per name in `shape`."""
    rows = CustomerProfile.objects.values("user_id", "user__username", "age", "total_assets", "created_at")
    return rows.filter(**{lookup: values[lookup] for lookup in shape}).order_by("user_id")


@pytest.fixture
def three():
    return [
        CustomerFactory(age=30, total_assets=Decimal("10.50")),
        CustomerFactory(age=40, total_assets=Decimal("2000.00")),
        CustomerFactory(age=40, total_assets=Decimal("30000.25")),
    ]


def test_rows_are_the_orms_for_every_value_and_the_queryset_is_built_only_to_prepare(three):
    build = Counted(customer_rows)
    prepared = PreparedQueries(build)
    shape = ("age__gte", "total_assets__lte", "user__username")

    for values in ({"age__gte": 40, "total_assets__lte": Decimal("2000"), "user__username": three[1].user.username},
                   {"age__gte": 30, "total_assets__lte": Decimal("1E+6"), "user__username": three[0].user.username},
                   {"age__gte": 99, "total_assets__lte": Decimal("1"), "user__username": "nobody"}):
        rows = prepared.rows(shape, values)
        assert rows == list(customer_rows(shape, values))
    assert [row["user_id"] for row in prepared.rows(("age__gte",), {"age__gte": 35})] == [c.user_id for c in three[1:]]
    assert build.calls == 4  # two stand-in compiles per shape, then never again
    assert prepared.shapes() == {shape: True, ("age__gte",): True}
    assert prepared.rows(shape, {**values, "user__username": three[2].user.username}) == []  # age 99


def test_values_come_back_converted_as_the_orm_converts_them(three):
    prepared = PreparedQueries(customer_rows)

    row = prepared.rows(("age",), {"age": 30})[0]

    assert row["created_at"] == three[0].created_at and row["created_at"].tzinfo is not None
    assert row["total_assets"] == Decimal("10.50") and isinstance(row["total_assets"], Decimal)


def test_a_prepared_shape_runs_one_query(three, django_assert_num_queries):
    prepared = PreparedQueries(customer_rows)
    prepared.rows(("age",), {"age": 30})

    with django_assert_num_queries(1):
        assert len(prepared.rows(("age",), {"age": 40})) == 2


@pytest.mark.parametrize("shape, values, expected", [
    # the ORM rewrites the value (LIKE with wildcards and escapes)
    (("user__username__icontains",), {"user__username__icontains": "ustomer_"}, 3),
    (("user__username__startswith",), {"user__username__startswith": "customer_"}, 3),
    # a type the stand-ins do not cover
    (("created_at__date__gte",), {"created_at__date__gte": date(2000, 1, 1)}, 3),
])
def test_what_the_check_cannot_prove_is_built_by_the_orm_on_every_call(three, shape, values, expected):
    build = Counted(customer_rows)
    prepared = PreparedQueries(build)

    assert len(prepared.rows(shape, values)) == expected
    assert prepared.rows(shape, values) == list(customer_rows(shape, values))
    assert prepared.shapes() == {shape: False}
    assert build.calls >= 2  # the ORM for each call


def test_a_value_that_changes_the_sql_is_never_bound(three):
    """A slice's bounds are written into the SQL (LIMIT 2): each stand-in compiles to other SQL."""
    prepared = PreparedQueries(lambda shape, values: customer_rows((), values)[: values["limit"]])

    assert len(prepared.rows("first", {"limit": 2})) == 2
    assert len(prepared.rows("first", {"limit": 1})) == 1
    assert prepared.shapes() == {"first": False}


def test_a_value_the_build_transforms_is_never_bound(three):
    prepared = PreparedQueries(lambda shape, values: customer_rows(("age",), {"age": values["age"] + 10}))

    assert [row["user_id"] for row in prepared.rows("older", {"age": 30})] == [c.user_id for c in three[1:]]
    assert prepared.shapes() == {"older": False}


def test_a_value_of_another_type_than_when_prepared_is_left_to_the_orm(three):
    """None would bind as `= NULL`, where the ORM writes IS NULL: such a call never uses the statement."""
    CustomerProfile.objects.filter(pk=three[0].pk).update(segment=None)
    CustomerProfile.objects.filter(pk__in=[c.pk for c in three[1:]]).update(segment=4)
    prepared = PreparedQueries(lambda shape, values: CustomerProfile.objects.filter(segment=values["segment"])
                               .order_by("pk").values("pk"))

    assert prepared.rows("by segment", {"segment": 4}) == [{"pk": c.pk} for c in three[1:]]
    assert prepared.rows("by segment", {"segment": None}) == [{"pk": three[0].pk}]
    assert prepared.shapes() == {"by segment": True}


def test_model_instances_are_the_orms(three):
    prepared = PreparedQueries(lambda shape, values: User.objects.filter(pk=values["id"]))
    user = three[1].user

    (read,) = prepared.rows("by id", {"id": user.pk})

    expected = User.objects.get(pk=user.pk)
    fields = [field.attname for field in User._meta.concrete_fields]
    assert [getattr(read, name) for name in fields] == [getattr(expected, name) for name in fields]
    assert read._state.adding is False and read._state.db == "default"
    assert prepared.rows("by id", {"id": 0}) == []
    assert prepared.shapes() == {"by id": True}


def test_instances_with_related_rows_are_left_to_the_orm(three):
    prepared = PreparedQueries(
        lambda shape, values: CustomerProfile.objects.select_related("user").filter(user_id=values["id"])
    )

    (read,) = prepared.rows("with user", {"id": three[0].user_id})

    assert read.user.username == three[0].user.username
    assert prepared.shapes() == {"with user": False}


def test_an_empty_queryset_runs_no_query(three, django_assert_num_queries):
    prepared = PreparedQueries(lambda shape, values: CustomerProfile.objects.filter(age=values["age"]).none())

    with django_assert_num_queries(0):
        assert prepared.rows("none", {"age": 30}) == []
    assert prepared.shapes() == {"none": False}


def test_the_least_recently_used_shapes_go_beyond_the_size(three):
    prepared = PreparedQueries(customer_rows, size=2)

    prepared.rows(("age",), {"age": 30})
    prepared.rows(("age__gte",), {"age__gte": 30})
    prepared.rows(("age",), {"age": 40})  # used again: kept
    prepared.rows(("age__lte",), {"age__lte": 30})

    assert set(prepared.shapes()) == {("age",), ("age__lte",)}
