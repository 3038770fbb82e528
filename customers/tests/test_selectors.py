"""Read-side rules of customers.selectors (and the sort order of customers.filters) that pages and the API share."""
import pytest

from customers.filters import customer_ordering
from customers.models import CustomerProfile
from customers.selectors import customer_list, customer_term_names
from customers.tests.factories import CustomerFactory
from vocabularies.tests.factories import HobbyFactory, ServiceFactory


@pytest.mark.parametrize(("columns", "expected"), [
    (["user__username"], ["user__username"]),  # unique: nothing to break, and the index serves the page
    (["-user__username"], ["-user__username"]),
    (["user__name", "user__username"], ["user__name", "user__username"]),
    (["age"], ["age", "pk"]),
    (["-total_assets"], ["-total_assets", "-pk"]),
])
def test_ties_are_broken_by_the_key_unless_the_order_is_already_unique(columns, expected):
    assert customer_ordering(columns) == expected


@pytest.fixture
def named_customers(db):
    """A customer with needs out of vocabulary order (乙 is ordered after 甲) and a hobby, and one with neither."""
    late, early = ServiceFactory(order=9, name="乙"), ServiceFactory(order=1, name="甲")
    hobby = HobbyFactory()
    return CustomerFactory(needs=[late, early], hobbies=[hobby]), CustomerFactory(needs=[], hobbies=[]), hobby


def test_term_names_come_in_vocabulary_order_in_one_query(named_customers, django_assert_num_queries):
    first, second, hobby = named_customers
    with django_assert_num_queries(3):  # the links, and each vocabulary once into the cache
        customer_term_names([first.pk])

    with django_assert_num_queries(1):
        names = customer_term_names([first.pk, second.pk])

    assert names["needs"][first.pk] == ["甲", "乙"]
    assert names["hobbies"][first.pk] == [hobby.name]
    assert names["needs"].get(second.pk, []) == []


def test_list_rows_carry_their_terms_in_vocabulary_order_in_three_queries(
    named_customers, django_assert_num_queries
):
    """The rows, then each relation: a term renamed in another process is named anew by the next page."""
    first, second, hobby = named_customers

    with django_assert_num_queries(3):
        rows = list(customer_list(queryset=CustomerProfile.objects.order_by("user_id")))
        names = [([t.name for t in row.needs.all()], [t.name for t in row.hobbies.all()]) for row in rows]

    assert names == [(["甲", "乙"], [hobby.name]), ([], [])]
    type(hobby).objects.filter(pk=hobby.pk).update(name="新名字")  # no signal, no cache to drop
    [again] = customer_list(queryset=CustomerProfile.objects.filter(pk=first.pk))
    assert [t.name for t in again.hobbies.all()] == ["新名字"]
