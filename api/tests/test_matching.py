"""Admin operations: the dashboard, runs as background jobs (start, poll, apply a stored plan, undo),
assignment by hand."""
import pytest
from rest_framework.test import APIClient

from audit.models import AuditEvent
from customers.models import CustomerProfile
from customers.tests.factories import CustomerFactory
from managers.models import ManagerProfile
from matching.models import Assignment, JobKind, MatchingRun, RunKind, RunStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def waiting(two_books, services, hobbies):
    """Two customers without a manager, who match `manager` best."""
    return [CustomerFactory(needs=services[:3], hobbies=hobbies[:3]) for _ in range(2)]


def managers_of(customers) -> set:
    return set(CustomerProfile.objects.filter(pk__in=[c.pk for c in customers]).values_list("manager", flat=True))


def test_auto_assign_answers_202_with_a_url_to_poll_and_the_run_places_customers(two_books, waiting, api):
    client = api(two_books.admin)

    started = client.post("/api/admin/auto-assign", {"strategy": "greedy", "rebalance": False}, format="json")

    assert started.status_code == 202
    polled = client.get(started.json()["url"])
    assert polled.status_code == 200
    job = polled.json()
    assert job["kind"] == JobKind.RUN and job["done"] and job["status"] == "succeeded"
    run = client.get(job["run_url"]).json()
    assert run["id"] == job["run"] and run["status"] == "succeeded" and run["strategy"] == "greedy"
    assert run["customers_placed"] == 2 and run["actor"] == two_books.admin.username
    assert managers_of(waiting) == {two_books.manager.pk}
    assert AuditEvent.objects.filter(action="job.run_requested", actor=two_books.admin).exists()


def test_a_dry_run_stores_a_plan_that_apply_writes_exactly(two_books, waiting, api):
    client = api(two_books.admin)

    job = client.post("/api/admin/auto-assign", {"dry_run": True}, format="json").json()
    preview = MatchingRun.objects.get(pk=job["run"])
    assert preview.kind == RunKind.PREVIEW
    assert managers_of(waiting) == {None}
    planned = dict(preview.planned_changes.values_list("customer_id", "new_manager_id"))

    applied = client.post(f"/api/admin/runs/{preview.pk}/apply", {}, format="json")

    assert applied.status_code == 202
    assert client.get(applied.json()["url"]).json()["status"] == "succeeded"
    assert {
        c.pk: m for c, m in zip(waiting, [CustomerProfile.objects.get(pk=c.pk).manager_id for c in waiting])
    } == planned


def test_apply_after_a_change_is_409_naming_what_changed(two_books, waiting, api):
    client = api(two_books.admin)
    preview_id = client.post("/api/admin/auto-assign", {"dry_run": True}, format="json").json()["run"]
    client.post(
        "/api/admin/manual-assign",
        {"customer": waiting[0].user_id, "manager": two_books.other_manager.user_id, "reason": "asked"},
        format="json",
    )

    response = client.post(f"/api/admin/runs/{preview_id}/apply", {}, format="json")

    assert response.status_code == 409
    assert any(waiting[0].user.username in line for line in response.json()["errors"]["details"])
    assert CustomerProfile.objects.get(pk=waiting[1].pk).manager_id is None


def test_only_a_stored_plan_can_be_applied(two_books, waiting, api):
    client = api(two_books.admin)
    run_id = client.post("/api/admin/auto-assign", {}, format="json").json()["run"]

    assert client.post(f"/api/admin/runs/{run_id}/apply", {}, format="json").status_code == 404


def test_an_unknown_strategy_is_400(two_books, api):
    response = api(two_books.admin).post("/api/admin/auto-assign", {"strategy": "random"}, format="json")

    assert response.status_code == 400 and "strategy" in response.json()["errors"]


def test_runs_are_listed_newest_first_with_constant_queries(two_books, waiting, api, django_assert_max_num_queries):
    client = api(two_books.admin)
    for _ in range(3):
        client.post("/api/admin/auto-assign", {"dry_run": True}, format="json")

    with django_assert_max_num_queries(3):  # user (JWT), count, page
        response = client.get("/api/admin/runs")

    ids = [row["id"] for row in response.json()["results"]]
    assert response.json()["count"] == 3 and ids == sorted(ids, reverse=True)


def test_undo_restores_the_run_and_a_second_undo_is_refused(two_books, waiting, api):
    client = api(two_books.admin)
    run_id = client.post("/api/admin/auto-assign", {}, format="json").json()["run"]

    undone = client.post(f"/api/admin/runs/{run_id}/undo", {}, format="json")

    assert undone.status_code == 200
    assert undone.json()["kind"] == RunKind.UNDO and undone.json()["undo_of"] == run_id
    assert managers_of(waiting) == {None}
    again = client.post(f"/api/admin/runs/{run_id}/undo", {}, format="json")
    assert again.status_code == 409  # a conflict with the run's state, not a malformed request
    assert set(again.json()) == {"detail", "errors"}
    assert "already been undone" in again.json()["detail"]


