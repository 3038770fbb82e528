"""Fixtures shared by every app's tests; the factories behind them live in <app>/tests/factories.py."""
import zlib

import factory.random
import pytest
from django.core.cache import cache
from django.db.models import Max
from django.utils import translation

from core.testing.hypothesis import load_profile
from customers.tests.factories import CustomerFactory
from managers.tests.factories import ManagerFactory
from vocabularies.tests.factories import HobbyFactory, ServiceFactory

pytest_plugins = ["core.testing.browser"]  # `browser` and `page` fixtures for the real-browser tests

load_profile()  # Hypothesis: derandomized (`ci`) unless HYPOTHESIS_PROFILE=nightly (docs/testing.md)


#: How far apart the id sequences start in each test: users from 2001 on, manager profiles from 1001 on,
#: customer profiles from 1 on (with fewer than a thousand rows of each, no two kinds share an id).
USER_ID_GAP = 2000
MANAGER_PROFILE_ID_GAP = 1000


@pytest.fixture(autouse=True)
def _profile_ids_apart_from_user_ids(request):
    """In every test that uses the database, a profile's id differs from its user's id, and manager profile
    ids from customer profile ids, on every backend: a book filtered by the wrong id then finds no one.

    Created managers before any other user would otherwise give profile and user the same id (SQLite
    even reuses ids after each test's rollback). An unrelated user with a manager profile is written at
    ids far ahead, then deleted: the sequences stay ahead, no row is left behind.
    """
    if "_django_db_helper" not in request.fixturenames and not request.node.get_closest_marker("django_db"):
        return
    request.getfixturevalue("_django_db_helper")
    from accounts.models import Role, User
    from managers.models import ManagerProfile

    top_user = User.objects.aggregate(top=Max("pk"))["top"] or 0
    top_manager = ManagerProfile.objects.aggregate(top=Max("pk"))["top"] or 0
    unrelated = User.objects.create(pk=top_user + USER_ID_GAP, username="unrelated-id-spacer", role=Role.MANAGER)
    ManagerProfile.objects.create(pk=top_manager + MANAGER_PROFILE_ID_GAP, user=unrelated)
    unrelated.delete()


@pytest.fixture(autouse=True)
def _seeded_factories(request):
    """factory_boy and Faker draw the same values for a test each time it runs, alone or in the suite."""
    factory.random.reseed_random(zlib.crc32(request.node.nodeid.encode()))


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache (the dashboard's figures are cached between requests)."""
    cache.clear()


@pytest.fixture(autouse=True)
def _default_language():
    """Each test ends in the settings' language: a request activates the one it asks for (LocaleMiddleware does
    not undo it), and in one process without workers the next test would read Chinese."""
    yield
    translation.deactivate()


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
