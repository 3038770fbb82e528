"""Reads of capacity planning: the latest computed plan, scenarios, what applying one would change."""
from __future__ import annotations

from dataclasses import dataclass

from jobs.models import BackgroundJob, JobStatus
from managers.models import ManagerProfile
from managers.selectors import manager_loads
from matching.selectors import written_plan

from .jobs import CAPACITY_JOB
from .models import CapacityScenario


def capacity_plan_latest(*, move_cost: int | None = None) -> BackgroundJob | None:
    """The newest finished capacity plan (its figures in `result`), of any move cost or of this one, or None:
    one query."""
    jobs = BackgroundJob.objects.filter(kind=CAPACITY_JOB, status=JobStatus.SUCCEEDED)
    if move_cost is not None:
        jobs = jobs.filter(options__move_cost=move_cost)
    return jobs.select_related("actor").order_by("-finished_at", "-id").first()


def capacity_plan_pending() -> BackgroundJob | None:
    """A capacity plan queued or running, or None: one query."""
    return BackgroundJob.objects.filter(
        kind=CAPACITY_JOB, status__in=[JobStatus.QUEUED, JobStatus.RUNNING]
    ).order_by("-id").first()


def scenario_today_stored(*, stamp: str, move_cost: int) -> dict | None:
    """Today's plan as the newest evaluation computed on data of this stamp (`matching.selectors
    .plan_inputs_stamp`) with this move cost found it, else as the newest optimal rebalance wrote it on these
    data (`matching.selectors.written_plan`), or None: one or two queries.

    Evaluations first, so that every scenario on the same data is set beside the same today. Only plans of the
    placement's solver: a scenario's and the run's (`engine.place_optimal`, its proven gap), so a scenario and
    the today it is set beside differ by the changes alone. A capacity plan's is the exact optimum of another
    solver, and may differ from it by that gap.
    """
    found = (
        CapacityScenario.objects.filter(result__stamp=stamp, result__move_cost=move_cost)
        .order_by("-evaluated_at", "-id").values_list("result", flat=True).first()
    )
    return found["today"] if found else written_plan(stamp=stamp, move_cost=move_cost)


def result_current(result: dict, stamp: str) -> bool | None:
    """Whether a stored plan or evaluation (`result`) was computed on today's data (`stamp`); None when there is
    none. A result from before stamps were kept is taken as out of date."""
    return None if not result else result.get("stamp") == stamp


def scenarios_listed():
    return CapacityScenario.objects.select_related("created_by").order_by("-updated_at", "-id")


@dataclass(frozen=True)
class CapacityChange:
    manager: ManagerProfile
    capacity: int  # today's
    new_capacity: int
    load: int

    @property
    def below_book(self) -> bool:
        return self.new_capacity < self.load


def scenario_capacity_changes(scenario: CapacityScenario) -> list[CapacityChange]:
    """Each manager whose capacity the scenario changes, with today's capacity and load: two queries."""
    capacities = scenario.capacities
    managers = list(ManagerProfile.objects.filter(pk__in=capacities).select_related("user").order_by("user__username"))
    loads = manager_loads([manager.pk for manager in managers])
    return [
        CapacityChange(manager, manager.capacity, capacities[manager.pk], loads[manager.pk])
        for manager in managers
        if manager.capacity != capacities[manager.pk]
    ]
