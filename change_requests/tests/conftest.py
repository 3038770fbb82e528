"""A small bank for the requests: `asker` served by `current` (full), three other managers with room,
one full, one not accepting; an admin (`decider`) and clients signed in as each."""
from __future__ import annotations

from types import SimpleNamespace

import pytest

from accounts.tests.factories import UserFactory
from customers.tests.factories import CustomerFactory
from managers.tests.factories import ManagerFactory


@pytest.fixture
def bank(services, hobbies):
    current = ManagerFactory(capabilities=services[:1], hobbies=hobbies[:1], capacity=1, user__name="周经理")
    asker = CustomerFactory(needs=services[:3], hobbies=hobbies[:2], manager=current, user__name="李明")
    best = ManagerFactory(capabilities=services[:3], hobbies=hobbies[:2], capacity=3, user__name="王经理")
    second = ManagerFactory(capabilities=services[:2], hobbies=hobbies[:1], capacity=3, user__name="陈经理")
    third = ManagerFactory(capabilities=services[:1], capacity=3, user__name="赵经理")
    full = ManagerFactory(capabilities=services[:3], hobbies=hobbies[:2], capacity=1, user__name="满经理")
    CustomerFactory(manager=full)
    away = ManagerFactory(capabilities=services[:3], hobbies=hobbies[:2], accepting_customers=False)
    other = CustomerFactory(needs=services[:1], manager=second)
    return SimpleNamespace(
        current=current, asker=asker, best=best, second=second, third=third, full=full, away=away, other=other,
        decider=UserFactory(admin=True, username="decider"),
    )


@pytest.fixture
def signed_in(client):
    """`signed_in(user)`: the test client, signed in as `user`."""

    def sign_in(user):
        client.force_login(user)
        return client

    return sign_in
