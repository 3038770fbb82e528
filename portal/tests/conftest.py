"""People for the portal's tests: two customers, each with their own manager, and an administrator."""
import pytest

from accounts.models import Role
from accounts.tests.factories import UserFactory
from customers.tests.factories import CustomerFactory
from managers.tests.factories import ManagerFactory


@pytest.fixture
def other_manager(services, hobbies):
    return ManagerFactory(capabilities=services[2:], hobbies=hobbies[3:], user__name="李经理")


@pytest.fixture
def own_customer(manager, services, hobbies):
    """A customer served by `manager`."""
    return CustomerFactory(  # a fixed age: tests that change it must see a change, whatever the factory draws
        needs=services[:2], hobbies=hobbies[1:3], manager=manager, user__name="张三", customer_class="B", age=40,
    )


@pytest.fixture
def other_customer(other_manager, services, hobbies):
    """A customer served by `other_manager`."""
    return CustomerFactory(needs=services[3:], hobbies=hobbies[3:], manager=other_manager, user__name="王五")


@pytest.fixture
def console_admin():
    return UserFactory(username="bank_admin", role=Role.ADMIN, is_staff=True)


@pytest.fixture
def user_by_role(manager, other_manager, own_customer, other_customer, console_admin):
    """Role name -> the user signed in as that role (None: anonymous)."""
    return {
        "anonymous": None,
        "customer": own_customer.user,
        "other_customer": other_customer.user,
        "manager": manager.user,
        "other_manager": other_manager.user,
        "admin": console_admin,
    }
