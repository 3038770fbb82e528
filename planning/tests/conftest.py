"""A small bank with room short in one branch: `short_pool` (as matching's capacity_plan tests build it); `solves`
counts the plans a scenario evaluation solves."""
from __future__ import annotations

from types import SimpleNamespace

import pytest

from accounts.models import Role
from accounts.tests.factories import UserFactory
from matching import capacity
from matching.tests.conftest import SERVICES, Portraits
from vocabularies.tests.factories import BranchFactory


@pytest.fixture
def pool(db, settings):
    return build_pool(settings)


@pytest.fixture
def solves(monkeypatch):
    """Counts the plans solved: today's is the call without a scenario."""
    calls = []
    solve = capacity.solve_scenario

    def counted(*args, **kwargs):
        calls.append("scenario" if kwargs.get("scenario") is not None else "today")
        return solve(*args, **kwargs)

    monkeypatch.setattr(capacity, "solve_scenario", counted)
    return calls


def build_pool(settings) -> SimpleNamespace:
    """Beijing is short of room, Shanghai is not; nobody serves private banking customers."""
    settings.PORTRAIT_BRANCH_POLICY = "branch"
    portraits = Portraits()
    bj, sh = BranchFactory(code="BJ", name="北京分行"), BranchFactory(code="SH", name="上海分行")
    a = portraits.manager("a", capabilities=SERVICES[:3], capacity=2, branch=bj)
    b = portraits.manager("b", capabilities=SERVICES[2:6], capacity=1, branch=bj)
    c = portraits.manager("c", capabilities=SERVICES[:6], capacity=5, branch=sh, tiers=["mass"])
    customers = [portraits.customer(needs=SERVICES[i:i + 3], branch=bj, manager=a if i < 2 else None) for i in range(5)]
    customers.append(portraits.customer(needs=SERVICES[:2], branch=sh, manager=c))
    private = portraits.customer(needs=SERVICES[:2], branch=sh, assets="7000000.00")
    return SimpleNamespace(
        portraits=portraits, bj=bj, sh=sh, a=a, b=b, c=c, customers=customers, private=private,
        admin=UserFactory(username="planner", role=Role.ADMIN, is_staff=True),
    )
