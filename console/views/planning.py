"""Capacity planning: what one seat more or less at each manager is worth in the optimal plan (computed in
the background, the newest result shown), and what-if scenarios saved, evaluated beside today's plan,
compared side by side and, when they change capacities alone, applied through the capacity service."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from accounts.access import can_plan_capacity
from jobs.services import job_enqueue
from managers.models import ManagerProfile
from matching.selectors import plan_inputs_stamp
from planning.jobs import CAPACITY_JOB, SCENARIO_JOB
from planning.models import CapacityScenario
from planning.selectors import (
    capacity_plan_latest, capacity_plan_pending, result_current, scenario_capacity_changes, scenarios_listed,
)
from planning.services import scenario_apply, scenario_create, scenario_delete, scenario_update
from vocabularies.models import Branch, Hobby, Service
from vocabularies.tiers import tier_choices

from ..planning_forms import MoveCostForm, ScenarioForms
from .common import allow, client_ip, confirmation_page, confirmed, console_page, job_started, refusal

#: The sortable columns of the seat table (key -> the value it sorts by).
SEAT_SORTS = {
    "manager": lambda row: row["username"],
    "placed_plus": lambda row: (row["placed_plus"], row["score_plus"]),
    "score_plus": lambda row: row["score_plus"],
    "placed_minus": lambda row: (row["placed_minus"], row["score_minus"]),
    "score_minus": lambda row: row["score_minus"],
}
#: The managers the chart shows: the seats worth most (the table lists everyone).
CHART_MANAGERS = 30
TOP = 10


def _tier_name(code: str, stored: str) -> str:
    """A tier's name in the reader's language (results keep the name in the language they were computed in)."""
    return str(dict(tier_choices()).get(code, stored))


def _seat_rank(row) -> tuple:
    return (-row["placed_plus"], -row["score_plus"], row["username"])


def _plan_context(request, plan: dict) -> dict:
    """The page's tables and chart from a capacity plan's result (one query: the managers' names)."""
    names = dict(
        ManagerProfile.objects.filter(pk__in=[row["id"] for row in plan["managers"]]).values_list("pk", "user__name")
    )
    managers = [{**row, "name": names.get(row["id"]) or row["username"]} for row in plan["managers"]]
    ranked = sorted(managers, key=_seat_rank)
    sort = request.GET.get("sort", "")
    key = SEAT_SORTS.get(sort.removeprefix("-"))
    rows = sorted(managers, key=key, reverse=sort.startswith("-")) if key else ranked
    worth = [row for row in ranked if row["placed_plus"] > 0 or row["score_plus"] > 0]
    return {
        "plan": plan,
        "seats": rows,
        "top_managers": worth[:TOP],
        "top_branches": sorted(plan["branches"], key=_seat_rank_keyed)[:TOP],
        "top_tiers": sorted(
            [{**row, "name": _tier_name(row["code"], row["name"])} for row in plan["tiers"]], key=_seat_rank_keyed
        ),
        "short_groups": [
            {**g, "tier": _tier_name(g["tier_code"], g["tier"])}
            for g in plan["groups"] if g["unassigned"] or g["below_best"]
        ],
        "chart": {
            "managers": [
                {"label": row["name"], "placed_plus": row["placed_plus"], "score_plus": row["score_plus"]}
                for row in ranked[:CHART_MANAGERS]
            ],
            "text": {"placed": _("Customers placed by one more seat"), "score": _("Points added by one more seat")},
        },
    }


def _seat_rank_keyed(row) -> tuple:
    return (-row["placed_plus"], -row["score_plus"], row["name"])


@console_page
def capacity_home(request):
    """The newest capacity plan: today's optimal figures, each manager's four numbers, where seats are worth
    most and who is left short, and whether it is out of date; a form to compute it again. Ten queries and the
    session's."""
    allow(can_plan_capacity, request.user)
    latest = capacity_plan_latest()
    context = {
        "job": latest,
        "current": result_current(latest.result, plan_inputs_stamp()) if latest else None,
        "pending": capacity_plan_pending(),
        "form": MoveCostForm(initial={"move_cost": latest.result.get("move_cost", 0) if latest else 0}),
        "scenarios": scenarios_listed()[:5],
    }
    if latest is not None:
        context.update(_plan_context(request, latest.result))
    return render(request, "console/capacity.html", context)


@console_page
@require_POST
def capacity_recompute(request):
    allow(can_plan_capacity, request.user)
    form = MoveCostForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("console:capacity")
    job = job_enqueue(kind=CAPACITY_JOB, actor=request.user, options={"move_cost": form.cleaned_data["move_cost"]},
                      ip_address=client_ip())
    job_started(request, job)
    return redirect("console:capacity") if job.done else redirect("console:job", pk=job.pk)


@console_page
def scenario_list(request):
    allow(can_plan_capacity, request.user)
    scenarios = list(scenarios_listed())
    stamp = plan_inputs_stamp()
    for scenario in scenarios:
        scenario.current = result_current(scenario.result, stamp)
    return render(request, "console/scenarios.html", {"scenarios": scenarios})


def _scenario_form_page(request, *, scenario: CapacityScenario | None):
    forms = ScenarioForms(request.POST if request.method == "POST" else None, scenario=scenario)
    if request.method == "POST" and forms.is_valid():
        try:
            if scenario is None:
                scenario = scenario_create(name=forms.name, changes=forms.changes(), actor=request.user)
            else:
                scenario = scenario_update(scenario=scenario, name=forms.name, changes=forms.changes(),
                                           actor=request.user)
        except ValidationError as exc:
            for message in exc.messages:
                forms.add_error(message)
        else:
            messages.success(request, _("Scenario “%(name)s” saved.") % {"name": scenario.name})
            return redirect("console:scenario", pk=scenario.pk)
    return render(request, "console/scenario_form.html", {"forms": forms, "scenario": scenario})


@console_page
def scenario_create_view(request):
    allow(can_plan_capacity, request.user)
    return _scenario_form_page(request, scenario=None)


@console_page
def scenario_edit(request, pk: int):
    allow(can_plan_capacity, request.user)
    return _scenario_form_page(request, scenario=get_object_or_404(CapacityScenario, pk=pk))


def _described(scenarios: list[CapacityScenario]) -> dict[int, dict]:
    """What each scenario changes, in words staff read: managers by name, terms and branches by name
    (four queries for any number of scenarios)."""
    manager_ids = {pk for s in scenarios for pk in [*s.capacities, *s.removed]}
    managers = {
        pk: (name or username, capacity)
        for pk, name, username, capacity in ManagerProfile.objects.filter(pk__in=manager_ids)
        .values_list("pk", "user__name", "user__username", "capacity")
    }
    terms = {model: dict(model.objects.values_list("pk", "name")) for model in (Service, Hobby)}
    branches = dict(Branch.objects.values_list("pk", "name"))
    described = {}
    for s in scenarios:
        described[s.pk] = {
            "capacities": [
                {"id": pk, "name": managers.get(pk, (str(pk), None))[0], "today": managers.get(pk, (None, None))[1],
                 "capacity": value}
                for pk, value in s.capacities.items()
            ],
            "removed": [{"id": pk, "name": managers.get(pk, (str(pk), None))[0]} for pk in s.removed],
            "added": [
                {**a, "capability_names": [terms[Service].get(pk, "?") for pk in a["capabilities"]],
                 "hobby_names": [terms[Hobby].get(pk, "?") for pk in a["hobbies"]],
                 "branch_name": branches.get(a["branch"], "") if a["branch"] else ""}
                for a in s.added
            ],
        }
    return described


def _figure_rows(result: dict) -> list[dict]:
    """Today's plan, the scenario's and the difference, figure by figure (the chart's table too)."""
    today, scenario = result["today"], result["scenario"]
    labels = [
        ("placed", _("Placed")), ("unassigned", _("Left unassigned")), ("total_score", _("Total score")),
        ("mean_score", _("Mean match score")), ("moves", _("Customers who change manager")),
    ]
    rows = [{"label": label, "today": today[key], "scenario": scenario[key]} for key, label in labels]
    rows += [
        {"label": _("Match fit %(letter)s") % {"letter": letter}, "today": count,
         "scenario": scenario["classes"][letter]}
        for letter, count in today["classes"].items()
    ]
    rows += [
        {"label": _("Placed, %(tier)s") % {"tier": _tier_name(tier["code"], tier["name"])}, "today": tier["placed"],
         "scenario": other["placed"]}
        for tier, other in zip(today["tiers"], scenario["tiers"])
    ]
    for row in rows:
        row["difference"] = round(row["scenario"] - row["today"], 2)
    return rows


def _figures_chart(result: dict) -> dict:
    """The scenario-against-today chart: customers per class in both plans, and placed per tier."""
    today, scenario = result["today"], result["scenario"]
    return {
        "classes": list(today["classes"]),
        "today_classes": list(today["classes"].values()),
        "scenario_classes": list(scenario["classes"].values()),
        "tiers": [_tier_name(tier["code"], tier["name"]) for tier in today["tiers"]],
        "today_tiers": [tier["placed"] for tier in today["tiers"]],
        "scenario_tiers": [tier["placed"] for tier in scenario["tiers"]],
        "text": {"today": _("Today's team"), "scenario": _("Scenario"), "classes": _("Customers per match fit"),
                 "tiers": _("Customers placed per service tier")},
    }


@console_page
def scenario_detail(request, pk: int):
    """One scenario: its changes, its plan beside today's (once evaluated), evaluate, edit, apply."""
    allow(can_plan_capacity, request.user)
    scenario = get_object_or_404(CapacityScenario.objects.select_related("created_by"), pk=pk)
    result = scenario.result or None
    return render(request, "console/scenario.html", {
        "scenario": scenario,
        "described": _described([scenario])[scenario.pk],
        "result": result,
        "current": result_current(scenario.result, plan_inputs_stamp()),
        "chart": _figures_chart(result) if result else None,
        "rows": _figure_rows(result) if result else [],
        "form": MoveCostForm(initial={"move_cost": (result or {}).get("move_cost", 0)}),
        "apply_question": _apply_question(len(scenario_capacity_changes(scenario))) if scenario.capacity_only else "",
    })


@console_page
@require_POST
def scenario_evaluate_start(request, pk: int):
    allow(can_plan_capacity, request.user)
    scenario = get_object_or_404(CapacityScenario, pk=pk)
    form = MoveCostForm(request.POST)
    move_cost = form.cleaned_data["move_cost"] if form.is_valid() else 0
    job = job_enqueue(kind=SCENARIO_JOB, actor=request.user, options={"scenario": scenario.pk, "move_cost": move_cost},
                      ip_address=client_ip())
    job_started(request, job)
    return redirect("console:scenario", pk=scenario.pk) if job.done else redirect("console:job", pk=job.pk)


def _apply_question(count: int) -> str:
    return ngettext(
        "Set the capacity of %(count)d manager as this scenario says?",
        "Set the capacity of %(count)d managers as this scenario says?",
        count,
    ) % {"count": count}


@console_page
@require_POST
def scenario_apply_view(request, pk: int):
    """Apply a scenario of capacities once asked with the count (and the managers left below their book)."""
    allow(can_plan_capacity, request.user)
    scenario = get_object_or_404(CapacityScenario, pk=pk)
    cancel = reverse("console:scenario", args=[scenario.pk])
    if not scenario.capacity_only:
        messages.error(request, _("Only a scenario that changes capacities alone can be applied."))
        return redirect(cancel)
    changes = scenario_capacity_changes(scenario)
    if not confirmed(request):
        below = [change for change in changes if change.below_book]
        detail = " ".join(
            _("%(manager)s: capacity %(before)d → %(after)d.") % {
                "manager": change.manager.user.display_name, "before": change.capacity, "after": change.new_capacity}
            for change in changes
        )
        if below:
            detail += " " + ngettext(
                "%(count)d manager keeps more customers than the new capacity: runs give them no one new until "
                "the book is below it.",
                "%(count)d managers keep more customers than the new capacity: runs give them no one new until "
                "the book is below it.",
                len(below),
            ) % {"count": len(below)}
        return confirmation_page(request, question=_apply_question(len(changes)), detail=detail, cancel=cancel)
    try:
        changed = scenario_apply(scenario=scenario, actor=request.user)
    except ValidationError as exc:
        refusal(request, exc)
    else:
        messages.success(request, ngettext(
            "The capacity of %(count)d manager was changed.", "The capacity of %(count)d managers was changed.",
            changed,
        ) % {"count": changed})
    return redirect(cancel)


@console_page
@require_POST
def scenario_delete_view(request, pk: int):
    allow(can_plan_capacity, request.user)
    scenario = get_object_or_404(CapacityScenario, pk=pk)
    scenario_delete(scenario=scenario, actor=request.user)
    messages.success(request, _("Scenario “%(name)s” deleted.") % {"name": scenario.name})
    return redirect("console:scenarios")


@console_page
def scenario_compare(request):
    """Two or more scenarios side by side, each beside today's plan as it was evaluated. Three queries."""
    allow(can_plan_capacity, request.user)
    ids = [int(pk) for pk in request.GET.getlist("scenario") if pk.isdigit()]
    scenarios = list(CapacityScenario.objects.filter(pk__in=ids).order_by("name"))
    if len(scenarios) < 2:
        messages.error(request, _("Choose two or more scenarios to compare."))
        return redirect("console:scenarios")
    described = _described(scenarios)
    stamp = plan_inputs_stamp()
    columns = [
        {"scenario": s, "described": described[s.pk], "rows": _figure_rows(s.result) if s.result else None,
         "current": result_current(s.result, stamp)}
        for s in scenarios
    ]
    labels = next(([row["label"] for row in c["rows"]] for c in columns if c["rows"]), [])
    today = next(([row["today"] for row in c["rows"]] for c in columns if c["rows"]), [])
    table = [
        {"label": label, "today": today[i],
         "cells": [c["rows"][i] if c["rows"] and i < len(c["rows"]) else None for c in columns]}
        for i, label in enumerate(labels)
    ]
    return render(request, "console/scenario_compare.html", {"columns": columns, "table": table})
