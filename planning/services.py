"""Writes of capacity planning: saving and applying what-if scenarios, and storing their evaluation.

Evaluating reads the stored data (`matching.capacity_report`) and writes only the scenario's own row:
no customer or manager changes (planning/tests/test_services.py compares digests of every row).
Applying a scenario of capacities goes through the one capacity service,
`matching.services.manager_availability_update` (the run lock, the check against the book, its audit).
"""
from __future__ import annotations

from dataclasses import asdict
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from audit.services import audit_record, field_changes
from managers.models import ManagerProfile
from matching.capacity_report import PlannedManager, PlanSummary, capacity_report, scenario_report
from matching.selectors import plan_inputs_stamp
from matching.services import manager_availability_update
from matching.services.runs import move_cost_checked
from vocabularies.models import Branch, Hobby, Service

from .models import CapacityScenario
from .selectors import scenario_today_stored


def _references_checked(changes: dict) -> None:
    """Every manager, term and branch the changes name exists (4 queries at most)."""
    added = changes.get("added", [])
    problems = []
    for model, wanted, message in (
        (ManagerProfile, {int(pk) for pk in changes.get("capacity", {})} | set(changes.get("removed", [])),
         _("These managers no longer exist: %(ids)s.")),
        (Service, {pk for a in added for pk in a["capabilities"]}, _("These services no longer exist: %(ids)s.")),
        (Hobby, {pk for a in added for pk in a["hobbies"]}, _("These hobbies no longer exist: %(ids)s.")),
        (Branch, {a["branch"] for a in added if a["branch"] is not None},
         _("These branches no longer exist: %(ids)s.")),
    ):
        if wanted and (unknown := wanted - set(model.objects.filter(pk__in=wanted).values_list("pk", flat=True))):
            problems.append(message % {"ids": ", ".join(str(pk) for pk in sorted(unknown))})
    if problems:
        raise ValidationError({"changes": problems}, code="unknown_reference")


def _checked(scenario: CapacityScenario) -> None:
    scenario.full_clean(exclude=["created_by", "result", "evaluated_at"])
    _references_checked(scenario.changes)


@transaction.atomic
def scenario_create(*, name: str, changes: dict[str, Any], actor: User | None) -> CapacityScenario:
    """Save a named scenario (its changes checked: `models.validate_changes`, then that what it names exists)."""
    scenario = CapacityScenario(
        name=name.strip(), changes=changes, created_by=actor if getattr(actor, "pk", None) else None
    )
    _checked(scenario)
    scenario.save()
    audit_record(actor=actor, action="planning.scenario_saved", target=scenario, summary=scenario.name,
                 data={"changes": scenario.changes})
    return scenario


@transaction.atomic
def scenario_update(
    *, scenario: CapacityScenario, name: str, changes: dict[str, Any], actor: User | None
) -> CapacityScenario:
    """Rename a scenario or change its changes; its evaluation is dropped when the changes change."""
    scenario = CapacityScenario.objects.select_for_update().get(pk=scenario.pk)
    before = {"name": scenario.name, "changes": scenario.changes}
    scenario.name, scenario.changes = name.strip(), changes
    _checked(scenario)
    if scenario.changes != before["changes"]:
        scenario.result, scenario.evaluated_at = {}, None
    if diff := field_changes(before, {"name": scenario.name, "changes": scenario.changes}):
        scenario.save()
        audit_record(actor=actor, action="planning.scenario_saved", target=scenario, summary=scenario.name,
                     changes=diff)
    return scenario


@transaction.atomic
def scenario_delete(*, scenario: CapacityScenario, actor: User | None) -> None:
    audit_record(actor=actor, action="planning.scenario_deleted", target=scenario, summary=scenario.name,
                 data={"changes": scenario.changes})
    scenario.delete()


def capacity_plan_figures(*, move_cost: int) -> dict[str, Any]:
    """The capacity report as JSON (a job's result): seat values per manager, by branch and tier, the shortfall
    groups and today's optimal plan, and the stamp of the data it was computed on. Reads only."""
    stamp = plan_inputs_stamp()  # before reading: a change while computing leaves the result out of date
    report = capacity_report(move_cost=move_cost_checked(move_cost))
    return {
        "move_cost": move_cost,
        "stamp": stamp,
        "placed": report.placed,
        "score": report.score,
        "plan": asdict(report.plan),
        "managers": [{"id": pk, **asdict(seat)} for pk, seat in zip(report.manager_ids, report.managers)],
        "branches": [asdict(row) for row in report.branches],
        "tiers": [asdict(row) for row in report.tiers],
        "groups": [asdict(group) for group in report.groups],
    }


def scenario_evaluate(*, scenario: CapacityScenario, move_cost: int = 0) -> CapacityScenario:
    """Compute the scenario's optimal plan beside today's and keep it on the scenario's row (its only write:
    no customer or manager changes), with the stamp of the data it was computed on.

    Today's plan is solved once per state of the data and move cost: while the data are unchanged
    (`matching.selectors.plan_inputs_stamp`), each evaluation after the first takes today's from the newest
    one (`selectors.scenario_today_stored`) and solves only the scenario's."""
    move_cost = move_cost_checked(move_cost)
    stamp = plan_inputs_stamp()  # before reading: a change while computing leaves the result out of date
    stored = scenario_today_stored(stamp=stamp, move_cost=move_cost)
    changes = scenario.changes
    added = changes.get("added", [])
    names = {
        (model, pk): name
        for model in (Service, Hobby)
        for pk, name in model.objects.filter(
            pk__in={pk for a in added for pk in a["capabilities" if model is Service else "hobbies"]}
        ).values_list("pk", "name")
    }
    report = scenario_report(
        capacities=scenario.capacities,
        removed=scenario.removed,
        added=[
            PlannedManager(
                capabilities=[names[Service, pk] for pk in a["capabilities"] if (Service, pk) in names],
                hobbies=[names[Hobby, pk] for pk in a["hobbies"] if (Hobby, pk) in names],
                capacity=a["capacity"], branch_id=a["branch"], tiers=a["tiers"],
            )
            for a in added
        ],
        move_cost=move_cost,
        today=PlanSummary(**stored) if stored else None,
    )
    scenario.result = {"move_cost": move_cost, "stamp": stamp, "today": asdict(report.today),
                       "scenario": asdict(report.scenario)}
    scenario.evaluated_at = timezone.now()
    CapacityScenario.objects.filter(pk=scenario.pk).update(result=scenario.result, evaluated_at=scenario.evaluated_at)
    return scenario


@transaction.atomic
def scenario_apply(*, scenario: CapacityScenario, actor: User | None) -> int:
    """Set the capacities of a scenario that changes only capacities, each through the capacity service (a
    capacity below a book is kept: the caller has confirmed it, with the count). Returns the managers changed."""
    if not scenario.capacity_only:
        raise ValidationError(
            _("Only a scenario that changes capacities alone can be applied."), code="not_capacity_only"
        )
    _references_checked(scenario.changes)
    capacities = scenario.capacities
    changed = 0
    for manager in ManagerProfile.objects.filter(pk__in=capacities).select_related("user").order_by("pk"):
        if manager.capacity != capacities[manager.pk]:
            manager_availability_update(
                manager=manager, actor=actor, capacity=capacities[manager.pk], confirm_overflow=True
            )
            changed += 1
    audit_record(actor=actor, action="planning.scenario_applied", target=scenario, summary=scenario.name,
                 data={"capacity": scenario.changes["capacity"], "managers_changed": changed})
    return changed
