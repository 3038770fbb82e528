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

    from matching.services import run_automatic, segments_compute

    print(f"database: {connection.vendor} ({os.environ['DATABASE_URL']})")
    call_command("migrate", verbosity=0)
    clock = time.perf_counter()
    call_command("seed_demo", customers=args.customers, managers=args.managers, seed=args.seed, force=True, verbosity=0)
    print(f"seed_demo --customers {args.customers} --managers {args.managers}: {time.perf_counter() - clock:.1f}s")

    for label, options in [
        ("optimal, dry run", {"dry_run": True}),
        ("greedy, dry run", {"strategy": "greedy", "dry_run": True}),
        ("optimal (first run, writes)", {}),
        ("optimal (second run: nothing to place)", {}),
        ("optimal --rebalance, dry run", {"rebalance": True, "dry_run": True}),
    ]:
        clock = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            report = run_automatic(**options)
        run = report.run
        phases = ", ".join(f"{phase} {seconds:.2f}s" for phase, seconds in report.seconds.items())
        print(
            f"{label}: {time.perf_counter() - clock:.1f}s ({phases}); {len(queries)} queries; "
            f"placed {run.customers_placed}, unassigned {run.customers_unassigned}, total {run.total_score}, "
            f"mean {run.mean_score:.2f}, changes {len(report.changes)}"
            + (f"; {'; '.join(report.warnings)}" if report.warnings else "")
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
