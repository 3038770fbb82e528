"""Capacity planning's kinds of background job, registered with the jobs app in `PlanningConfig.ready()`.

At 100k customers a plan takes tens of seconds: pages queue it and show the newest finished one. The work
functions are thin wrappers around the services, like the `capacity_plan` command.
"""
from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from jobs.registry import Progress, job_kind_register

CAPACITY_JOB = "capacity_plan"
SCENARIO_JOB = "scenario_eval"


def _capacity_plan(job, progress: Progress) -> dict:
    from .services import capacity_plan_figures

    for _phase in progress(["capacity_plan"], desc="capacity_plan"):
        figures = capacity_plan_figures(move_cost=int(job.options.get("move_cost", 0)))
    return figures


def _scenario_evaluation(job, progress: Progress) -> dict:
    from .models import CapacityScenario
    from .services import scenario_evaluate

    for _phase in progress(["scenario"], desc="scenario"):
        scenario = scenario_evaluate(
            scenario=CapacityScenario.objects.get(pk=job.options["scenario"]),
            move_cost=int(job.options.get("move_cost", 0)),
        )
    return {"scenario": scenario.pk, "placed": scenario.result["scenario"]["placed"],
            "unassigned": scenario.result["scenario"]["unassigned"]}


def register_job_kinds() -> None:
    job_kind_register(CAPACITY_JOB, label=_("Capacity plan"), work=_capacity_plan)
    job_kind_register(SCENARIO_JOB, label=_("Scenario evaluation"), work=_scenario_evaluation)
