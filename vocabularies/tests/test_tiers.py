"""Service tiers come from total assets by PORTRAIT_TIERS; branches and managers' tiers are checked in the
model layer, so the admin, forms, the API and the imports refuse the same values."""
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from customers.tests.factories import CustomerFactory
from managers.tests.factories import ManagerFactory
from vocabularies.models import Branch
from vocabularies.tests.factories import BranchFactory
from customers.models import CustomerProfile
from vocabularies.tiers import tier_assets_range, tier_code_expression, tier_of

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("assets", "code"),
    [("0", "mass"), ("499999.99", "mass"), ("500000", "vip"), ("5999999.99", "vip"), ("6000000", "private")],
)
def test_a_customer_tier_is_the_last_threshold_their_assets_reach(assets, code):
    assert tier_of(Decimal(assets)).code == code
    assert CustomerFactory.build(total_assets=Decimal(assets)).tier.code == code


def test_the_database_puts_customers_in_the_tier_tier_of_gives():
    """`tier_code_expression` (grouping by tier in a query, as the reports do) agrees with `tier_of` at
    every threshold."""
    amounts = ["0", "499999.99", "500000", "5999999.99", "6000000", "90000000"]
    for assets in amounts:
        CustomerFactory(total_assets=Decimal(assets))
    in_database = CustomerProfile.objects.annotate(tier=tier_code_expression("total_assets")).values_list(
        "total_assets", "tier"
    )
    assert {assets: tier for assets, tier in in_database} == {
        Decimal(assets): tier_of(Decimal(assets)).code for assets in amounts
    }


def test_tier_ranges_meet_without_gaps():
    assert tier_assets_range("mass") == (Decimal(0), Decimal(500_000))
    assert tier_assets_range("vip") == (Decimal(500_000), Decimal(6_000_000))
    assert tier_assets_range("private") == (Decimal(6_000_000), None)


def test_tiers_follow_the_setting(settings):
    settings.PORTRAIT_TIERS = [{"code": "all", "name": "All", "min_assets": 0},
                               {"code": "rich", "name": "Rich", "min_assets": 100}]
    assert tier_of(Decimal(100)).code == "rich"


class TestManagerTiersRejects:
    def test_unknown_tier_code(self):
        manager = ManagerFactory.build(tiers=["vip", "gold"])
        with pytest.raises(ValidationError) as excinfo:
            manager.full_clean(exclude=["user"])
        assert excinfo.value.error_dict["tiers"][0].code == "unknown_tier"

    def test_a_tier_twice(self):
        with pytest.raises(ValidationError) as excinfo:
            ManagerFactory.build(tiers=["vip", "vip"]).full_clean(exclude=["user"])
        assert excinfo.value.error_dict["tiers"][0].code == "duplicate_tier"

    def test_not_a_list(self):
        with pytest.raises(ValidationError) as excinfo:
            ManagerFactory.build(tiers="vip").full_clean(exclude=["user"])
        assert excinfo.value.error_dict["tiers"][0].code == "invalid_tiers"


def test_no_tiers_means_every_tier():
    assert ManagerFactory.build(tiers=[]).serves_tier("private")
    assert not ManagerFactory.build(tiers=["mass"]).serves_tier("private")


class TestBranchRejects:
    def test_duplicate_code(self):
        BranchFactory(code="BJ")
        with pytest.raises(ValidationError) as excinfo:
            Branch(code="BJ", name="北京", region="华北").full_clean()
        assert excinfo.value.error_dict["code"][0].code == "unique"

    def test_code_with_the_list_separator(self):
        with pytest.raises(ValidationError) as excinfo:
            Branch(code="B;J", name="北京", region="华北").full_clean()
        assert list(excinfo.value.error_dict) == ["code"]


def test_a_branch_in_use_cannot_be_deleted():
    from django.db.models import ProtectedError

    branch = BranchFactory()
    CustomerFactory(branch=branch)
    with pytest.raises(ProtectedError):
        branch.delete()


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("PORTRAIT_BRANCH_POLICY", "city"),
        ("PORTRAIT_TIERS", [{"code": "a", "name": "A", "min_assets": 10}]),
        ("PORTRAIT_TIERS", [{"code": "a", "name": "A", "min_assets": 0}, {"code": "a", "name": "B", "min_assets": 5}]),
        ("PORTRAIT_REGION_PENALTY", -1),
    ],
)
def test_a_wrong_setting_stops_the_checks(settings, name, value):
    setattr(settings, name, value)
    with pytest.raises(SystemCheckError):
        call_command("check")
