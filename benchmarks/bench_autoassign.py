"""End-to-end matching benchmark: seed N customers and M managers, then time autoassign's phases.

    python benchmarks/bench_autoassign.py --customers 100000 --managers 2000
    DATABASE_URL=mysql://root:@127.0.0.1:3306/portrait_bench python benchmarks/bench_autoassign.py

Uses its own database (a temporary SQLite file unless DATABASE_URL is given) and prints figures;
it asserts nothing about time.
"""
import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=20_000)
    parser.add_argument("--managers", type=int, default=400)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()

    workdir = tempfile.mkdtemp(prefix="portrait-bench-")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{workdir}/bench.sqlite3")
    os.environ["DEBUG"] = "1"
    os.environ["DJANGO_SETTINGS_MODULE"] = "portrait.settings.base"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from matching.models import Strategy
    from insights.services import segments_compute
    from matching.services import run_automatic
    from matching.services.previews import preview_create

    print(f"database: {connection.vendor} ({os.environ['DATABASE_URL']})")
    call_command("migrate", verbosity=0)
    clock = time.perf_counter()
    call_command(
        "seed_demo", customers=args.customers, managers=args.managers, seed=args.seed, minimal=True, force=True,
        verbosity=0,
    )
    print(f"seed_demo --customers {args.customers} --managers {args.managers}: {time.perf_counter() - clock:.1f}s")

    for label, options in [
        ("optimal, preview (dry run)", {"preview": True}),
        ("greedy, preview (dry run)", {"strategy": Strategy.GREEDY, "preview": True}),
        ("optimal (first run, writes)", {}),
        ("optimal (second run: nothing to place)", {}),
        ("optimal --rebalance, preview (dry run)", {"rebalance": True, "preview": True}),
    ]:
        clock = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            if options.pop("preview", False):
                run = preview_create(actor=None, **options)
                seconds, changes, warnings = run.summary["seconds"], run.summary["changes"], []
            else:
                report = run_automatic(**options)
                run, seconds, changes, warnings = report.run, report.seconds, len(report.changes), report.warnings
        phases = ", ".join(f"{phase} {value:.2f}s" for phase, value in seconds.items())
        print(
            f"{label}: {time.perf_counter() - clock:.1f}s ({phases}); {len(queries)} queries; "
            f"placed {run.customers_placed}, unassigned {run.customers_unassigned}, total {run.total_score}, "
            f"mean {run.mean_score:.2f}, changes {changes}"
            + (f"; {'; '.join(warnings)}" if warnings else "")
        )

    clock = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        segments = segments_compute(actor=None)
    quality = f", silhouette {segments.silhouette:.3f}" if segments.silhouette is not None else ""
    print(
        f"segment (k by silhouette): {time.perf_counter() - clock:.1f}s; {len(queries)} queries; "
        f"k={segments.k}{quality}"
    )


if __name__ == "__main__":
    main()
