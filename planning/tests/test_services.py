"""Scenarios: saved with their changes checked, evaluated beside today without changing anyone, applied
through the capacity service when they change capacities alone; the capacity plan as a job's result."""
from __future__ import annotations

import hashlib
import json

import pytest
from django.core.exceptions import ValidationError

from audit.models import AuditEvent
from customers.models import CustomerProfile
from jobs.services import job_enqueue
from managers.models import ManagerProfile
from matching.tests.conftest import SERVICES
from planning.jobs import CAPACITY_JOB, SCENARIO_JOB
from planning.models import CapacityScenario
from planning.selectors import capacity_plan_latest, scenario_capacity_changes
from planning.services import (
    capacity_plan_figures, scenario_apply, scenario_create, scenario_evaluate, scenario_update,
)

pytestmark = pytest.mark.django_db


def digest(model) -> str:
    """Every row of `model` with every field and many-to-many link, hashed."""
    m2m = [field.name for field in model._meta.many_to_many]
    rows = []
    for obj in model.objects.order_by("pk").prefetch_related(*m2m):
        values = {field.attname: str(getattr(obj, field.attname)) for field in model._meta.concrete_fields}
        values.update({name: sorted(getattr(obj, name).values_list("pk", flat=True)) for name in m2m})
        rows.append(values)
    return hashlib.sha256(json.dumps(rows, sort_keys=True).encode()).hexdigest()


def added_manager(pool, **overrides):
    manager = {
        "name": "新经理", "capabilities": [pool.portraits.services[name].pk for name in SERVICES[:2]], "hobbies": [],
        "branch": pool.sh.pk, "tiers": ["private"], "capacity": 3,
    }
    return {**manager, **overrides}


def test_a_scenario_leaves_every_customer_and_manager_row_unchanged(pool):
    scenario = scenario_create(
        name="全部", actor=pool.admin,
        changes={"capacity": {str(pool.a.pk): 5}, "removed": [pool.b.pk], "added": [added_manager(pool)]},
    )
    before = (digest(CustomerProfile), digest(ManagerProfile))

    scenario_evaluate(scenario=scenario, move_cost=3)
    job_enqueue(kind=SCENARIO_JOB, actor=pool.admin, options={"scenario": scenario.pk})
    job_enqueue(kind=CAPACITY_JOB, actor=pool.admin, options={"move_cost": 0})

    assert (digest(CustomerProfile), digest(ManagerProfile)) == before


def test_an_added_private_banking_manager_places_the_private_customer(pool):
    scenario = scenario_create(name="私行", actor=pool.admin, changes={"added": [added_manager(pool)]})

    result = scenario_evaluate(scenario=scenario).result

    assert result["today"]["unassigned"] == 3  # two in Beijing, the private customer in Shanghai
    assert result["scenario"]["unassigned"] == 2
    assert result["scenario"]["placed"] == result["today"]["placed"] + 1
    tiers = {tier["code"]: tier["placed"] for tier in result["scenario"]["tiers"]}
    assert tiers["private"] == 1
    assert CapacityScenario.objects.get(pk=scenario.pk).result == result


def test_more_seats_in_beijing_place_everyone_there_and_removing_a_manager_moves_their_customers(pool):
    more = scenario_evaluate(scenario=scenario_create(
        name="more", actor=pool.admin, changes={"capacity": {str(pool.a.pk): 4}},
    )).result
    fewer = scenario_evaluate(scenario=scenario_create(
        name="fewer", actor=pool.admin, changes={"removed": [pool.a.pk]},
    )).result

    assert more["scenario"]["unassigned"] == 1  # only the private customer
    assert fewer["scenario"]["placed"] == more["today"]["placed"] - 2  # a's two seats are gone
    assert fewer["scenario"]["moves"] >= 2  # a's two customers cannot stay


