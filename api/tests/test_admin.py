"""Admin operations: start a run and poll it, list and read runs, undo, assign by hand."""
import pytest

from audit.models import AuditEvent
from customers.models import CustomerProfile
from matching.models import Assignment, MatchingRun, RunKind, RunStatus
from portrait.testing import CustomerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def waiting(people, services, hobbies):
    """Two customers without a manager, who match `manager` best."""
    return [CustomerFactory(needs=services[:3], hobbies=hobbies[:3]) for _ in range(2)]


def test_auto_assign_answers_202_with_a_url_to_poll_and_the_run_places_customers(people, waiting, api):
    client = api(people.admin)

    started = client.post("/api/admin/auto-assign", {"strategy": "greedy", "rebalance": False}, format="json")

    assert started.status_code == 202
    body = started.json()
    polled = client.get(body["url"])
    assert polled.status_code == 200
    run = polled.json()
    assert run["id"] == body["id"] and run["status"] == "succeeded" and run["strategy"] == "greedy"
    assert run["customers_placed"] == 2 and run["actor"] == people.admin.username
    assert set(CustomerProfile.objects.filter(pk__in=[c.pk for c in waiting]).values_list("manager", flat=True)) == {people.manager.pk}


def test_a_dry_run_changes_nobody(people, waiting, api):
    started = api(people.admin).post("/api/admin/auto-assign", {"dry_run": True}, format="json")

    assert started.status_code == 202
    assert MatchingRun.objects.get(pk=started.json()["id"]).dry_run
    assert not CustomerProfile.objects.filter(pk__in=[c.pk for c in waiting], manager__isnull=False).exists()


def test_an_unknown_strategy_is_400(people, api):
    response = api(people.admin).post("/api/admin/auto-assign", {"strategy": "random"}, format="json")

    assert response.status_code == 400 and "strategy" in response.json()["errors"]


def test_runs_are_listed_newest_first_with_constant_queries(people, waiting, api, django_assert_max_num_queries):
    client = api(people.admin)
    for _ in range(3):
        client.post("/api/admin/auto-assign", {"dry_run": True}, format="json")

    with django_assert_max_num_queries(3):  # user (JWT), count, page
        response = client.get("/api/admin/runs")

    ids = [row["id"] for row in response.json()["results"]]
    assert response.json()["count"] == 3 and ids == sorted(ids, reverse=True)


def test_undo_restores_the_run_and_a_second_undo_is_refused(people, waiting, api):
    client = api(people.admin)
    run_id = client.post("/api/admin/auto-assign", {}, format="json").json()["id"]

    undone = client.post(f"/api/admin/runs/{run_id}/undo", {}, format="json")

    assert undone.status_code == 200
    assert undone.json()["kind"] == RunKind.UNDO and undone.json()["undo_of"] == run_id
    assert not CustomerProfile.objects.filter(pk__in=[c.pk for c in waiting], manager__isnull=False).exists()
    again = client.post(f"/api/admin/runs/{run_id}/undo", {}, format="json")
    assert again.status_code in (400, 409)
    assert set(again.json()) == {"detail", "errors"}


def test_undo_after_a_later_change_is_409_and_names_the_customer(people, waiting, api):
    client = api(people.admin)
    run_id = client.post("/api/admin/auto-assign", {}, format="json").json()["id"]
    moved = waiting[0]
    client.post("/api/admin/manual-assign", {"customer": moved.user_id, "manager": people.other_manager.user_id,
                                             "reason": "customer asked"}, format="json")

    response = client.post(f"/api/admin/runs/{run_id}/undo", {}, format="json")

    assert response.status_code == 409
    assert moved.user.username in response.json()["detail"]
    assert MatchingRun.objects.get(pk=run_id).undone_by.filter(status=RunStatus.SUCCEEDED).count() == 0


def test_undo_of_an_unknown_run_is_404(people, api):
    assert api(people.admin).post("/api/admin/runs/424242/undo", {}, format="json").status_code == 404


def test_manual_assign_moves_locks_and_records_who_and_why(people, api):
    response = api(people.admin).post(
        "/api/admin/manual-assign",
        {"customer": people.other_customer.user_id, "manager": people.manager.user_id, "reason": "客户要求"},
        format="json",
    )

    assert response.status_code == 200, response.json()
    assert response.json()["new_manager"] == people.manager.user_id
    assert response.json()["previous_manager"] == people.other_manager.user_id
    profile = CustomerProfile.objects.get(pk=people.other_customer.pk)
    assert profile.manager_id == people.manager.pk and profile.manager_locked
    assignment = Assignment.objects.get(customer=profile)
    assert assignment.actor == people.admin and assignment.note == "客户要求"


def test_manual_assign_to_a_full_manager_is_409_with_the_reason(people, api):
    CustomerFactory.create_batch(4, manager=people.manager)  # 5 of 5

    response = api(people.admin).post(
        "/api/admin/manual-assign",
        {"customer": people.other_customer.user_id, "manager": people.manager.user_id, "reason": "asked"},
        format="json",
    )

    assert response.status_code == 409
    assert "5" in response.json()["detail"]
    assert CustomerProfile.objects.get(pk=people.other_customer.pk).manager_id == people.other_manager.pk


def test_manual_assign_refusals_that_are_not_capacity_stay_400(people, api):
    same = api(people.admin).post(
        "/api/admin/manual-assign",
        {"customer": people.customer.user_id, "manager": people.manager.user_id, "reason": "again"}, format="json",
    )
    missing = api(people.admin).post(
        "/api/admin/manual-assign", {"customer": people.customer.user_id, "manager": 999999, "reason": "x"}, format="json",
    )
    no_reason = api(people.admin).post(
        "/api/admin/manual-assign", {"customer": people.customer.user_id, "manager": people.other_manager.user_id},
        format="json",
    )

    assert same.status_code == 400
    assert missing.status_code == 404
    assert no_reason.status_code == 400 and "reason" in no_reason.json()["errors"]


def test_admin_writes_are_audited_with_the_admin_as_actor(people, waiting, api):
    client = api(people.admin)
    client.patch(f"/api/managers/{people.manager.user_id}/profile", {"accepting_customers": False}, format="json")

    event = AuditEvent.objects.get(action="manager.availability_updated")
    assert event.actor == people.admin and event.ip_address == "127.0.0.1"
