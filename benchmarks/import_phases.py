"""Where an import's time goes: read, validate, write, reclassify; wall and CPU seconds, SQL by statement.

    DATABASE_URL=mysql://root:@127.0.0.1:3306/portrait_bench python -m benchmarks.import_phases FILE.csv
    ... [--profile out.prof] [--sql] [--keep] [--no-limit] [--create-terms]

Runs `customers_import` in-process on a database that already holds the data set (the harness's, for
instance: its CSV files stay under /tmp/portrait-harness-*; `customers-new.csv` imports 100k new
customers beside the 100k there), timing each phase by wrapping the function that does it:

- read: the file to rows (each chunk of `pipeline.CHUNK_ROWS` rows, as the pipeline draws it from the stream);
- validate: the rest of the check (users, cells, terms, plans), chunk by chunk;
- write: users, profiles, links (`ProfileImport._write`);
- reclassify: the classes of the imported customers, when the transaction commits.

`--sql` also lists the time per kind of statement (Django's query capture, which itself costs a little
on SQLite). Afterwards it deletes the rows the run created (ids above those present before), unless
`--keep`; it refuses a database whose name does not say bench, perf or test. It asserts nothing.
"""
from __future__ import annotations

import argparse
import cProfile
import os
import sys
import time
from pathlib import Path

from .harness import ROOT, _configure


class Phases:
    """Wall and CPU seconds spent inside wrapped functions."""

    def __init__(self):
        self.wall: dict[str, float] = {}
        self.cpu: dict[str, float] = {}

    def wrap(self, owner, name: str, label: str) -> None:
        original = getattr(owner, name)

        def timed(*args, **kwargs):
            wall, cpu = time.perf_counter(), time.process_time()
            try:
                return original(*args, **kwargs)
            finally:
                self.wall[label] = self.wall.get(label, 0.0) + time.perf_counter() - wall
                self.cpu[label] = self.cpu.get(label, 0.0) + time.process_time() - cpu

        setattr(owner, name, timed)

    def wrap_iterator(self, owner, name: str, label: str) -> None:
        """Time each item a generator function's iterator gives (the work between items is the caller's)."""
        original = getattr(owner, name)

        def timed(*args, **kwargs):
            iterator = original(*args, **kwargs)
            while True:
                wall, cpu = time.perf_counter(), time.process_time()
                try:
                    item = next(iterator)
                except StopIteration:
                    return
                finally:
                    self.wall[label] = self.wall.get(label, 0.0) + time.perf_counter() - wall
                    self.cpu[label] = self.cpu.get(label, 0.0) + time.process_time() - cpu
                yield item

        setattr(owner, name, timed)


def _created_since(before: dict[str, int]) -> None:
    """Delete the rows with ids above `before` (links first, users last): what the run created."""
    from django.db import connection

    from accounts.models import User
    from customers.models import CustomerProfile

    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for relation in (CustomerProfile.needs, CustomerProfile.hobbies):
            through = relation.through._meta
            owner = through.get_field(relation.field.m2m_field_name()).column
            cursor.execute(f"DELETE FROM {quote(through.db_table)} WHERE {quote(owner)} > %s",
                           [before["profile"]])
        cursor.execute(f"DELETE FROM {quote(CustomerProfile._meta.db_table)} WHERE id > %s", [before["profile"]])
        cursor.execute(f"DELETE FROM {quote(User._meta.db_table)} WHERE id > %s", [before["user"]])


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", type=Path)
    parser.add_argument("--profile", type=Path, help="write a cProfile of the import here")
    parser.add_argument("--sql", action="store_true", help="time each kind of SQL statement")
    parser.add_argument("--keep", action="store_true", help="keep what the import created")
    parser.add_argument("--no-limit", action="store_true", help="lift the size and row limits, as the command's")
    parser.add_argument("--create-terms", action="store_true", help="create the terms the vocabularies lack")
    args = parser.parse_args(argv)
    file = args.file.resolve()
    _configure(args)
    os.chdir(ROOT)

    from django.db import connection
    from django.db.models import Max
    from django.test.utils import CaptureQueriesContext

    import imports.pipeline as pipeline
    import matching.signals as reclassification
    from accounts.models import User
    from core.tabular import Limits
    from customers.models import CustomerProfile
    from imports.services import customers_import

    name = str(connection.settings_dict["NAME"]).lower()
    if not any(word in name for word in ("bench", "perf", "test")):
        parser.error(f"refusing to import into {name!r}: use a database named *bench*/*perf*/*test*")
    phases = Phases()
    phases.wrap_iterator(pipeline, "_chunks", "read")
    phases.wrap(pipeline.ProfileImport, "_write", "write")
    phases.wrap(reclassification, "customers_reclassify", "reclassify")
    before = {
        "user": User.objects.aggregate(top=Max("id"))["top"] or 0,
        "profile": CustomerProfile.objects.aggregate(top=Max("id"))["top"] or 0,
    }
    print(f"{connection.vendor} {name}, load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}", flush=True)

    profiler = cProfile.Profile() if args.profile else None
    capture = CaptureQueriesContext(connection) if args.sql else None
    wall, cpu = time.perf_counter(), time.process_time()
    if capture is not None:
        capture.__enter__()
    if profiler:
        profiler.enable()
    try:
        limits = Limits.from_settings(max_bytes=None, max_rows=None) if args.no_limit else None
        result = customers_import(file=file, limits=limits, create_terms=args.create_terms)
    finally:
        if profiler:
            profiler.disable()
            profiler.dump_stats(args.profile)
        if capture is not None:
            capture.__exit__(None, None, None)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu

    print(f"created {result.created}, updated {result.updated}, unchanged {result.unchanged}, "
          f"errors {len(result.errors)}")
    for error in result.errors[:5]:
        print(f"  {error}")
    validate = {
        "wall": wall - sum(phases.wall.values()), "cpu": cpu - sum(phases.cpu.values()),
    }
    print(f"{'phase':<12}{'wall s':>9}{'cpu s':>9}")
    for label in ("read", "validate", "write", "reclassify"):
        seconds = validate if label == "validate" else {"wall": phases.wall.get(label, 0.0),
                                                        "cpu": phases.cpu.get(label, 0.0)}
        print(f"{label:<12}{seconds['wall']:>9.2f}{seconds['cpu']:>9.2f}")
    print(f"{'total':<12}{wall:>9.2f}{cpu:>9.2f}   (validate includes the audit record and the commit)")
    if capture is not None:
        kinds: dict[str, list] = {}
        for query in capture.captured_queries:
            words = query["sql"].split()
            kind = " ".join(words[:3]) if words and words[0] in ("INSERT", "UPDATE", "DELETE") else words[0]
            if words and words[0] == "SELECT" and " FROM " in query["sql"]:
                kind = "SELECT FROM " + query["sql"].split(" FROM ", 1)[1].split()[0]
            kinds.setdefault(kind, [0, 0.0])
            kinds[kind][0] += 1
            kinds[kind][1] += float(query["time"])
        print(f"SQL: {len(capture.captured_queries)} statements, {sum(t for _n, t in kinds.values()):.2f} s")
        for kind, (count, seconds) in sorted(kinds.items(), key=lambda item: -item[1][1])[:12]:
            print(f"  {seconds:7.2f} s {count:5d} x {kind[:90]}")
    if not args.keep:
        _created_since(before)


if __name__ == "__main__":
    sys.exit(main())
