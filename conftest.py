"""Fixtures shared by every app's tests; the factories behind them live in <app>/tests/factories.py."""
import pytest
from django.core.cache import cache

from customers.tests.factories import CustomerFactory
from managers.tests.factories import ManagerFactory
from vocabularies.tests.factories import HobbyFactory, ServiceFactory

pytest_plugins = ["core.testing.browser"]  # `browser` and `page` fixtures for the real-browser tests


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache (the dashboard's figures are cached between requests)."""
    cache.clear()


@pytest.fixture
def services():
    """Five services, in vocabulary order."""
    return ServiceFactory.create_batch(5)


@pytest.fixture
def hobbies():
    """Five hobbies, in vocabulary order."""
    return HobbyFactory.create_batch(5)


@pytest.fixture
def manager(services, hobbies):
    """An accepting manager offering the first three services and sharing the first three hobbies."""
    return ManagerFactory(capabilities=services[:3], hobbies=hobbies[:3])


@pytest.fixture
def customer(services, hobbies):
    """A customer without a manager, needing two services and having two hobbies."""
    return CustomerFactory(needs=services[:2], hobbies=hobbies[1:3])


@pytest.fixture
def superuser(django_user_model):
    """A superuser (role admin, as createsuperuser makes them)."""
    return django_user_model.objects.create_superuser("root", "root@example.com", "root-password")


@pytest.fixture
def superuser_client(client, superuser):
    client.force_login(superuser)
    return client
