"""The dashboard's figures equal independent counts on known data, in a fixed number of queries."""

import datetime as dt

import pytest
from django.utils import timezone

from customers.models import CustomerProfile
from matching.current_scores import customer_scores, manager_mean_scores
from insights.dashboard import dashboard_data
from matching.services import run_automatic

from matching.tests.conftest import HOBBIES, SERVICES

pytestmark = pytest.mark.django_db


@pytest.fixture
def known(portraits):
    m1 = portraits.manager("m1", capabilities=SERVICES[:4], hobbies=HOBBIES[:4], capacity=4)
    m2 = portraits.manager("m2", capabilities=SERVICES[4:8], hobbies=HOBBIES[4:8], capacity=2)
    portraits.manager("gone", capabilities=SERVICES, active=False)
    # scores with their manager: 3+2=5, 2+0=2, 1+1=2, and one unassigned
    a = portraits.customer("a", needs=SERVICES[:3], hobbies=HOBBIES[:2], manager=m1)
    b = portraits.customer("b", needs=SERVICES[:2], hobbies=HOBBIES[6:8], manager=m1)
    c = portraits.customer("c", needs=SERVICES[4:5], hobbies=HOBBIES[4:5], manager=m2)
    d = portraits.customer("d", needs=SERVICES[9:10])
    CustomerProfile.objects.filter(pk=a.pk).update(customer_class="A", occupation="教师")
    CustomerProfile.objects.filter(pk=b.pk).update(customer_class="C", occupation="教师")
    CustomerProfile.objects.filter(pk=c.pk).update(customer_class="C", occupation="医生")
    CustomerProfile.objects.filter(pk=d.pk).update(customer_class="E", occupation="")
    return m1, m2, [a, b, c, d]


def test_kpis_equal_hand_counts(known, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        data = dashboard_data()
    kpis = data.kpis
    assert kpis["customers"] == 4 and kpis["assigned"] == 3 and kpis["unassigned"] == 1
    assert kpis["share_assigned"] == pytest.approx(0.75)
    assert kpis["managers"] == 3 and kpis["active_managers"] == 2
    assert kpis["capacity_used"] == pytest.approx(3 / 6)
    assert kpis["mean_score"] == pytest.approx((5 + 2 + 2) / 3)
    assert kpis["lowest_score"] == 2
    assert kpis["share_class_a"] == pytest.approx(0.25)
    assert kpis["load_spread"] == 1
    assert kpis["last_run_at"] is None


def test_series_equal_hand_counts(known):
    data = dashboard_data()
    assert {row["label"]: row["count"] for row in data.classes} == {"A": 1, "B": 0, "C": 2, "D": 0, "E": 1}
    assert data.scores == [{"score": 2, "count": 2}, {"score": 5, "count": 1}]
    assert [row["username"] for row in data.managers][:2] == ["m1", "m2"]  # 2/4 vs 1/2: load order on ties
    assert data.months[-1] == {"month": timezone.localdate().strftime("%Y-%m"), "count": 4}
    assert len(data.months) == 12 and sum(row["count"] for row in data.months) == 4
    occupations = data.occupations
    teacher = occupations["labels"].index("教师")
    by_class = {series["label"]: series["counts"][teacher] for series in occupations["series"]}
    assert by_class == {"A": 1, "C": 1, "E": 0}


def test_months_before_the_window_are_left_out(known):
    old = timezone.now() - dt.timedelta(days=800)
    CustomerProfile.objects.filter(user__username="a").update(created_at=old)
    assert sum(row["count"] for row in dashboard_data().months) == 3


def test_last_run_figures(known):
    report = run_automatic(rebalance=True)
    kpis = dashboard_data().kpis
    assert kpis["last_run_moves"] == report.run.customers_moved
    assert kpis["last_run_fallbacks"] == report.run.fallbacks
    assert kpis["last_run_at"] == report.run.finished_at


def test_scores_per_manager_and_customer(known):
    m1, m2, (a, b, c, d) = known
    assert manager_mean_scores() == {m1.pk: 3.5, m2.pk: 2.0}
    assert customer_scores([a.pk, c.pk, d.pk]) == {a.pk: 5, c.pk: 2}


def test_empty_bank_has_no_figures(db):
    kpis = dashboard_data().kpis
    assert kpis["customers"] == 0 and kpis["share_assigned"] is None and kpis["mean_score"] is None


def test_the_cached_dashboard_follows_every_audited_write(manager, customer, superuser, settings):
    from audit.services import audit_record
    from insights.dashboard import dashboard_cached

    settings.PORTRAIT_DASHBOARD_REFRESH_SECONDS = 0

    assert dashboard_cached().kpis["unassigned"] == 1
    CustomerProfile.objects.filter(pk=customer.pk).update(manager=manager)  # unaudited: still cached
    assert dashboard_cached().kpis["unassigned"] == 1

    audit_record(actor=superuser, action="customer.assigned", target=customer)  # what every write service does
    assert dashboard_cached().kpis["unassigned"] == 0


def test_a_burst_of_audited_writes_is_summed_up_at_most_once_per_refresh_interval(
    manager, customer, superuser, settings, django_assert_num_queries
):
    """Customers edit portraits all day: each edit must not make the next dashboard view compute it all."""
    from audit.services import audit_record
    from insights.dashboard import dashboard_cached

    settings.PORTRAIT_DASHBOARD_REFRESH_SECONDS = 3600
    assert dashboard_cached().kpis["unassigned"] == 1
    CustomerProfile.objects.filter(pk=customer.pk).update(manager=manager)
    audit_record(actor=superuser, action="customer.assigned", target=customer)

    with django_assert_num_queries(1):  # the newest event's id, nothing recomputed
        assert dashboard_cached().kpis["unassigned"] == 1

    settings.PORTRAIT_DASHBOARD_REFRESH_SECONDS = 0
    assert dashboard_cached().kpis["unassigned"] == 0


def test_one_branchs_figures_equal_hand_counts(known, django_assert_max_num_queries):
    from managers.models import ManagerProfile
    from matching.models import Segment
    from vocabularies.tests.factories import BranchFactory

    m1, _m2, (a, b, c, d) = known
    branch = BranchFactory(code="BJ")
    CustomerProfile.objects.filter(pk__in=[a.pk, c.pk, d.pk]).update(branch=branch)
    CustomerProfile.objects.filter(pk__in=[a.pk, b.pk]).update(segment=0)
    CustomerProfile.objects.filter(pk=c.pk).update(segment=1)
    for label in (0, 1, 2):
        Segment.objects.create(label=label, name=f"s{label}", size=9, median_age=40, median_assets=0)
    ManagerProfile.objects.filter(pk=m1.pk).update(branch=branch)
    with django_assert_max_num_queries(9):
        data = dashboard_data(branch=branch)
    assert (data.kpis["customers"], data.kpis["assigned"], data.kpis["unassigned"]) == (3, 2, 1)
    assert [row["username"] for row in data.managers] == ["m1"]
    assert data.scores == [{"score": 2, "count": 1}, {"score": 5, "count": 1}]  # a with m1, c with m2
    assert {row["label"]: row["count"] for row in data.classes} == {"A": 1, "B": 0, "C": 1, "D": 0, "E": 1}
    assert [(s["label"], s["size"]) for s in data.segments] == [(0, 1), (1, 1)]  # the branch's customers in each
