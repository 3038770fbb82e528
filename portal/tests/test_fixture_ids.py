"""The portal's fixtures give profiles ids apart from their users' ids: a book filtered by the wrong id fails."""
import pytest

from portrait.tests.test_fixture_ids import assert_ids_apart

pytestmark = pytest.mark.django_db


def test_the_portal_fixtures(user_by_role, manager, other_manager, own_customer, other_customer):
    assert_ids_apart(manager, other_manager, own_customer, other_customer)
