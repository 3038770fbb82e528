"""What evaluating what-if scenarios costs on the stored data, the first evaluation and the next ones.

    PORTRAIT_BRANCH_POLICY=none DATABASE_URL=mysql://root:@127.0.0.1:3306/portrait_bench_x \
        python benchmarks/bench_scenario.py [--move-cost N] [--scenarios 3]

Saves (or takes again) `--scenarios` scenarios named "bench …", each changing ten managers' capacities and
removing one, empties their earlier evaluations, then evaluates them one after another through the service
(`planning.services.scenario_evaluate`). The first solves today's plan and its scenario's, unless an optimal
rebalance kept today's plan on these data (then it reuses that); each next one takes today's from the first
(nothing changed in between) and solves its scenario's only. Prints each evaluation's
wall and CPU time and whether today's plan was reused, and the process's peak memory. Writes only the
scenarios' own rows; asserts nothing about time.
"""
import argparse
import os
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--move-cost", type=int, default=0)
    parser.add_argument("--scenarios", type=int, default=3)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portrait.settings.base")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ.setdefault("DEBUG", "1")  # no SECRET_KEY needed; a handful of queries are logged
    import django

    django.setup()
    from django.conf import settings

    from managers.models import ManagerProfile
    from matching.selectors import plan_inputs_stamp
    from planning.models import CapacityScenario
    from planning.selectors import scenario_today_stored
    from planning.services import scenario_create, scenario_evaluate

    managers = list(ManagerProfile.objects.filter(user__is_active=True).order_by("pk").values_list("pk", "capacity"))
    scenarios = []
    for i in range(args.scenarios):
        chosen = managers[i * 11:(i + 1) * 11]
        changes = {"capacity": {str(pk): capacity + 5 for pk, capacity in chosen[:10]}, "removed": [chosen[10][0]]}
        name = f"bench {i + 1}: ten capacities +5, one manager removed"
        scenario = CapacityScenario.objects.filter(name=name).first() or scenario_create(
            name=name, changes=changes, actor=None
        )
        scenarios.append(scenario)
    CapacityScenario.objects.filter(pk__in=[s.pk for s in scenarios]).update(result={}, evaluated_at=None)
    print(f"policy {settings.PORTRAIT_BRANCH_POLICY}, move cost {args.move_cost}, "
          f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    for scenario in scenarios:
        reused = scenario_today_stored(stamp=plan_inputs_stamp(), move_cost=args.move_cost) is not None
        wall, cpu = time.perf_counter(), time.process_time()
        scenario_evaluate(scenario=scenario, move_cost=args.move_cost)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        figures = scenario.result["scenario"]
        print(f"{scenario.name}: {wall:.2f} s wall, {cpu:.2f} s CPU, today's plan "
              f"{'reused' if reused else 'solved'}; placed {figures['placed']} "
              f"(today {scenario.result['today']['placed']})")
    print(f"peak {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB; "
          f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
