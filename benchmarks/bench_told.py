"""What telling people of a large run costs, one row per person told against managers' summaries.

    DJANGO_SETTINGS_MODULE=portrait.settings.base DATABASE_URL=mysql://root:@127.0.0.1:3306/portrait_bench_… \\
        python benchmarks/bench_told.py [--repeat 2]

Takes the moves of the database's last successful run (run one first: `manage.py autoassign --rebalance`)
and records their notifications again (`notifications.services.notifications_record`), alternately with
`SUMMARY_AFTER` out of reach (every manager told of each customer: three rows per move, as before managers'
summaries) and as configured, each inside a transaction that is rolled back: the database is left as it
was. Prints rows, wall and the client's CPU seconds; asserts nothing.
"""
import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portrait.settings.base")
    import django

    django.setup()
    from django.db import transaction
    from django.utils import timezone

    from matching.events import ChangeCause
    from matching.models import Assignment, MatchingRun, RunStatus
    from notifications import services
    from notifications.models import Notification

    run = MatchingRun.objects.filter(status=RunStatus.SUCCEEDED).latest("pk")
    moves = list(Assignment.objects.filter(run=run).values_list("customer_id", "previous_manager_id", "new_manager_id"))
    already = Notification.objects.filter(run=run).count()
    print(f"run {run.pk}: {len(moves)} moves", flush=True)
    configured = services.SUMMARY_AFTER
    for label, summary_after in [("one row per person", len(moves) + 1), ("summaries", configured)] * args.repeat:
        services.SUMMARY_AFTER = summary_after
        with transaction.atomic():
            wall, cpu = time.perf_counter(), time.process_time()
            services.notifications_record(
                moves=moves, cause=ChangeCause.AUTOMATIC_RUN, run_id=run.pk, at=timezone.now()
            )
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            rows = Notification.objects.filter(run=run).count() - already
            transaction.set_rollback(True)
        print(f"{label:20s} {rows:9d} rows {wall:7.1f} s wall {cpu:6.1f} s CPU  "
              f"load average {os.getloadavg()[0]:.1f}", flush=True)


if __name__ == "__main__":
    main()
