"""Fixtures shared by every app's tests; the factories behind them live in portrait/testing.py."""
import pytest

from portrait.testing import CustomerFactory, HobbyFactory, ManagerFactory, ServiceFactory

pytest_plugins = ["core.testing.browser"]  # `browser` and `page` fixtures for the real-browser tests


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
