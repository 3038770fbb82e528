"""Benchmark harness: autoassign and import at bank scale, beside the older system's algorithm.

    python -m benchmarks.harness --customers 20000 --managers 200 --capacity 150
    DATABASE_URL=mysql://root:@127.0.0.1:3306/portrait_perf python -m benchmarks.harness \\
        --customers 100000 --managers 1000 --capacity 150 --json benchmarks/results/100k.json

On the configured database (a temporary SQLite file when DATABASE_URL is unset) it:

1. wipes the data (only on a database whose name says bench/perf/test, a temporary file, or with
   --allow-flush) and generates a reproducible data set through the bulk paths (``seed_demo``'s synthetic
   generator, then --terms services and hobbies in all, managers of --capacity);
2. times ``manage.py autoassign --rebalance`` as a child process for each strategy, from the same state
   (nobody assigned): wall time with start-up, the run's own seconds per phase, the child's peak memory
   (getrusage), quality figures, and the write phase against its SQL floor (benchmarks/floor.py);
3. runs the older system's algorithm (benchmarks/legacy.py) on copies of the same data and prints how
   many times slower it is (on a sample of customers, scaled linearly and labelled so, above --legacy-max-pairs);
4. times pages and API lists with the test Client (benchmarks/pages.py): median, p95, queries;
5. exports the customers to CSV and times ``import_customers`` of it as new customers, then as an
   unchanged re-import;
6. prints a table and writes JSON (--json) so runs compare.

Figures only: nothing here asserts on time. The machine's load changes absolute times; compare ratios
measured in the same run.
"""
from __future__ import annotations

import argparse
import csv
import datetime
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CODE = ROOT  # where the timed manage.py commands run from (--code: another checkout, same data)
STRATEGIES = ("greedy", "optimal")


