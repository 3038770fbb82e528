"""A rebalance preview, and its chart of moves against gain, on an existing data set (issue 21.4).

    DATABASE_URL=mysql://root:@127.0.0.1:3306/portrait_bench_previewcurve \\
        python benchmarks/bench_preview_curve.py [--move-cost N] [--curve] [--policy branch]

Times `preview_create(rebalance=True)`, counting its optimal solves (at commit 6a620f2 and before, the preview
planned the curve too: copy this script into such a checkout and run it without `--curve`), and with `--curve`
`preview_curve_compute` on that preview (the costs solved), inside a transaction that is rolled back: the data
set is left as it was. Prints figures (wall, CPU, each phase, peak RSS); asserts nothing about time.
"""
import argparse
import os
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


class _RolledBack(Exception):
    pass


def _timed(label, call):
    wall, cpu = time.perf_counter(), time.process_time()
    result = call()
    print(f"{label}: {time.perf_counter() - wall:.2f} s wall, {time.process_time() - cpu:.2f} s CPU")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--move-cost", type=int, default=0)
    parser.add_argument("--curve", action="store_true", help="then compute the preview's curve")
    parser.add_argument("--policy", choices=("none", "branch", "region"), help="PORTRAIT_BRANCH_POLICY")
    args = parser.parse_args()
    if args.policy:
        os.environ["PORTRAIT_BRANCH_POLICY"] = args.policy
    os.environ.setdefault("DEBUG", "1")
    os.environ["DJANGO_SETTINGS_MODULE"] = "portrait.settings.base"
    import django

    django.setup()
    from unittest import mock

    from django.db import connection, transaction

    from matching import engine
    from matching.services.previews import preview_create

    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}; load average "
          + " ".join(f"{x:.1f}" for x in os.getloadavg()))
    try:
        with transaction.atomic():
            with mock.patch.object(engine, "place_optimal", side_effect=engine.place_optimal) as solves:
                preview = _timed(
                    "preview", lambda: preview_create(actor=None, rebalance=True, move_cost=args.move_cost)
                )
            print(f"  phases {preview.summary['seconds']}; optimal solves {solves.call_count}; "
                  f"moved {preview.customers_moved}, gained {preview.summary['score_gained']}")
            if args.curve:
                from matching.services.previews import preview_curve_compute

                with mock.patch.object(engine, "place_optimal", side_effect=engine.place_optimal) as solves:
                    preview = _timed("curve", lambda: preview_curve_compute(preview=preview, actor=None))
                print(f"  phases {preview.summary['move_cost_curve_seconds']}; optimal solves {solves.call_count}; "
                      "points "
                      + ", ".join(f"N={p['move_cost']}: {p['moves']} moved, +{p['score_gained']}"
                                  for p in preview.summary["move_cost_curve"]))
            raise _RolledBack
    except _RolledBack:
        pass
    print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024} MB")


if __name__ == "__main__":
    main()
