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
    with django_assert_max_num_queries(4):
        body = client.get("/api/admin/capacity-plan", {"move_cost": 2}).json()
    seats = {row["username"]: row for row in body["managers"]}
    assert set(seats) == {"a", "b", "c"} and seats["a"]["placed_plus"] == 1 and seats["a"]["id"] == pool.a.pk
    assert set(seats["a"]) == {"id", "username", "placed_plus", "score_plus", "placed_minus", "score_minus"}
    assert body["move_cost"] == 2 and body["plan"]["unassigned"] == 3
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
