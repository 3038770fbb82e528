"""A large import leaves the database's planner statistics current: pages after it stay on their indexes."""
import pytest

import imports.services
from customers.models import CustomerProfile
from imports.services import customers_import

pytestmark = pytest.mark.django_db


@pytest.fixture
def refreshed(monkeypatch):
    """The tables and row counts `refresh_statistics` was asked to refresh, with a threshold of two rows."""
    calls = []

    def record(models, *, rows):
        calls.append(({model._meta.db_table for model in models}, rows))
        return rows >= 2

    monkeypatch.setattr(imports.services, "refresh_statistics", record)
    return calls


def _rows(count):
    return [
        {"username": f"stat{i}", "name": f"Stat {i}", "age": 30, "occupation": "", "total_assets": "10.00",
         "needs": "", "hobbies": ""}
        for i in range(count)
    ]


def test_a_real_import_asks_for_the_statistics_of_what_it_wrote(refreshed):
    assert customers_import(rows=_rows(3)).ok

    assert refreshed == [({"accounts_user", CustomerProfile._meta.db_table}, 3)]


def test_a_dry_run_or_a_rejected_file_refreshes_nothing(refreshed):
    assert customers_import(rows=_rows(3), dry_run=True).ok
    assert not customers_import(rows=[{**_rows(1)[0], "age": "old"}]).ok

    assert refreshed == []
