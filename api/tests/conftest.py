"""Who every API test acts as (`two_books`: two managers, a customer of each, an admin), and a client that
signs in with a JWT access token."""
from __future__ import annotations

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

from accounts.tests.factories import UserFactory
from customers.tests.factories import CustomerFactory
from managers.tests.factories import ManagerFactory


@pytest.fixture(autouse=True)
def _fresh_throttles():
    cache.clear()  # sign-in rate limits count per test, not across the whole run
    yield
    cache.clear()


def bearer(user) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {RefreshToken.for_user(user).access_token}"}


class TwoBooks:
    """customer (served by manager), other_customer (served by other_manager), both managers, an admin."""

    def __init__(self, services, hobbies):
        self.manager = ManagerFactory(capabilities=services[:3], hobbies=hobbies[:3], capacity=5)
        self.other_manager = ManagerFactory(capabilities=services[2:], hobbies=hobbies[2:], capacity=5)
        # A fixed age: the tests that change it to 41 must see a change, whatever the factory would draw.
        self.customer = CustomerFactory(needs=services[:2], hobbies=hobbies[:1], manager=self.manager, age=40)
        self.other_customer = CustomerFactory(needs=services[3:], hobbies=hobbies[3:], manager=self.other_manager)
        self.admin = UserFactory(admin=True, username="bank_admin")

    def user(self, role: str | None):
        return {
            None: None,
            "customer": self.customer.user,
            "other_customer": self.other_customer.user,
            "manager": self.manager.user,
            "other_manager": self.other_manager.user,
            "admin": self.admin,
        }[role]


@pytest.fixture
def two_books(services, hobbies) -> TwoBooks:
    return TwoBooks(services, hobbies)


@pytest.fixture
def api():
    """`api(user)`: an APIClient authenticated as `user` with a JWT (anonymous for None)."""

    def make(user=None) -> APIClient:
        client = APIClient()
        if user is not None:
            client.credentials(**bearer(user))
        return client

    return make
