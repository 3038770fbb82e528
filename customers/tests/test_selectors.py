"""Read-side rules of customers.selectors that pages and the API share."""
import pytest

from customers.selectors import customer_ordering, customer_term_names
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


@pytest.mark.django_db
def test_term_names_come_in_vocabulary_order_in_one_query(django_assert_num_queries):
    late, early = ServiceFactory(order=9, name="乙"), ServiceFactory(order=1, name="甲")
    hobby = HobbyFactory()
    first = CustomerFactory(needs=[late, early], hobbies=[hobby])
    second = CustomerFactory(needs=[], hobbies=[])
    with django_assert_num_queries(3):  # the links, and each vocabulary once into the cache
        customer_term_names([first.pk])

    with django_assert_num_queries(1):
        names = customer_term_names([first.pk, second.pk])

    assert names["needs"][first.pk] == ["甲", "乙"]
    assert names["hobbies"][first.pk] == [hobby.name]
    assert names["needs"].get(second.pk, []) == []
