"""The console's bank gives profiles ids apart from their users' ids: a book filtered by the wrong id fails."""
import pytest

from portrait.tests.test_fixture_ids import assert_ids_apart

pytestmark = pytest.mark.django_db


def test_the_bank(bank):
    assert_ids_apart(bank["m1"], bank["m2"], *bank["customers"].values())
