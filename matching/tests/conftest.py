"""Builders for matching tests: portraits described by term names, so a test reads like its scenario."""
import itertools
from decimal import Decimal

import pytest

from accounts.models import Role, User
from customers.models import CustomerProfile
from managers.models import ManagerProfile
from vocabularies.models import Hobby, Service

SERVICES = [f"S{i:02d}" for i in range(16)]
HOBBIES = [f"H{i:02d}" for i in range(16)]


class Portraits:
    """Creates vocabularies, managers and customers with bulk-friendly, readable calls."""

    def __init__(self):
        self.services = {
            name: Service.objects.get_or_create(name=name, defaults={"order": i})[0] for i, name in enumerate(SERVICES)
        }
        self.hobbies = {
            name: Hobby.objects.get_or_create(name=name, defaults={"order": i})[0] for i, name in enumerate(HOBBIES)
        }
        self._counter = itertools.count(1)

    def manager(
        self, username, *, capabilities=(), hobbies=(), capacity=50, accepting=True, active=True, branch=None,
        tiers=(),
    ):
        user = User.objects.create_user(
            username=username, password="x", role=Role.MANAGER, name=username, is_active=active
        )
        profile = ManagerProfile.objects.create(
            user=user, capacity=capacity, accepting_customers=accepting, branch=branch, tiers=list(tiers)
        )
        profile.capabilities.set([self.services[n] for n in capabilities])
        profile.hobbies.set([self.hobbies[n] for n in hobbies])
        return profile

    def customer(
        self, username=None, *, needs=(), hobbies=(), manager=None, locked=False, age=40, assets="100000.00",
        branch=None,
    ):
        username = username or f"c{next(self._counter):04d}"
        user = User.objects.create_user(username=username, password="x", role=Role.CUSTOMER, name=username)
        profile = CustomerProfile.objects.create(
            user=user, age=age, total_assets=Decimal(assets), manager=manager, manager_locked=locked, branch=branch
        )
        profile.needs.set([self.services[n] for n in needs])
        profile.hobbies.set([self.hobbies[n] for n in hobbies])
        return profile


@pytest.fixture
def portraits(db):
    return Portraits()


def refreshed(profile):
    profile.refresh_from_db()
    return profile
