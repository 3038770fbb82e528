"""The shared fixtures give profiles ids apart from their users' ids (and manager profiles ids apart from
customer profiles'), so a book filtered by the wrong id finds no one and its test fails.

Each surface's own fixtures are checked beside them: `api/tests`, `portal/tests` and `console/tests`.
"""
import pytest

from accounts.tests.factories import UserFactory
from api.tests.conftest import TwoBooks
from customers.models import CustomerProfile
from customers.tests.factories import CustomerFactory
from managers.models import ManagerProfile
from managers.tests.factories import ManagerFactory
from matching.tests.conftest import Portraits

pytestmark = pytest.mark.django_db


def assert_ids_apart(*profiles):
    """No profile shares its id with any user of these profiles, nor with a profile of the other kind."""
    user_ids = {profile.user_id for profile in profiles}
    customer_ids = {profile.pk for profile in profiles if isinstance(profile, CustomerProfile)}
    manager_ids = {profile.pk for profile in profiles if isinstance(profile, ManagerProfile)}
    assert not (customer_ids | manager_ids) & user_ids
    assert not customer_ids & manager_ids


def test_the_root_fixtures(manager, customer):
    assert_ids_apart(manager, customer)


def test_factories_called_first_thing(services):
    first_manager = ManagerFactory()
    first_customer = CustomerFactory(manager=first_manager)

    assert_ids_apart(first_manager, first_customer)


def test_profiles_made_after_other_users(services):
    UserFactory.create_batch(3)

    assert_ids_apart(ManagerFactory(), ManagerFactory(), CustomerFactory(), CustomerFactory())


def test_the_api_fixture(services, hobbies):
    books = TwoBooks(services, hobbies)

    assert_ids_apart(books.manager, books.other_manager, books.customer, books.other_customer)


def test_the_matching_builders():
    portraits = Portraits()
    manager = portraits.manager("m1")
    customer = portraits.customer("c1", manager=manager)

    assert_ids_apart(manager, customer)


@pytest.mark.django_db(transaction=True)
def test_a_transactional_test_too(manager, customer):
    assert_ids_apart(manager, customer)
