"""A customer's log, newest first; a manager's follow-ups due: the latest contact per customer of their book
when its date has come, in one query."""
import datetime

import pytest
from django.utils import timezone

from contacts.selectors import contact_list, follow_ups_due
from customers.tests.factories import CustomerFactory
from managers.tests.factories import ManagerFactory

from .factories import ContactFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 12, 7)


def _at(days_ago: int, hour: int = 10) -> datetime.datetime:
    day = TODAY - datetime.timedelta(days=days_ago)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _day(offset: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=offset)


def test_a_customers_log_is_newest_first(rm, client_of_rm, client_of_other):
    old = ContactFactory(customer=client_of_rm, contacted_at=_at(5))
    new = ContactFactory(customer=client_of_rm, contacted_at=_at(1))
    ContactFactory(customer=client_of_other)

    assert list(contact_list(customer=client_of_rm)) == [new, old]


def test_follow_ups_due_today_and_overdue_come_overdue_first(rm):
    today, overdue, later, none = (CustomerFactory(manager=rm, user__username=f"c{i}") for i in range(4))
    due_today = ContactFactory(customer=today, contacted_at=_at(7), next_follow_up=_day(0))
    due_before = ContactFactory(customer=overdue, contacted_at=_at(9), next_follow_up=_day(-2))
    ContactFactory(customer=later, contacted_at=_at(1), next_follow_up=_day(1))
    ContactFactory(customer=none, contacted_at=_at(1))

    assert list(follow_ups_due(manager=rm, today=TODAY)) == [due_before, due_today]


def test_a_later_contact_supersedes_the_follow_up(rm, client_of_rm):
    ContactFactory(customer=client_of_rm, contacted_at=_at(10), next_follow_up=_day(-3))
    ContactFactory(customer=client_of_rm, contacted_at=_at(2))  # called back, nothing planned

    assert list(follow_ups_due(manager=rm, today=TODAY)) == []

    rescheduled = ContactFactory(customer=client_of_rm, contacted_at=_at(1), next_follow_up=_day(0))
    assert list(follow_ups_due(manager=rm, today=TODAY)) == [rescheduled]


def test_the_same_moment_is_decided_by_the_later_entry(rm, client_of_rm):
    ContactFactory(customer=client_of_rm, contacted_at=_at(3), next_follow_up=_day(-1))
    last = ContactFactory(customer=client_of_rm, contacted_at=_at(3), channel="visit", next_follow_up=_day(0))

    assert list(follow_ups_due(manager=rm, today=TODAY)) == [last]


def test_follow_ups_belong_to_the_customers_current_manager(rm, other_rm, client_of_rm, client_of_other):
    inherited = ContactFactory(customer=client_of_rm, manager=other_rm, contacted_at=_at(4), next_follow_up=_day(-1))
    ContactFactory(customer=client_of_other, contacted_at=_at(4), next_follow_up=_day(-1))

    assert list(follow_ups_due(manager=rm, today=TODAY)) == [inherited]
    assert [c.customer for c in follow_ups_due(manager=other_rm, today=TODAY)] == [client_of_other]


@pytest.mark.parametrize("size", [2, 25])
def test_follow_ups_cost_one_query_whatever_the_book(rm, size, django_assert_num_queries):
    for i in range(size):
        customer = CustomerFactory(manager=rm, user__username=f"book_{i}")
        ContactFactory(customer=customer, contacted_at=_at(5), next_follow_up=_day(-1))
        ContactFactory(customer=customer, contacted_at=_at(3), next_follow_up=_day(0))

    with django_assert_num_queries(1):
        due = list(follow_ups_due(manager=rm, today=TODAY))
        names = [(c.customer.user.display_name, c.manager.user.username) for c in due]
    assert len(names) == size


@pytest.mark.parametrize("size", [2, 25])
def test_a_log_costs_one_query_whatever_its_length(rm, client_of_rm, size, django_assert_num_queries):
    other = ManagerFactory()
    for i in range(size):
        ContactFactory(customer=client_of_rm, manager=other if i % 2 else rm, contacted_at=_at(i + 1))

    with django_assert_num_queries(1):
        assert len({c.manager.user.display_name for c in contact_list(customer=client_of_rm)}) == 2