def test_changes_are_checked_before_saving(pool):
    with pytest.raises(ValidationError):
        scenario_create(name="empty", actor=pool.admin, changes={})
    with pytest.raises(ValidationError):
        scenario_create(
            name="both", actor=pool.admin, changes={"capacity": {str(pool.a.pk): 3}, "removed": [pool.a.pk]}
        )
    with pytest.raises(ValidationError):
        scenario_create(name="zero", actor=pool.admin, changes={"capacity": {str(pool.a.pk): 0}})
    with pytest.raises(ValidationError, match="These managers no longer exist: 999999"):
        scenario_create(name="ghost", actor=pool.admin, changes={"removed": [999_999]})
    with pytest.raises(ValidationError):
        scenario_create(name="tier", actor=pool.admin, changes={"added": [added_manager(pool, tiers=["gold"])]})
    assert not CapacityScenario.objects.exists()


def test_saving_is_audited_and_a_changed_scenario_loses_its_evaluation(pool):
    scenario = scenario_create(name="a+1", actor=pool.admin, changes={"capacity": {str(pool.a.pk): 3}})
    scenario_evaluate(scenario=scenario)

    scenario = scenario_update(
        scenario=scenario, name="a+2", changes={"capacity": {str(pool.a.pk): 4}}, actor=pool.admin
    )

    scenario.refresh_from_db()
    assert scenario.result == {} and scenario.evaluated_at is None
    events = list(AuditEvent.objects.filter(action="planning.scenario_saved").order_by("pk"))
    assert len(events) == 2 and events[1].changes["name"] == ["a+1", "a+2"]


def test_a_capacity_scenario_is_applied_through_the_capacity_service(pool):
    scenario = scenario_create(
        name="apply", actor=pool.admin, changes={"capacity": {str(pool.a.pk): 1, str(pool.c.pk): 5}},
    )
    changes = scenario_capacity_changes(scenario)
    assert [(change.manager.pk, change.capacity, change.new_capacity, change.below_book) for change in changes] == [
        (pool.a.pk, 2, 1, True),  # c keeps 5: nothing to change
    ]

    assert scenario_apply(scenario=scenario, actor=pool.admin) == 1

    pool.a.refresh_from_db()
    assert pool.a.capacity == 1
    assert AuditEvent.objects.filter(action="manager.availability_updated", target_id=str(pool.a.pk)).count() == 1
    applied = AuditEvent.objects.get(action="planning.scenario_applied")
    assert applied.data["managers_changed"] == 1 and applied.actor == pool.admin


def test_a_scenario_that_adds_or_removes_managers_is_not_applied(pool):
    scenario = scenario_create(name="add", actor=pool.admin, changes={"added": [added_manager(pool)]})
    with pytest.raises(ValidationError):
        scenario_apply(scenario=scenario, actor=pool.admin)


def test_the_capacity_plan_job_keeps_its_figures(pool):
    job = job_enqueue(kind=CAPACITY_JOB, actor=pool.admin, options={"move_cost": 2})

    assert capacity_plan_latest() == job
    job.refresh_from_db()
    figures = capacity_plan_figures(move_cost=2)
    assert job.result == json.loads(json.dumps(figures))
    seats = {row["username"]: row for row in figures["managers"]}
    assert seats["a"]["placed_plus"] == 1 and seats["c"]["placed_plus"] == 0 and seats["a"]["id"] == pool.a.pk
    branches = {row["name"]: row for row in figures["branches"]}
    assert branches["北京分行"]["placed_plus"] == 2 and branches["北京分行"]["managers"] == 2
    assert {row["code"] for row in figures["tiers"]} == {"mass", "vip", "private"}
    assert figures["plan"]["unassigned"] == 3


def test_a_seat_more_or_less_in_a_scenario_is_worth_the_managers_seat_values(pool):
    """Two computations of the same question agree: the seat values and a scenario changing one capacity."""
    from matching.capacity_report import scenario_report

    for row in capacity_plan_figures(move_cost=0)["managers"]:
        capacity = ManagerProfile.objects.get(pk=row["id"]).capacity
        for delta, placed, score in ((1, "placed_plus", "score_plus"), (-1, "placed_minus", "score_minus")):
            if capacity + delta < 1:
                continue
            report = scenario_report(capacities={row["id"]: capacity + delta})
            assert report.scenario.placed - report.today.placed == row[placed], (row, delta)
            assert report.scenario.total_score - report.today.total_score == row[score], (row, delta)

