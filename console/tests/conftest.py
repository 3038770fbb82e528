"""A small bank for console tests, and signed-in clients for each role."""

import pytest
from django.test import Client

from accounts.models import Role
from matching.tests.conftest import HOBBIES, SERVICES, Portraits
from accounts.tests.factories import UserFactory


@pytest.fixture
def bank(db):
    """Two managers (room for 2 and 3) and five customers: two served by m1, three without a manager."""
    portraits = Portraits()
    m1 = portraits.manager("m1", capabilities=SERVICES[:4], hobbies=HOBBIES[:4], capacity=2)
    m2 = portraits.manager("m2", capabilities=SERVICES[4:8], hobbies=HOBBIES[4:8], capacity=3)
    customers = {
        "alice": portraits.customer(
            "alice", needs=SERVICES[:3], hobbies=HOBBIES[:2], manager=m1, age=30, assets="50000.00"
        ),
        "bob": portraits.customer("bob", needs=SERVICES[:2], manager=m1, age=45, assets="250000.00"),
        "carol": portraits.customer("carol", needs=SERVICES[4:7], hobbies=HOBBIES[4:6], age=60, assets="900000.00"),
        "dave": portraits.customer("dave", needs=SERVICES[5:6], age=25, assets="10000.00"),
        "erin": portraits.customer("erin", needs=SERVICES[:1], hobbies=HOBBIES[4:5], age=52, assets="120000.00"),
    }
    return {"m1": m1, "m2": m2, "customers": customers, "portraits": portraits}


@pytest.fixture
def console_admin_client(db):
    client = Client()
    client.force_login(UserFactory(username="boss", admin=True))
    return client


@pytest.fixture
def manager_client(bank):
    client = Client()
    client.force_login(bank["m1"].user)
    return client


@pytest.fixture
def customer_client(bank):
    client = Client()
    client.force_login(bank["customers"]["alice"].user)
    return client


@pytest.fixture
def plain_admin_client(db):
    """Role admin without the superuser flag: the console is theirs too."""
    client = Client()
    client.force_login(UserFactory(username="ops", role=Role.ADMIN, is_staff=True))
    return client
