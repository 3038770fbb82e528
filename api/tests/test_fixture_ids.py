"""`two_books` gives profiles ids apart from their users' ids: a book filtered by the wrong id fails."""
import pytest

from portrait.tests.test_fixture_ids import assert_ids_apart

pytestmark = pytest.mark.django_db


def test_two_books(two_books):
    assert_ids_apart(two_books.manager, two_books.other_manager, two_books.customer, two_books.other_customer)
