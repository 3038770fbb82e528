"""/api/admin/capacity-plan and /api/admin/capacity-scenarios: admins only, jobs to poll, checked changes."""
from __future__ import annotations

import pytest
from django.test import Client

from audit.models import AuditEvent
from customers.models import CustomerProfile
from managers.models import ManagerProfile
from planning.models import CapacityScenario
from planning.tests.conftest import build_pool
from planning.tests.test_services import added_manager, digest

from .conftest import bearer

pytestmark = pytest.mark.django_db


@pytest.fixture
def pool(db, settings):
    return build_pool(settings)


def api(user) -> Client:
    return Client(**bearer(user))


def test_the_plan_is_404_until_computed_then_every_managers_four_numbers(pool, django_assert_max_num_queries):
    client = api(pool.admin)
    assert client.get("/api/admin/capacity-plan").status_code == 404

    started = client.post("/api/admin/capacity-plan", {"move_cost": 2}, content_type="application/json")

    assert started.status_code == 202 and started.json()["done"] and started.json()["kind"] == "capacity_plan"
    with django_assert_max_num_queries(10):  # 6 of them: whether the plan is current (plan_inputs_stamp)
        body = client.get("/api/admin/capacity-plan", {"move_cost": 2}).json()
    seats = {row["username"]: row for row in body["managers"]}
    assert set(seats) == {"a", "b", "c"} and seats["a"]["placed_plus"] == 1 and seats["a"]["id"] == pool.a.pk
    assert set(seats["a"]) == {"id", "username", "placed_plus", "score_plus", "placed_minus", "score_minus"}
    assert body["move_cost"] == 2 and body["plan"]["unassigned"] == 3 and body["current"] is True
    assert {row["code"] for row in body["branches"]} == {"BJ", "SH"}
    assert any(group["tier_code"] == "private" and group["unassigned"] == 1 for group in body["groups"])
    assert client.get("/api/admin/capacity-plan", {"move_cost": 5}).status_code == 404
    assert client.get("/api/admin/capacity-plan", {"move_cost": -1}).status_code == 400


def test_managers_and_customers_are_refused(pool):
    for user in (pool.a.user, pool.customers[0].user):
        client = api(user)
        assert client.get("/api/admin/capacity-plan").status_code == 403
        assert client.post("/api/admin/capacity-plan", {}, content_type="application/json").status_code == 403
        assert client.get("/api/admin/capacity-scenarios").status_code == 403
    assert Client().get("/api/admin/capacity-plan").status_code == 401


def test_a_scenario_is_saved_evaluated_and_read_without_changing_anyone(pool):
    client = api(pool.admin)
    changes = {"capacity": {str(pool.a.pk): 4}, "added": [added_manager(pool)]}
    created = client.post("/api/admin/capacity-scenarios", {"name": "api", "changes": changes},
                          content_type="application/json")
    assert created.status_code == 201, created.content
    scenario = created.json()
    assert scenario["changes"] == changes and scenario["capacity_only"] is False and scenario["result"] == {}
    assert AuditEvent.objects.filter(action="planning.scenario_saved").count() == 1
    before = (digest(CustomerProfile), digest(ManagerProfile))

    job = client.post(f"/api/admin/capacity-scenarios/{scenario['id']}/evaluate", {"move_cost": 1},
                      content_type="application/json")

    assert job.status_code == 202 and job.json()["result"]["scenario"] == scenario["id"]
    assert (digest(CustomerProfile), digest(ManagerProfile)) == before
    read = client.get(f"/api/admin/capacity-scenarios/{scenario['id']}").json()
    assert read["result"]["move_cost"] == 1 and read["result"]["scenario"]["unassigned"] == 0
    listed = client.get("/api/admin/capacity-scenarios").json()
    assert [row["name"] for row in listed["results"]] == ["api"]


def test_bad_changes_are_refused_with_the_models_reasons(pool):
    client = api(pool.admin)
    for changes in ({}, {"removed": [999_999]}, {"capacity": {str(pool.a.pk): 0}}, {"other": 1}):
        response = client.post("/api/admin/capacity-scenarios", {"name": "bad", "changes": changes},
                               content_type="application/json")
        assert response.status_code == 400, changes
        assert "changes" in response.json()["errors"]
    client.post("/api/admin/capacity-scenarios", {"name": "dup", "changes": {"removed": [pool.b.pk]}},
                content_type="application/json")
    again = client.post("/api/admin/capacity-scenarios", {"name": "dup", "changes": {"removed": [pool.b.pk]}},
                        content_type="application/json")
    assert again.status_code == 400 and "name" in again.json()["errors"]
    assert CapacityScenario.objects.count() == 1


def test_a_scenario_is_changed_and_deleted_through_the_services_and_audited(pool):
    client = api(pool.admin)
    body = {"name": "a+2", "changes": {"capacity": {str(pool.a.pk): 4}}}
    scenario = client.post("/api/admin/capacity-scenarios", body, content_type="application/json").json()
    url = f"/api/admin/capacity-scenarios/{scenario['id']}"
    client.post(f"{url}/evaluate", {}, content_type="application/json")
    assert client.get(url).json()["current"] is True

    renamed = client.patch(url, {"name": "a+2 (北京)"}, content_type="application/json")

    assert renamed.status_code == 200, renamed.content
    assert renamed.json()["name"] == "a+2 (北京)" and renamed.json()["result"]  # the same changes: still evaluated
    replaced = client.put(url, {"name": "no b", "changes": {"removed": [pool.b.pk]}}, content_type="application/json")
    assert replaced.status_code == 200 and replaced.json()["result"] == {} and replaced.json()["current"] is None
    assert CapacityScenario.objects.get().changes == {"removed": [pool.b.pk]}
    saved = AuditEvent.objects.filter(action="planning.scenario_saved").order_by("pk")
    assert [event.changes.keys() for event in saved][1:] == [{"name"}, {"name", "changes"}]
    assert all(event.actor == pool.admin for event in saved)
    bad = client.patch(url, {"changes": {"removed": [999_999]}}, content_type="application/json")
    assert bad.status_code == 400 and "changes" in bad.json()["errors"]
    assert api(pool.a.user).delete(url).status_code == 403

    assert client.delete(url).status_code == 204

    assert not CapacityScenario.objects.exists()
    deleted = AuditEvent.objects.get(action="planning.scenario_deleted")
    assert deleted.actor == pool.admin and deleted.summary == "no b"


def test_an_evaluation_made_before_a_change_is_not_current(pool):
    from matching.services import manager_availability_update

    client = api(pool.admin)
    body = {"name": "a+2", "changes": {"capacity": {str(pool.a.pk): 4}}}
    scenario = client.post("/api/admin/capacity-scenarios", body, content_type="application/json").json()
    client.post(f"/api/admin/capacity-scenarios/{scenario['id']}/evaluate", {}, content_type="application/json")
    client.post("/api/admin/capacity-plan", {}, content_type="application/json")

    manager_availability_update(manager=pool.c, actor=pool.admin, capacity=7)

    assert client.get(f"/api/admin/capacity-scenarios/{scenario['id']}").json()["current"] is False
    assert client.get("/api/admin/capacity-scenarios").json()["results"][0]["current"] is False
    assert client.get("/api/admin/capacity-plan").json()["current"] is False