def test_undo_after_a_later_change_is_409_and_names_the_customer(two_books, waiting, api):
    client = api(two_books.admin)
    run_id = client.post("/api/admin/auto-assign", {}, format="json").json()["run"]
    moved = waiting[0]
    client.post(
        "/api/admin/manual-assign",
        {"customer": moved.user_id, "manager": two_books.other_manager.user_id, "reason": "customer asked"},
        format="json",
    )

    response = client.post(f"/api/admin/runs/{run_id}/undo", {}, format="json")

    assert response.status_code == 409
    assert moved.user.username in response.json()["detail"]
    assert MatchingRun.objects.get(pk=run_id).undone_by.filter(status=RunStatus.SUCCEEDED).count() == 0


def test_a_refused_undo_lists_the_first_20_customers_and_counts_them_all(two_books, services, hobbies, api):
    many = [CustomerFactory(needs=services[:3], hobbies=hobbies[:3]) for _ in range(25)]
    ManagerProfile.objects.filter(pk=two_books.manager.pk).update(capacity=100)
    client = api(two_books.admin)
    run_id = client.post("/api/admin/auto-assign", {}, format="json").json()["run"]
    assert Assignment.objects.filter(run_id=run_id).count() == 25
    CustomerProfile.objects.filter(pk__in=[c.pk for c in many]).update(manager=two_books.other_manager)

    response = client.post(f"/api/admin/runs/{run_id}/undo", {}, format="json")

    assert response.status_code == 409
    details = response.json()["errors"]["details"]
    assert len(details) == 21
    assert details[-1] == "… and 5 more."


def test_undo_of_an_unknown_run_is_404(two_books, api):
    assert api(two_books.admin).post("/api/admin/runs/424242/undo", {}, format="json").status_code == 404


def test_manual_assign_moves_locks_and_records_who_and_why(two_books, api):
    response = api(two_books.admin).post(
        "/api/admin/manual-assign",
        {"customer": two_books.other_customer.user_id, "manager": two_books.manager.user_id, "reason": "客户要求"},
        format="json",
    )

    assert response.status_code == 200, response.json()
    assert response.json()["new_manager"] == two_books.manager.user_id
    assert response.json()["previous_manager"] == two_books.other_manager.user_id
    profile = CustomerProfile.objects.get(pk=two_books.other_customer.pk)
    assert profile.manager_id == two_books.manager.pk and profile.manager_locked
    assignment = Assignment.objects.get(customer=profile)
    assert assignment.actor == two_books.admin and assignment.note == "客户要求"


def test_manual_assign_to_a_full_manager_is_409_with_the_reason(two_books, api):
    CustomerFactory.create_batch(4, manager=two_books.manager)  # 5 of 5

    response = api(two_books.admin).post(
        "/api/admin/manual-assign",
        {"customer": two_books.other_customer.user_id, "manager": two_books.manager.user_id, "reason": "asked"},
        format="json",
    )

    assert response.status_code == 409
    assert "5" in response.json()["detail"]
    assert CustomerProfile.objects.get(pk=two_books.other_customer.pk).manager_id == two_books.other_manager.pk


def test_manual_assign_refusals_that_are_not_capacity_stay_400(two_books, api):
    same = api(two_books.admin).post(
        "/api/admin/manual-assign",
        {"customer": two_books.customer.user_id, "manager": two_books.manager.user_id, "reason": "again"},
        format="json",
    )
    missing = api(two_books.admin).post(
        "/api/admin/manual-assign",
        {"customer": two_books.customer.user_id, "manager": 999999, "reason": "x"},
        format="json",
    )
    no_reason = api(two_books.admin).post(
        "/api/admin/manual-assign",
        {"customer": two_books.customer.user_id, "manager": two_books.other_manager.user_id},
        format="json",
    )

    assert same.status_code == 400
    assert missing.status_code == 404
    assert no_reason.status_code == 400 and "reason" in no_reason.json()["errors"]