def _configure(args) -> None:
    if not os.environ.get("DATABASE_URL"):
        workdir = tempfile.mkdtemp(prefix="portrait-bench-")
        os.environ["DATABASE_URL"] = f"sqlite:///{workdir}/bench.sqlite3"
    os.environ["DJANGO_SETTINGS_MODULE"] = "portrait.settings.base"
    os.environ.setdefault("DEBUG", "0")  # as in production: no query log, no debug templates
    os.environ.setdefault("SECRET_KEY", "benchmark-only-secret-key-not-for-production-use")
    hosts = os.environ.get("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
    os.environ["ALLOWED_HOSTS"] = hosts + ",testserver"
    os.environ.setdefault("LOG_LEVEL", "ERROR")  # no "Not Found" lines for pages not built yet
    sys.path.insert(0, str(ROOT))
    import warnings

    warnings.filterwarnings("ignore", message="No directory at", module="django.core.handlers.base")
    import django

    django.setup()


def _commit(path: Path) -> str:
    """The commit a checkout is at, and whether it has changes (so figures say which code they timed)."""
    def git(*command):
        return subprocess.run(["git", *command], cwd=path, capture_output=True, text=True).stdout.strip()
    modified = " (modified)" if git("status", "--porcelain", "--untracked-files=no") else ""
    return git("rev-parse", "--short", "HEAD") + modified


def _flush_allowed(args) -> bool:
    from django.db import connection

    name = str(connection.settings_dict["NAME"])
    return args.allow_flush or any(word in name.lower() for word in ("bench", "perf", "test", tempfile.gettempdir()))


def _child(command: list[str], *, stdin=None) -> dict:
    """Run `manage.py command` as a process: wall seconds, peak resident memory (MB), output."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        # The child's own getrusage peak on Linux starts from the forking parent's resident size (this
        # harness holds the data set), so peak memory is read through /usr/bin/time, a small process.
        timer = ["/usr/bin/time", "-f", "PEAK_KB %M"] if Path("/usr/bin/time").exists() else []
        process = subprocess.Popen([*timer, sys.executable, "manage.py", *command], cwd=CODE, stdout=out,
                                   stderr=err, stdin=stdin, env=os.environ.copy())
        _pid, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stderr = err.read().decode(errors="replace")
        peak_kb = usage.ru_maxrss
        for line in stderr.splitlines()[::-1]:
            if line.startswith("PEAK_KB "):
                peak_kb = int(line.split()[1])
                break
        # CPU seconds (user + system) of the child and what it waited for: on a shared machine they vary
        # far less than wall time, which counts the time other processes held the cores.
        result = {"command": "manage.py " + " ".join(command), "seconds": wall,
                  "cpu_seconds": usage.ru_utime + usage.ru_stime, "peak_mb": peak_kb / 1024,
                  "returncode": process.returncode,
                  "stdout": out.read().decode(errors="replace"), "stderr": stderr}
    if result["returncode"] != 0:
        raise RuntimeError(f"{result['command']} failed ({result['returncode']}):\n{result['stderr'][-3000:]}")
    return result


# --- data set -----------------------------------------------------------------------------------------------

def dataset_generate(args) -> dict:
    import numpy as np
    from django.core.management import call_command
    from django.db import connection

    from customers.models import CustomerProfile
    from managers.models import ManagerProfile
    from vocabularies.models import Hobby, Service

    started = time.perf_counter()
    call_command("seed_demo", customers=args.customers, managers=args.managers, seed=args.seed, minimal=True,
                 force=True, verbosity=0)
    seeded = time.perf_counter() - started
    # The demo vocabularies have 18 terms each; add the rest so the data set has --terms of each.
    rng = np.random.default_rng(args.seed + 1)
    quote = connection.ops.quote_name
    for model, relations in ((Service, (CustomerProfile.needs, ManagerProfile.capabilities)),
                             (Hobby, (CustomerProfile.hobbies, ManagerProfile.hobbies))):
        missing = args.terms - model.objects.count()
        for number in range(missing):
            term = model.objects.create(name=f"{model.__name__.lower()} {number + 1} (bench)", order=100 + number)
            for relation, share in zip(relations, (0.08, 0.3)):
                owners = np.array(relation.field.model.objects.order_by("id").values_list("id", flat=True))
                chosen = owners[rng.random(len(owners)) < share]
                through = relation.through._meta
                owner = through.get_field(relation.field.m2m_field_name()).column
                target = through.get_field(relation.field.m2m_reverse_field_name()).column
                with connection.cursor() as cursor:
                    cursor.executemany(
                        f"INSERT INTO {quote(through.db_table)} ({quote(owner)}, {quote(target)}) VALUES (%s, %s)",
                        [(int(pk), term.pk) for pk in chosen],
                    )
    ManagerProfile.objects.update(capacity=args.capacity, accepting_customers=True)
    from core.bulk import refresh_statistics

    refresh_statistics([CustomerProfile, ManagerProfile], rows=args.customers + args.managers)
    return {
        "seconds": time.perf_counter() - started, "seed_demo_seconds": seeded,
        "customers": CustomerProfile.objects.count(), "managers": ManagerProfile.objects.count(),
        "services": Service.objects.count(), "hobbies": Hobby.objects.count(), "capacity": args.capacity,
    }


def dataset_reused(args) -> dict | None:
    """The data set a previous harness run left, if it has the sizes asked for (None: generate one).

    seed_demo adds 20 named customers and 5 named managers to the synthetic ones.
    """
    from customers.models import CustomerProfile
    from managers.models import ManagerProfile
    from vocabularies.models import Hobby, Service

    found = {
        "seconds": 0.0, "seed_demo_seconds": 0.0, "reused": True,
        "customers": CustomerProfile.objects.count(), "managers": ManagerProfile.objects.count(),
        "services": Service.objects.count(), "hobbies": Hobby.objects.count(), "capacity": args.capacity,
    }
    wanted = (args.customers + 20, args.managers + 5, args.terms, args.terms)
    if (found["customers"], found["managers"], found["services"], found["hobbies"]) != wanted:
        print(f"no reusable data set ({found}); generating one", flush=True)
        return None
    if set(ManagerProfile.objects.values_list("capacity", flat=True)) != {args.capacity}:
        ManagerProfile.objects.update(capacity=args.capacity, accepting_customers=True)
    # Earlier runs' history would make this run's inserts land in a bigger table than a fresh data set's.
    from django.core.management.color import no_style
    from django.db import connection

    from matching.models import Assignment, MatchingRun, PlannedChange

    tables = [model._meta.db_table for model in (Assignment, PlannedChange, MatchingRun)]
    connection.ops.execute_sql_flush(connection.ops.sql_flush(no_style(), tables, reset_sequences=True))
    print(f"reusing the data set in the database: {found['customers']} customers, {found['managers']} managers",
          flush=True)
    return found


def branches_assign(args) -> dict:
    """--branches branches in --regions regions (codes BR01.., regions R1..), customers and managers spread over
    them by id, and with --tiers managers serving one or two of the three default tiers (a quarter every tier):
    the constraints of issue 21 on the data set, generated or reused alike."""
    from django.db.models import F, Value
    from django.db.models.functions import Mod

    from customers.models import CustomerProfile
    from managers.models import ManagerProfile
    from vocabularies.models import Branch

    branches = [
        Branch.objects.update_or_create(code=f"BR{b + 1:02d}", defaults={
            "name": f"Branch {b + 1}", "region": f"R{b % args.regions + 1}"})[0]
        for b in range(args.branches)
    ]
    for b, branch in enumerate(branches):
        for model in (CustomerProfile, ManagerProfile):
            model.objects.annotate(slot=Mod(F("id"), Value(len(branches)))).filter(slot=b).update(branch=branch)
    if args.tiers:
        # Dealt out in turn within each branch, so every branch has managers of every kind.
        served = (["mass"], ["mass", "vip"], ["vip", "private"], [])
        kinds = [[] for _ in served]
        dealt = {}
        for pk in ManagerProfile.objects.order_by("id").values_list("id", flat=True):
            branch = pk % max(len(branches), 1)
            kinds[dealt.get(branch, 0) % len(served)].append(pk)
            dealt[branch] = dealt.get(branch, 0) + 1
        for tiers, ids in zip(served, kinds):
            ManagerProfile.objects.filter(id__in=ids).update(tiers=tiers)
    return {"branches": len(branches), "regions": args.regions, "tiers": bool(args.tiers), "policy": args.policy}


def assignments_reset() -> None:
    """Everyone unassigned and unclassified: each run places and writes every customer."""
    from customers.models import CustomerProfile

    CustomerProfile.objects.update(manager=None, customer_class="", manager_locked=False)


# --- autoassign ------------------------------------------------------------------------------------------------

def startup_time(repeat: int = 3) -> dict:
    """Start-up of the autoassign command: settings, apps, and every module the command imports."""
    runs = [_child(["autoassign", "--help"]) for _ in range(repeat)]
    return {"seconds": statistics.median(r["seconds"] for r in runs), "peak_mb": max(r["peak_mb"] for r in runs)}


def quality(run) -> dict:
    from django.db.models import Count

    from customers.models import CustomerProfile
    from managers.models import ManagerProfile

    loads = dict(CustomerProfile.objects.filter(manager__isnull=False).values_list("manager")
                 .annotate(n=Count("id")).values_list("manager", "n"))
    managers = (ManagerProfile.objects.filter(user__is_active=True, accepting_customers=True)
                .values_list("id", "capacity"))
    per_manager = [loads.get(pk, 0) for pk, _cap in managers]
    over = sum(1 for pk, cap in managers if loads.get(pk, 0) > cap)
    placed = run.customers_placed
    return {
        "total_score": run.total_score, "mean_score": run.total_score / placed if placed else 0.0,
        "placed": placed, "unassigned": run.customers_unassigned, "fallbacks": run.fallbacks,
        "share_on_best": (placed - run.fallbacks) / placed if placed else 0.0,
        "load_spread": (max(per_manager) - min(per_manager)) if per_manager else 0,
        "managers_over_capacity": over,
        "proven_gap": run.summary.get("optimality_gap", 0.0),
        "pruned": run.summary.get("pruned", False),
        "candidates_per_customer": run.summary.get("candidates_per_customer"),
    }


def autoassign_time(strategy: str, *, floor: bool) -> dict:
    from matching.models import MatchingRun

    from .floor import database_settle, write_floor

    assignments_reset()
    settled = database_settle()
    last = MatchingRun.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    load_before = os.getloadavg()[0]
    child = _child(["autoassign", "--strategy", strategy, "--rebalance", "--verbosity", "1"])
    load_after = os.getloadavg()[0]
    run = MatchingRun.objects.filter(pk__gt=last).exclude(kind="preview").order_by("-pk").first()
    phases = dict(run.summary["seconds"])
    result = {
        "strategy": strategy, "run_id": run.pk, "seconds": child["seconds"], "cpu_seconds": child["cpu_seconds"],
        "peak_mb": child["peak_mb"],
        "phases": phases, "outside_phases": child["seconds"] - sum(phases.values()),
        "load_average": [round(load_before, 1), round(load_after, 1)], "settle_seconds": settled,
        "quality": quality(run),
    }
    if floor:
        database_settle()
        result["floor"] = write_floor(run.pk)
        floor_seconds = result["floor"]["seconds"]
        result["write_over_floor"] = phases["write"] / floor_seconds if floor_seconds else None
        server = result["floor"].get("server_seconds")
        result["write_over_server_floor"] = phases["write"] / server if server else None
    return result


# --- the older algorithm -----------------------------------------------------------------------------------------

def legacy_time(args, n_customers: int, n_managers: int) -> dict:
    from .legacy import legacy_run, legacy_tables_create, legacy_tables_drop

    pairs = n_customers * n_managers
    limit = None
    if args.legacy_max_pairs and pairs > args.legacy_max_pairs:
        limit = max(1, args.legacy_max_pairs // max(n_managers, 1))
    started = time.perf_counter()
    copied_customers, copied_managers = legacy_tables_create(customer_limit=limit)
    copy_seconds = time.perf_counter() - started
    try:
        seconds, statements, over = legacy_run(limit=args.capacity)
    finally:
        legacy_tables_drop()
    scale = n_customers / copied_customers if limit else 1.0
    return {
        "customers_run": copied_customers, "managers": copied_managers, "seconds_run": seconds,
        "seconds": seconds * scale, "extrapolated": bool(limit), "scale": scale, "statements": statements,
        "managers_over_limit": over, "copy_seconds": copy_seconds,
    }


# --- import -----------------------------------------------------------------------------------------------------------

def import_time(workdir: Path) -> dict:
    exported = workdir / "customers.csv"
    export = _child(["export_customers", "--output", str(exported)])
    renamed = workdir / "customers-new.csv"
    with (exported.open(encoding="utf-8-sig", newline="") as source,
          renamed.open("w", encoding="utf-8", newline="") as out):
        reader = csv.DictReader(source)
        writer = csv.DictWriter(out, fieldnames=reader.fieldnames)
        writer.writeheader()
        rows = 0
        for row in reader:
            row["username"] = "imp_" + row["username"]
            writer.writerow(row)
            rows += 1
    create = _child(["import_customers", str(renamed)])
    unchanged = _child(["import_customers", str(exported)])
    return {
        "rows": rows,
        "export": {"seconds": export["seconds"], "peak_mb": export["peak_mb"]},
        "import_new": {"seconds": create["seconds"], "peak_mb": create["peak_mb"], "summary": create["stdout"].strip()},
        "import_unchanged": {"seconds": unchanged["seconds"], "peak_mb": unchanged["peak_mb"],
                             "summary": unchanged["stdout"].strip()},
    }


# --- report -----------------------------------------------------------------------------------------------------------

def _fmt(value, digits=2):
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def report_print(results: dict) -> None:
    data = results["dataset"]
    print()
    print(f"== {results['database']} | {data['customers']} customers x {data['managers']} managers, capacity "
          f"{data['capacity']}, {data['services']} services, {data['hobbies']} hobbies | {results['machine']}")
    generated = "reused" if data.get("reused") else f"{data['seconds']:.1f}s"
    print(f"generate (seed_demo + terms): {generated}   start-up (autoassign --help): "
          f"{results['startup']['seconds']:.2f}s, {results['startup']['peak_mb']:.0f} MB")
    print()
    phases = ["load", "score", "place", "write"]
    print(f"{'autoassign --rebalance':<24}{'end to end':>11}{'CPU':>8}{'peak MB':>9}"
          + "".join(f"{p:>8}" for p in phases) + f"{'other':>8}{'floor':>8}{'write/floor':>12}")
    for run in results["autoassign"]:
        print(f"{run['strategy']:<24}{run['seconds']:>10.2f}s{run.get('cpu_seconds', 0):>7.2f}s{run['peak_mb']:>9.0f}"
              + "".join(f"{run['phases'].get(p, 0):>8.2f}" for p in phases)
              + f"{run['outside_phases']:>8.2f}{_fmt(run.get('floor', {}).get('seconds')):>8}"
              + f"{_fmt(run.get('write_over_floor')):>12}"
              + f"   load average {run['load_average'][0]:.1f} -> {run['load_average'][1]:.1f}"
              + (f", database settled {run['settle_seconds']:.0f}s before" if run.get("settle_seconds") else ""))
    for run in results["autoassign"]:
        floor = run.get("floor") or {}
        if floor.get("server_seconds"):
            print(f"  {run['strategy']}: server floor (statements rendered beforehand) {floor['server_seconds']:.2f}s "
                  f"(profiles {floor['server_profiles_seconds']:.2f}s, "
                  f"history {floor['server_history_seconds']:.2f}s); "
                  f"write / server floor {run['write_over_server_floor']:.2f}; floor with bound parameters: profiles "
                  f"{floor['profiles_seconds']:.2f}s, history {floor['history_seconds']:.2f}s")
    legacy = results.get("legacy")
    if legacy:
        how = (f"extrapolated x{legacy['scale']:.1f} from {legacy['customers_run']} customers run in "
               f"{legacy['seconds_run']:.1f}s" if legacy["extrapolated"] else "full run")
        print(f"{'older algorithm':<24}{legacy['seconds']:>10.2f}s  ({how}; {legacy['statements']} statements; "
              f"{legacy['managers_over_limit']} managers pushed over the limit)")
        for run in results["autoassign"]:
            ratio = legacy["seconds"] / run["seconds"]
            print(f"  older algorithm / autoassign {run['strategy']} end to end: {ratio:.1f}x")
    print()
    keys = ["total_score", "mean_score", "share_on_best", "fallbacks", "unassigned", "load_spread",
            "managers_over_capacity", "proven_gap"]
    print(f"{'quality':<24}" + "".join(f"{run['strategy']:>14}" for run in results["autoassign"]))
    for key in keys:
        print(f"{key:<24}" + "".join(f"{_fmt(run['quality'][key], 4):>14}" for run in results["autoassign"]))
    if results.get("pages") is not None:
        print()
        print(f"{'page':<32}{'median ms':>10}{'p95 ms':>9}{'queries':>9}{'status':>8}  url")
        for page in results["pages"]:
            print(f"{page['page']:<32}{page['median_ms']:>10.1f}{page['p95_ms']:>9.1f}{page['queries']:>9}"
                  f"{page['status']:>8}  {page['url']}")
    imported = results.get("import")
    if imported:
        print()
        print(f"export_customers ({imported['rows']} rows): {imported['export']['seconds']:.1f}s")
        for key, label in (("import_new", "import_customers, all new"),
                           ("import_unchanged", "import_customers, unchanged")):
            print(f"{label}: {imported[key]['seconds']:.1f}s, peak {imported[key]['peak_mb']:.0f} MB")


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    parser.add_argument("--customers", type=int, default=20_000)
    parser.add_argument("--managers", type=int, default=200)
    parser.add_argument("--capacity", type=int, default=150)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--terms", type=int, default=20, help="services and hobbies each (at least 18, the demo's)")
    parser.add_argument("--strategies", default=",".join(STRATEGIES))
    parser.add_argument("--legacy-max-pairs", type=int, default=20_000_000,
                        help="above this many customer-manager pairs the older algorithm runs on a sample of "
                             "customers and its time is scaled linearly (0: always the full run)")
    parser.add_argument("--branches", type=int, default=0,
                        help="spread customers and managers over this many branches (0: leave branches as they are)")
    parser.add_argument("--regions", type=int, default=1, help="regions the --branches fall in")
    parser.add_argument("--tiers", action="store_true",
                        help="managers serve one or two of the three default tiers (a quarter of them every tier)")
    parser.add_argument("--policy", choices=("none", "branch", "region"),
                        help="PORTRAIT_BRANCH_POLICY of the timed runs (default: the environment's)")
    parser.add_argument("--no-legacy", action="store_true")
    parser.add_argument("--no-floor", action="store_true")
    parser.add_argument("--no-pages", action="store_true")
    parser.add_argument("--no-import", action="store_true")
    parser.add_argument("--page-repeat", type=int, default=30)
    parser.add_argument("--json", type=Path, help="write the figures here")
    parser.add_argument("--reuse", action="store_true",
                        help="reuse the data set a previous run left in the database when it has these sizes "
                             "(same --seed and --terms assumed) instead of generating it again")
    parser.add_argument("--allow-flush", action="store_true",
                        help="wipe a database whose name does not say bench, perf or test")
    parser.add_argument("--code", type=Path, default=ROOT,
                        help="run the timed commands from this checkout (e.g. a worktree of an older commit), "
                             "to compare code on the same data and machine; the harness itself stays this one")
    args = parser.parse_args(argv)
    global CODE
    CODE = args.code.resolve()
    _configure(args)

    from django.core.management import call_command
    from django.db import connection

    if not _flush_allowed(args):
        parser.error(f"refusing to wipe database {connection.settings_dict['NAME']!r}: "
                     "use one named *bench*/*perf*/*test*, or --allow-flush")
    workdir = Path(tempfile.mkdtemp(prefix="portrait-harness-"))
    results = {
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "database": f"{connection.vendor} {connection.settings_dict['NAME']}",
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, load average "
                   f"{' '.join(f'{x:.1f}' for x in os.getloadavg())}, Python {platform.python_version()}",
        "args": {k: str(v) for k, v in vars(args).items()},
        "code": _commit(CODE),
    }
    if connection.vendor == "mysql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT VERSION()")
            results["database"] += f" ({cursor.fetchone()[0]})"
    print(f"database: {results['database']}; machine: {results['machine']}; code: {CODE} at {results['code']}")
    call_command("migrate", verbosity=0)
    from .legacy import legacy_tables_drop

    legacy_tables_drop()
    results["dataset"] = dataset_reused(args) if args.reuse else None
    if results["dataset"] is None:
        call_command("flush", interactive=False, verbosity=0)
        print("generating the data set ...", flush=True)
        results["dataset"] = dataset_generate(args)
    if args.policy:
        os.environ["PORTRAIT_BRANCH_POLICY"] = args.policy  # the timed commands' settings read it
    if args.branches or args.tiers:
        results["constraints"] = branches_assign(args)
        print(f"constraints: {results['constraints']}", flush=True)
    results["startup"] = startup_time()
    results["autoassign"] = []
    for strategy in [s for s in args.strategies.split(",") if s]:
        print(f"autoassign --strategy {strategy} --rebalance ...", flush=True)
        results["autoassign"].append(autoassign_time(strategy, floor=not args.no_floor))
    if not args.no_legacy:
        print("older algorithm ...", flush=True)
        results["legacy"] = legacy_time(args, results["dataset"]["customers"], results["dataset"]["managers"])
    if not args.no_pages:
        print("pages ...", flush=True)
        results["pages"] = pages_time_safe(args)
    if not args.no_import:
        print("export and import ...", flush=True)
        results["import"] = import_time(workdir)
    report_print(results)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=2, ensure_ascii=False, default=str))
        print(f"\nfigures written to {args.json}")
    return results


def pages_time_safe(args) -> list[dict]:
    from .pages import pages_time

    return pages_time(repeat=args.page_repeat)


if __name__ == "__main__":
    main()
