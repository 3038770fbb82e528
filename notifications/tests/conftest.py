"""A small bank for the notifications' tests: a customer served by `manager_a` who fits `manager_b` better."""
import pytest

from accounts.models import Role
from accounts.tests.factories import UserFactory
from customers.tests.factories import CustomerFactory
from managers.tests.factories import ManagerFactory


@pytest.fixture
def manager_a(services, hobbies):
    """Shares nothing with the customers below."""
    return ManagerFactory(capabilities=services[4:], hobbies=hobbies[4:], user__name="Anna", capacity=10)


@pytest.fixture
def manager_b(services, hobbies):
    """Offers what the customers below need and shares their hobbies."""
    return ManagerFactory(capabilities=services[:3], hobbies=hobbies[:3], user__name="Bo", capacity=10)


@pytest.fixture
def moving(manager_a, manager_b, services, hobbies):
    """A customer served by `manager_a` (not locked): a rebalancing run moves them to `manager_b`."""
    return CustomerFactory(needs=services[:2], hobbies=hobbies[1:3], manager=manager_a, user__name="Chen")


@pytest.fixture
def admin():
    return UserFactory(username="bank_admin", role=Role.ADMIN, is_staff=True)
