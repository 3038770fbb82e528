"""`seed_demo` without --minimal: the network, its year of history, segments and a preview worth applying.

The full default network is seeded once for `TestTheDefaultNetwork`, in a transaction rolled back after it; each test
runs in a savepoint inside it.
"""
import io
from bisect import bisect_right
from collections import defaultdict
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from audit.models import AuditEvent
from change_requests.models import ChangeRequest, RequestStatus
from contacts.models import Channel, Contact
from contacts.selectors import follow_ups_due
from customers.models import CustomerProfile
from demo.services import demo_seed
from managers.models import ManagerProfile
from insights.dashboard import dashboard_data
from matching.models import Assignment, MatchingRun, RunKind, Segment
from matching.services.previews import preview_apply, preview_staleness

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="class")
def seeded(django_db_setup, django_db_blocker):
    """What `make run` does to a fresh database: `seed_demo` with its defaults; returns its output."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            out = io.StringIO()
            call_command("seed_demo", "--force", stdout=out)
            yield out.getvalue()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def preview(seeded):
    return MatchingRun.objects.get(kind=RunKind.PREVIEW)


class TestTheDefaultNetwork:
    def test_has_2000_customers_and_40_managers_with_the_named_accounts(self, seeded):
        assert CustomerProfile.objects.count() == 2000
        assert ManagerProfile.objects.count() == 40
        assert User.objects.filter(username__in=["customer21", "customer2000", "manager6", "manager40"]).count() == 4

    @pytest.mark.parametrize(("username", "password"), [("admin", "admin123"), ("customer1", "123456"),
                                                        ("customer2000", "123456"), ("manager40", "123456")])
    def test_accounts_log_in(self, seeded, client, username, password):
        assert client.login(username=username, password=password)

    def test_dashboard_shows_all_five_classes_with_a_tenth_to_a_fifth_in_a_and_b(self, seeded):
        classes = {row["label"]: row["count"] for row in dashboard_data().classes}

        assert set(classes) == set("ABCDE")
        assert min(classes.values()) > 0
        assert 0.10 <= (classes["A"] + classes["B"]) / sum(classes.values()) <= 0.20

    def test_the_console_dashboard_charts_five_classes_five_segments_and_twelve_months(self, seeded, client):
        client.login(username="admin", password="admin123")

        charts = client.get(reverse("console:dashboard")).context["charts"]

        assert [row["label"] for row in charts["classes"]] == list("ABCDE")
        assert len(charts["segments"]) == 5 and len(charts["months"]) == 12

    def test_dashboard_trend_has_twelve_months_of_new_customers(self, seeded):
        months = dashboard_data().months

        assert len(months) == 12
        assert all(month["count"] > 0 for month in months[:-1])  # the current month may have begun today

    def test_the_network_belongs_to_three_branches_in_two_regions(self, seeded):
        from vocabularies.models import Branch

        assert sorted(Branch.objects.values_list("code", "region")) == [
            ("BJ", "北方区域"), ("SH", "南方区域"), ("SZ", "南方区域")]
        network = CustomerProfile.objects.exclude(user__username__regex=r"^customer([1-9]|1[0-9]|20)$")
        assert not network.filter(branch__isnull=True).exists()
        for code in ("BJ", "SH", "SZ"):
            assert ManagerProfile.objects.filter(branch__code=code).exists()
            assert network.filter(branch__code=code).count() > 300

    def test_every_customer_is_in_one_of_five_segments(self, seeded):
        assert Segment.objects.count() == 5
        assert not CustomerProfile.objects.filter(segment__isnull=True).exists()

    def test_the_customers_who_joined_since_the_last_run_wait_classified_for_the_preview(self, seeded, preview):
        waiting = CustomerProfile.objects.filter(manager__isnull=True)

        assert waiting.count() == preview.planned_changes.count() > 100
        assert not CustomerProfile.objects.filter(customer_class="").exists()

    def test_the_stored_preview_shows_the_optimal_rule_beating_the_greedy_one(self, seeded, preview, client):
        compare = preview.summary["compare"]
        gain = compare["optimal"]["total_score"] - compare["greedy"]["total_score"]
        client.login(username="admin", password="admin123")

        page = client.get(reverse("console:preview", args=[preview.pk]))

        assert gain > 0
        assert compare["optimal"]["placed"] == compare["greedy"]["placed"] == preview.planned_changes.count()
        assert page.status_code == 200 and page.context["gain"] == gain
        assert f"#{preview.pk}" in seeded and f"{gain}" in seeded

    def test_the_preview_is_fresh(self, seeded, preview):
        assert preview_staleness(preview=preview) == []

    def test_the_capacity_pages_show_a_current_plan_and_two_evaluated_scenarios(self, seeded, client):
        from planning.models import CapacityScenario

        scenarios = list(CapacityScenario.objects.order_by("name"))
        client.login(username="admin", password="admin123")

        capacity = client.get(reverse("console:capacity"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
        listed = client.get(reverse("console:scenarios")).content.decode()
        pages = [client.get(reverse("console:scenario", args=[s.pk])).content.decode() for s in scenarios]

        assert sorted(s.name for s in scenarios) == ["上海分行没有" + scenarios[0].name.removeprefix("上海分行没有"),
                                                     "北京分行多两个贵宾名额"]
        assert all(s.result and s.created_by.username == "admin" for s in scenarios)
        more_seats = next(s for s in scenarios if s.name == "北京分行多两个贵宾名额")
        assert more_seats.capacity_only and more_seats.result["scenario"]["total_score"] >= (
            more_seats.result["today"]["total_score"])
        assert 'data-testid="capacity-figures"' in capacity and "-stale" not in capacity
        assert all(s.name in listed for s in scenarios) and "-stale" not in listed
        assert all('data-testid="scenario-figures"' in page and "-stale" not in page for page in pages)
        assert "/console/planning/" in seeded

    def test_runs_spread_over_the_year_as_the_system_and_the_admin(self, seeded):
        runs = MatchingRun.objects.exclude(kind=RunKind.PREVIEW)
        months = {run.started_at.strftime("%Y-%m") for run in runs}

        assert runs.count() >= 8
        assert len(months) >= 7
        assert {run.kind for run in runs} == {RunKind.AUTOMATIC, RunKind.UNDO, RunKind.TRANSFER, RunKind.MANUAL}
        assert runs.filter(actor__isnull=True).exists() and runs.filter(actor__username="admin").exists()
        assert runs.filter(strategy="greedy").exists() and runs.filter(strategy="optimal").exists()

    def test_history_has_manual_assignments_and_an_undone_rebalance(self, seeded):
        manual = Assignment.objects.filter(run__kind=RunKind.MANUAL)  # each manual reassignment a run of its own

        assert manual.count() == 5
        assert set(manual.values_list("actor__username", flat=True)) == {"admin"}
        assert MatchingRun.objects.filter(kind=RunKind.UNDO, undo_of__options__rebalance=True).exists()

    def test_the_audit_log_carries_the_dates_things_happened(self, seeded):
        year_ago = timezone.now() - timedelta(days=366)
        events = AuditEvent.objects.filter(created_at__lt=timezone.now() - timedelta(days=30))

        assert events.count() >= 8
        assert not AuditEvent.objects.filter(created_at__lt=year_ago).exists()
        assert {"matching.run", "matching.undo", "customer.assigned", "matching.book_transfer",
                "manager.availability_updated"} <= set(events.values_list("action", flat=True))

    def test_customers_joined_on_their_own_days(self, seeded):
        first = CustomerProfile.objects.get(user__username="customer21")
        last = CustomerProfile.objects.get(user__username="customer2000")

        assert first.created_at < last.created_at < timezone.now()
        assert first.user.date_joined == first.created_at
        assert CustomerProfile.objects.get(user__username="customer1").created_at < first.created_at

    def test_a_few_hundred_customers_have_one_to_four_contacts_over_the_past_months(self, seeded):
        per_customer = defaultdict(int)
        for customer_id in Contact.objects.values_list("customer_id", flat=True):
            per_customer[customer_id] += 1
        months = {contact.contacted_at.strftime("%Y-%m") for contact in Contact.objects.all()}
        event = AuditEvent.objects.get(action="contacts.seeded")

        assert 200 <= len(per_customer) <= 500 and set(per_customer.values()) == {1, 2, 3, 4}
        assert len(months) >= 6 and set(Contact.objects.values_list("channel", flat=True)) == set(Channel.values)
        assert event.data["contacts"] == Contact.objects.count() and f"{event.data['contacts']}" in seeded
        assert not Contact.objects.exclude(created_at=F("contacted_at")).exists()  # recorded when they happened

    def test_every_contact_was_recorded_by_the_customers_manager_at_the_time(self, seeded):
        """Checked against matching's assignment history, not what the seed kept while it played."""
        history = defaultdict(list)  # customer: [(when, new manager)] oldest first
        for customer_id, when, manager_id in Assignment.objects.order_by("created_at", "pk").values_list(
            "customer_id", "created_at", "new_manager_id"
        ):
            history[customer_id].append((when, manager_id))

        for contact in Contact.objects.all():
            changes = history[contact.customer_id]
            at = bisect_right([when for when, _ in changes], contact.contacted_at) - 1

            assert at >= 0 and changes[at][1] == contact.manager_id, contact

    def test_manager1_opens_the_workspace_on_follow_ups_due_today_and_overdue(self, seeded, client):
        manager1 = ManagerProfile.objects.get(user__username="manager1")
        today = timezone.localdate()
        due = list(follow_ups_due(manager=manager1, today=today))
        client.login(username="manager1", password="123456")

        page = client.get(reverse("portal:workspace"))

        assert any(contact.next_follow_up == today for contact in due)
        assert any(contact.next_follow_up < today for contact in due)
        assert page.context["follow_ups"] == due
        assert "manager1" in seeded and f"{len(due)}" in seeded

    def test_customers_asked_for_another_manager_and_the_admin_decided_the_older_requests(self, seeded):
        approved = ChangeRequest.objects.filter(status=RequestStatus.APPROVED).select_related("customer")
        declined = ChangeRequest.objects.get(status=RequestStatus.DECLINED)
        month_ago = timezone.now() - timedelta(days=30)

        assert approved.count() == 2
        for request in approved:
            assert request.new_manager_id not in (None, request.manager_id)
            assert request.customer.manager_id == request.new_manager_id and request.customer.manager_locked
            assert request.decided_by.username == "admin" and month_ago < request.created_at < request.decided_at
        assert declined.reply and declined.decided_at > declined.created_at > month_ago
        assert declined.customer.manager_id == declined.manager_id
        assert ChangeRequest.objects.values("customer").distinct().count() == ChangeRequest.objects.count()
        assert not ChangeRequest.objects.filter(customer__user__username__in=[f"customer{n}" for n in range(1, 21)])
        assert "2 approved, 1 declined, 3 waiting" in seeded

    def test_the_admin_finds_three_requests_waiting_in_the_queue(self, seeded, client):
        waiting = ChangeRequest.objects.filter(status=RequestStatus.OPEN)
        client.login(username="admin", password="admin123")

        queue = client.get(reverse("console:change_requests"))

        assert waiting.count() == 3
        assert all(timezone.now() - request.created_at < timedelta(days=4) for request in waiting)
        assert {request.customer.user.username for request in waiting} <= {
            row.customer.user.username for row in queue.context["page"]
        }

    def test_a_second_seed_leaves_the_network_and_its_preview_alone(self, seeded):
        runs, contacts = MatchingRun.objects.count(), Contact.objects.count()
        out = io.StringIO()

        call_command("seed_demo", "--force", stdout=out)

        assert "already there" in out.getvalue()
        assert MatchingRun.objects.count() == runs
        assert CustomerProfile.objects.count() == 2000
        assert Contact.objects.count() == contacts


def test_minimal_adds_no_network_and_no_history():
    call_command("seed_demo", "--force", "--minimal", stdout=io.StringIO())

    assert CustomerProfile.objects.count() == 20 and ManagerProfile.objects.count() == 5
    assert not MatchingRun.objects.exists() and not Segment.objects.exists() and not Contact.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_the_preview_still_applies_once_the_seed_has_committed():
    """Nothing the seed leaves to run on commit (reclassification) may make its own preview stale."""
    summary = demo_seed(network_customers=300, network_managers=12)
    preview = MatchingRun.objects.get(pk=summary.network.preview_id)

    applied = preview_apply(preview=preview, actor=None)

    assert applied.customers_placed == summary.network.preview_changes > 0
    assert not CustomerProfile.objects.filter(manager__isnull=True).exists()
