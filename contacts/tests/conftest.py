"""People for the contact log's tests: two managers with a customer each, a customer's own account, an admin."""
import pytest

from accounts.models import Role
from accounts.tests.factories import UserFactory
from customers.tests.factories import CustomerFactory
from managers.tests.factories import ManagerFactory


@pytest.fixture
def rm():
    return ManagerFactory(user__username="rm_wang", user__name="王芳")


@pytest.fixture
def other_rm():
    return ManagerFactory(user__username="rm_li", user__name="李强")


@pytest.fixture
def client_of_rm(rm):
    """A customer served by `rm`."""
    return CustomerFactory(user__username="zhang_san", user__name="张三", manager=rm)


@pytest.fixture
def client_of_other(other_rm):
    """A customer served by `other_rm`."""
    return CustomerFactory(user__username="wang_wu", user__name="王五", manager=other_rm)


@pytest.fixture
def bank_admin():
    return UserFactory(username="contacts_admin", role=Role.ADMIN, is_staff=True)


@pytest.fixture
def signed_in(client):
    """`signed_in(user)`: the test client, signed in as `user`."""

    def sign_in(user):
        client.force_login(user)
        return client

    return sign_in
