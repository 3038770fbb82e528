"""What one API request costs the worker: the WSGI application called in-process as gunicorn calls it,
without the HTTP server or its client, on the data already in the database.

    DATABASE_URL=mysql://root:@127.0.0.1:3306/portrait_perf python -m benchmarks.request_cost --who manager
    python -m benchmarks.request_cost --path /api/vocabulary --instructions --code /tmp/older-checkout

Prints wall and CPU milliseconds per request, the best of five batches. A shared machine's load moves both
by a third from one hour to the next; `--instructions` counts the worker's instructions per request instead,
under valgrind's callgrind (Debian's valgrind): it serves the warm-up alone, then the warm-up and
`--requests` more, and divides the difference, a figure the machine's load does not change. The database's
and the cache's own work are other processes and not counted. `--code DIR` serves from another checkout (a
worktree of an older commit), so two versions compare on the same data. Figures only; nothing asserts on them.
"""
from __future__ import annotations

import argparse
import io
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WARM_UP = 20
BATCHES = 5


def _serve(*, who: str, path: str, requests: int, timed: bool) -> dict:
    """In the child: `WARM_UP` requests, then `requests` more (in `BATCHES` timed batches when `timed`)."""
    sys.path.insert(0, os.getcwd())  # the checkout served, ahead of this file's own folder
    from benchmarks.throughput import _token

    token = _token(who)  # sets the environment up as throughput.py does (DEBUG off, kept connections)
    from portrait.wsgi import application

    path_info, _, query = path.partition("?")
    statuses = []

    def one():
        environ = {
            "REQUEST_METHOD": "GET", "PATH_INFO": path_info, "QUERY_STRING": query, "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "80", "HTTP_HOST": "127.0.0.1", "wsgi.url_scheme": "http", "SERVER_PROTOCOL": "HTTP/1.1",
            "HTTP_AUTHORIZATION": f"Bearer {token}", "HTTP_ACCEPT": "application/json", "REMOTE_ADDR": "127.0.0.1",
            "wsgi.input": io.BytesIO(b""), "wsgi.errors": sys.stderr,
        }
        body = application(environ, lambda status, headers, exc_info=None: statuses.append(status))
        b"".join(body)
        body.close()

    for _ in range(WARM_UP):
        one()
    if not statuses[-1].startswith("200"):
        raise SystemExit(f"{path} answered {statuses[-1]}")
    if not timed:
        for _ in range(requests):
            one()
        return {}
    batch = max(1, requests // BATCHES)
    walls, cpus = [], []
    for _ in range(BATCHES):
        wall, cpu = time.perf_counter(), time.process_time()
        for _ in range(batch):
            one()
        walls.append((time.perf_counter() - wall) / batch)
        cpus.append((time.process_time() - cpu) / batch)
    return {"wall_ms": round(1000 * min(walls), 3), "cpu_ms": round(1000 * min(cpus), 3)}


def _child(args, requests: int, *, timed: bool, valgrind: bool = False) -> subprocess.CompletedProcess:
    command = [sys.executable, str(Path(__file__).resolve()), "--who", args.who, "--path", args.path,
               "--serve", str(requests), *(["--timed"] if timed else [])]
    if valgrind:
        command = ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", *command]
    return subprocess.run(command, cwd=args.code, capture_output=True, text=True, check=True)


def _instructions(result: subprocess.CompletedProcess) -> int:
    return int(re.search(r"I\s+refs:\s+([\d,]+)", result.stderr).group(1).replace(",", ""))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--path", default="/api/customers?page_size=25")
    parser.add_argument("--who", choices=("admin", "manager"), default="manager")
    parser.add_argument("--requests", type=int, help="requests measured (default 2000; 100 with --instructions)")
    parser.add_argument("--instructions", action="store_true", help="count instructions under valgrind")
    parser.add_argument("--code", type=Path, default=ROOT, help="the checkout to serve from")
    parser.add_argument("--json", type=Path, help="write the figures here")
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--timed", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.serve is not None:
        print(json.dumps(_serve(who=args.who, path=args.path, requests=args.serve, timed=args.timed)))
        return 0

    figures = {"path": args.path, "who": args.who, "code": str(args.code)}
    if args.instructions:
        requests = args.requests or 100
        warm_up = _instructions(_child(args, 0, timed=False, valgrind=True))
        served = _instructions(_child(args, requests, timed=False, valgrind=True))
        figures["instructions_per_request"] = round((served - warm_up) / requests)
        print(f"{args.path} as {args.who} ({args.code}): {figures['instructions_per_request']:,} instructions "
              f"per request in the worker ({requests} requests under callgrind)")
    else:
        requests = args.requests or 2000
        figures.update(json.loads(_child(args, requests, timed=True).stdout.strip().splitlines()[-1]))
        print(f"{args.path} as {args.who} ({args.code}): {figures['wall_ms']} ms wall, {figures['cpu_ms']} ms CPU "
              f"per request (best of {BATCHES} batches of {max(1, requests // BATCHES)})")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
