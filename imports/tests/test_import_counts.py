"""What an import reports as created, updated and unchanged matches what it wrote, row by row.

A row that only renames the person is an update: the name is written, the audit log and the page
say one updated (scripts/mutation_run.py found nothing pinned this).
"""
from decimal import Decimal

import pytest

from accounts.models import Role, User
from customers.models import CustomerProfile
from imports.services import customers_import, managers_import
from managers.models import ManagerProfile

pytestmark = pytest.mark.django_db


def counts(result):
    return result.created, result.updated, result.unchanged


def test_a_customer_row_that_only_renames_counts_as_updated():
    user = User.objects.create_user(username="ann", name="Ann", role=Role.CUSTOMER)
    CustomerProfile.objects.create(user=user, age=40, occupation="Teacher", total_assets=Decimal("1.00"))
    row = {"username": "ann", "name": "Ann", "age": 40, "occupation": "Teacher", "total_assets": "1.00",
           "needs": "", "hobbies": ""}

    assert counts(customers_import(rows=[row])) == (0, 0, 1)
    result = customers_import(rows=[{**row, "name": "Annie"}])

    assert result.ok and counts(result) == (0, 1, 0)
    assert User.objects.get(username="ann").name == "Annie"


def test_a_manager_row_that_only_renames_counts_as_updated():
    user = User.objects.create_user(username="max", name="Max", role=Role.MANAGER)
    ManagerProfile.objects.create(user=user, capacity=7)
    row = {"username": "max", "name": "Max", "capabilities": "", "hobbies": "", "capacity": "7"}

    assert counts(managers_import(rows=[row])) == (0, 0, 1)
    result = managers_import(rows=[{**row, "name": "Maxine"}])

    assert result.ok and counts(result) == (0, 1, 0)
    assert User.objects.get(username="max").name == "Maxine"
