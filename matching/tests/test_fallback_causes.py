"""A second choice names its real cause (issue 24): on a small pool where that cause is the truth, the run's
history, the stored plan and the pages say it; `planning.fallback_causes` tells the four apart."""

import numpy as np
import pytest
from django.test import Client
from django.urls import reverse

from accounts.tests.factories import UserFactory
from matching import engine
from matching.models import Assignment, PlannedChange, Reason
from matching.planning import (
    REASON_FALLBACK_CLOSED,
    REASON_FALLBACK_FULL,
    REASON_FALLBACK_OVERALL,
    REASON_FALLBACK_TAKEN,
    fallback_causes,
)
from matching.services import run_automatic
from matching.services.previews import preview_create

from .conftest import SERVICES

pytestmark = pytest.mark.django_db


def _reason_of(customer):
    return Assignment.objects.get(customer=customer).reason


@pytest.mark.parametrize("strategy", ["optimal", "greedy"])
class TestEachCauseOnAPoolWhereItIsTrue:
    def test_the_best_fitting_manager_has_room_but_is_not_taking_customers(self, portraits, strategy):
        portraits.manager("best", capabilities=SERVICES[:5], capacity=10, accepting=False)
        portraits.manager("other", capabilities=SERVICES[:1])
        new = portraits.customer(needs=SERVICES[:5])

        report = run_automatic(strategy=strategy)

        assert _reason_of(new) == Reason.FALLBACK_CLOSED
        assert report.run.fallbacks == 1

    def test_the_best_fitting_manager_was_full_before_the_run(self, portraits, strategy):
        best = portraits.manager("best", capabilities=SERVICES[:5], capacity=1)
        portraits.manager("other", capabilities=SERVICES[:1])
        portraits.customer(needs=SERVICES[:5], manager=best)
        new = portraits.customer(needs=SERVICES[:5])

        report = run_automatic(strategy=strategy)

        assert _reason_of(new) == Reason.FALLBACK_FULL
        assert report.run.fallbacks == 1

    def test_the_best_fitting_managers_free_place_went_to_a_better_fit(self, portraits, strategy):
        best = portraits.manager("best", capabilities=SERVICES[:5], capacity=1)  # empty before the run
        portraits.manager("other", capabilities=SERVICES[5:6])
        better = portraits.customer(needs=SERVICES[:5])
        second = portraits.customer(needs=SERVICES[:3])

        report = run_automatic(strategy=strategy)

        assert Assignment.objects.get(customer=better).new_manager == best
        assert _reason_of(second) == Reason.FALLBACK_TAKEN
        assert report.run.fallbacks == 1


def test_the_stored_plan_and_its_page_name_the_cause_in_both_languages(portraits):
    portraits.manager("best", capabilities=SERVICES[:5], capacity=1)
    portraits.manager("other", capabilities=SERVICES[5:6])
    portraits.customer(needs=SERVICES[:5])
    second = portraits.customer(needs=SERVICES[:3])
    preview = preview_create(actor=None)
    assert PlannedChange.objects.get(run=preview, customer=second).reason == Reason.FALLBACK_TAKEN
    assert preview.fallbacks == 1

    client = Client()
    client.force_login(UserFactory(username="boss", admin=True))
    url = reverse("console:preview", args=[preview.pk])
    english = client.get(url).content.decode()
    client.cookies["django_language"] = "zh-hans"
    chinese = client.get(url).content.decode()

    assert "Second choice: the best-fitting manager&#x27;s free places went to other customers in this run" in english
    assert "次优分配：最匹配的客户经理的空余名额在本次分配中给了其他客户" in chinese


def test_fallback_causes_reads_the_best_fitting_managers_state():
    # Columns: 0 not taking customers, 1 full before, 2 filled by this run, 3 still has room.
    eligible = np.array([False, True, True, True])
    capacity = np.array([5, 2, 2, 5])
    load = np.array([0, 2, 1, 0])
    best = np.array([0, 1, 2, 3, 3])
    assigned = np.array([3, 3, 2, 2, 3])  # the fourth customer got their best; column 2 ends full
    reasons = np.array([engine.REASON_FALLBACK] * 4 + [engine.REASON_BEST], dtype=np.int8)
    reasons[3] = engine.REASON_FALLBACK

    causes = fallback_causes(reasons, best, assigned, eligible=eligible, capacity=capacity, load=load)

    assert causes.tolist() == [
        REASON_FALLBACK_CLOSED, REASON_FALLBACK_FULL, REASON_FALLBACK_TAKEN, REASON_FALLBACK_OVERALL,
        engine.REASON_BEST,
    ]


def test_reasons_without_a_second_choice_are_kept():
    reasons = np.array([engine.REASON_BEST, engine.REASON_NO_CAPACITY, engine.REASON_NO_ELIGIBLE_MANAGER])
    causes = fallback_causes(
        reasons, np.array([0, 0, -1]), np.array([0, -1, -1]), eligible=np.array([True]), capacity=np.array([1]),
        load=np.array([0]),
    )
    assert causes.tolist() == reasons.tolist()