class TestDashboard:
    def test_figures_match_independent_counts(self, two_books, waiting, api):
        api(two_books.admin).post("/api/admin/auto-assign", {}, format="json")

        body = api(two_books.admin).get("/api/admin/dashboard").json()

        kpis = body["kpis"]
        assert kpis["customers"] == CustomerProfile.objects.count() == 4
        assert kpis["assigned"] == CustomerProfile.objects.filter(manager__isnull=False).count() == 4
        assert kpis["unassigned"] == 0 and kpis["managers"] == 2
        loads = {row["username"]: row["load"] for row in body["managers"]}
        assert loads == {two_books.manager.user.username: 3, two_books.other_manager.user.username: 1}
        assert sum(row["count"] for row in body["classes"]) == 4
        assert body["last_run"]["placed"] == 2

    def test_the_api_and_the_console_show_the_same_figures(self, two_books, waiting, api):
        api(two_books.admin).post("/api/admin/auto-assign", {}, format="json")
        console = APIClient()
        console.force_login(two_books.admin)

        page = console.get("/console/")
        body = api(two_books.admin).get("/api/admin/dashboard").json()

        assert page.status_code == 200
        data = page.context["data"]
        assert body["kpis"]["customers"] == page.context["kpis"]["customers"]
        for key, value in page.context["kpis"].items():
            if isinstance(value, int | float) and value is not None:
                assert body["kpis"][key] == pytest.approx(value), key
        assert body["classes"] == data.classes
        assert body["scores"] == data.scores
        assert body["months"] == data.months
        assert body["occupations"] == data.occupations
        assert [(m["username"], m["load"], m["capacity"]) for m in body["managers"]] == [
            (m["username"], m["load"], m["capacity"]) for m in data.managers
        ]


def test_auto_assign_takes_a_move_cost_and_refuses_a_negative_one(two_books, waiting, api):
    client = api(two_books.admin)

    refused = client.post("/api/admin/auto-assign", {"rebalance": True, "move_cost": -1}, format="json")
    job = client.post("/api/admin/auto-assign", {"rebalance": True, "move_cost": 4, "dry_run": True}, format="json")

    assert refused.status_code == 400 and "move_cost" in refused.json()["errors"]
    assert MatchingRun.objects.get(pk=job.json()["run"]).options["move_cost"] == 4


def test_customers_and_managers_show_branch_and_tier(two_books, api):
    from vocabularies.tests.factories import BranchFactory

    branch = BranchFactory(code="BJ")
    customer = CustomerFactory(branch=branch, total_assets=800_000)
    ManagerProfile.objects.filter(pk=two_books.manager.pk).update(branch=branch, tiers=["vip"])
    client = api(two_books.admin)
    rows = {row["id"]: row for row in client.get("/api/customers", {"branch": "BJ"}).json()["results"]}
    assert [(row["branch"], row["tier"]) for row in rows.values()] == [("BJ", "vip")]
    assert customer.user_id in rows
    managers = {row["id"]: row for row in client.get("/api/managers").json()["results"]}
    assert (managers[two_books.manager.user_id]["branch"], managers[two_books.manager.user_id]["tiers"]) == (
        "BJ", ["vip"])


def test_a_rebalance_preview_s_move_costs_are_compared_on_request(two_books, waiting, api):
    client = api(two_books.admin)
    preview_id = client.post(
        "/api/admin/auto-assign", {"rebalance": True, "move_cost": 4, "dry_run": True}, format="json"
    ).json()["run"]
    assert "move_cost_curve" not in client.get(f"/api/admin/runs/{preview_id}").json()["summary"]

    started = client.post(f"/api/admin/runs/{preview_id}/move-cost-curve", {}, format="json")

    assert started.status_code == 202
    job = client.get(started.json()["url"]).json()
    assert job["kind"] == JobKind.CURVE and job["status"] == "succeeded" and job["run"] == preview_id
    summary = client.get(job["run_url"]).json()["summary"]
    curve = summary["move_cost_curve"]
    assert [point["move_cost"] for point in curve] == [0, 4, 5, 10, 20, 40]
    assert set(curve[0]) == {"move_cost", "moves", "score_gained"} and summary["move_cost_curve_at"]
    assert AuditEvent.objects.filter(action="job.move_cost_curve_requested", actor=two_books.admin).exists()


def test_move_costs_are_compared_for_a_rebalance_with_the_optimal_rule_only(two_books, waiting, api):
    client = api(two_books.admin)
    preview_id = client.post(
        "/api/admin/auto-assign", {"strategy": "greedy", "rebalance": True, "dry_run": True}, format="json"
    ).json()["run"]
    run_id = client.post("/api/admin/auto-assign", {}, format="json").json()["run"]

    refused = client.post(f"/api/admin/runs/{preview_id}/move-cost-curve", {}, format="json")
    not_a_preview = client.post(f"/api/admin/runs/{run_id}/move-cost-curve", {}, format="json")

    assert refused.status_code == 400 and "optimal rule only" in refused.json()["detail"]
    assert not_a_preview.status_code == 404
