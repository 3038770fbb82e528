"""A manager's load is read in one place: managers.selectors."""
import pytest

from managers.selectors import manager_load, manager_loads, managers_with_load
from matching.tests.conftest import Portraits

pytestmark = pytest.mark.django_db


def test_loads_count_customers_served_and_zero_for_none(django_assert_num_queries):
    portraits = Portraits()
    busy, idle = portraits.manager("busy"), portraits.manager("idle")
    for _ in range(3):
        portraits.customer(manager=busy)
    portraits.customer()
    with django_assert_num_queries(1):
        assert manager_loads([busy.pk, idle.pk]) == {busy.pk: 3, idle.pk: 0}
    assert manager_load(busy) == 3
    assert dict(managers_with_load().values_list("pk", "load")) == {busy.pk: 3, idle.pk: 0}
