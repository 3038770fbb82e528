"""Segments as every caller meets them: the range of k (the one rule and its wording), the service's audit
event, the background job and the `segment` command (options, output, exit codes)."""
import io
import random

import numpy as np
import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from sklearn.metrics import adjusted_rand_score

from accounts.models import Role
from audit.models import AuditEvent
from customers.models import CustomerProfile
from insights import segmentation
from insights.jobs import SEGMENT_JOB
from insights.segmentation import MIN_K, segment
from insights.services import segments_compute
from jobs.models import JobStatus
from jobs.services import job_enqueue
from matching.models import Segment
from matching.tests.conftest import HOBBIES, SERVICES


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.mark.parametrize(("k", "n", "too_small"), [(1, 10, True), (0, 10, True), (11, 10, False), (3, 2, False)])
def test_requested_k_out_of_range_is_refused(k, n, too_small):
    with pytest.raises(segmentation.KOutOfRange) as refused:
        segmentation.check_requested_k(k, n)
    assert refused.value.too_small is too_small


@pytest.mark.parametrize(("k", "n"), [(2, 2), (segmentation.MIN_K, 100), (8, 0)])
def test_requested_k_in_range_is_accepted(k, n):
    assert segmentation.check_requested_k(k, n) == k


def test_requested_k_must_be_an_integer():
    with pytest.raises(ValueError, match="integer"):
        segmentation.check_requested_k(2.5, 10)


@pytest.mark.django_db
def test_the_service_words_the_segmentation_rule(portraits):
    portraits.customer()
    with pytest.raises(ValidationError, match="at least 2"):
        segments_compute(actor=None, k=1)
    with pytest.raises(ValidationError, match="more than the 1 customers"):
        segments_compute(actor=None, k=3)


@pytest.mark.django_db
def test_segments_record_their_actor(portraits, django_user_model):
    staff = django_user_model.objects.create_user(username="boss", password="x", role=Role.ADMIN, is_staff=True)
    for age in (20, 21, 70, 71):
        portraits.customer(age=age)
    segments_compute(actor=staff, k=2)
    event = AuditEvent.objects.filter(action="matching.segments").latest("id")
    assert event.actor == staff and event.data["k"] == 2 and event.data["customers"] == 4


@pytest.mark.django_db
def test_the_segment_job_runs_the_service(portraits):
    for age in (20, 21, 70):
        portraits.customer(age=age)
    job = job_enqueue(kind=SEGMENT_JOB, actor=None, options={"k": 2})
    assert job.status == JobStatus.SUCCEEDED and job.result["customers"] == 3


# --- segments: k is chosen over 2..8 ------------------------------------------------------------------


def _blobs(n_blobs, per_blob=12, seed=0):
    """`n_blobs` tight, well-separated groups: the silhouette is best at exactly `n_blobs` segments."""
    rng = np.random.default_rng(seed)
    centres = 20.0 * np.eye(n_blobs)
    return np.repeat(centres, per_blob, axis=0) + rng.normal(0, 0.1, (n_blobs * per_blob, n_blobs))


@pytest.mark.parametrize(("n_blobs", "expected"), [(8, 8), (MIN_K, MIN_K), (11, 8)])
def test_k_is_chosen_over_two_to_eight(n_blobs, expected):
    """The README's range, both ends: eight groups are found, more than eight give the top of the range."""
    result = segment(_blobs(n_blobs))
    assert result.k == expected
    assert result.silhouette is not None


@pytest.mark.django_db
class TestSegmentCommand:
    GROUPS = [
        # (age, assets, needs, hobbies)
        (26, "80000.00", SERVICES[0:3], HOBBIES[0:3]),
        (68, "900000.00", SERVICES[5:8], HOBBIES[5:8]),
        (45, "30000000.00", SERVICES[10:14], HOBBIES[10:13]),
    ]

    def _planted(self, portraits, per_group=15):
        """Three portrait groups with random within-group noise (seeded); returns {customer id: group}."""
        rng = random.Random(7)
        truth = {}
        for group, (age, assets, needs, hobbies) in enumerate(self.GROUPS):
            for _ in range(per_group):
                profile = portraits.customer(
                    age=age + rng.randint(-4, 4),
                    assets=f"{float(assets) * rng.uniform(0.7, 1.4):.2f}",
                    needs=rng.sample(needs, rng.randint(2, len(needs))),
                    hobbies=rng.sample(hobbies, rng.randint(1, len(hobbies))),
                )
                truth[profile.pk] = group
        return truth

    def test_segment_recovers_planted_portrait_groups_and_stores_summaries(self, portraits):
        truth = self._planted(portraits)
        out, _ = run("segment")
        rows = dict(CustomerProfile.objects.values_list("id", "segment"))
        found = [rows[pk] for pk in truth]
        assert adjusted_rand_score(list(truth.values()), found) == pytest.approx(1.0)
        assert Segment.objects.count() == 3
        assert "45 customers in 3 segments" in out
        elderly = Segment.objects.get(label=rows[next(pk for pk, g in truth.items() if g == 1)])
        assert elderly.size == 15 and 66 <= elderly.median_age <= 70
        assert set(elderly.top_needs) <= set(SERVICES[5:8]) and elderly.name

    def test_explicit_k_and_rerun_replaces_summaries(self, portraits):
        self._planted(portraits, per_group=6)
        run("segment", "--k", "2")
        assert Segment.objects.count() == 2
        run("segment", "--k", "3")
        assert sorted(Segment.objects.values_list("label", flat=True)) == [0, 1, 2]
        assert set(CustomerProfile.objects.values_list("segment", flat=True)) == {0, 1, 2}

    def test_bad_k_is_refused(self, portraits):
        portraits.customer()
        with pytest.raises(CommandError, match="at least 2"):
            run("segment", "--k", "1")
        with pytest.raises(CommandError, match="more than"):
            run("segment", "--k", "5")

    def test_no_customers_is_a_warning(self, portraits):
        out, _ = run("segment")
        assert "No customers" in out
