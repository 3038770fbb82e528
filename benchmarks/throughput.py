"""Requests per second one gunicorn worker serves for a JSON list, on the configured database.

    DATABASE_URL=mysql://root:@127.0.0.1:3306/portrait_perf python -m benchmarks.throughput
    python -m benchmarks.throughput --who manager --path '/api/customers?page_size=25' --clients 4 --seconds 20
    CACHE_URL=redis://127.0.0.1:6379/1 python -m benchmarks.throughput --who manager --threads 2

Starts gunicorn (one sync worker by default, loopback only) on the data already in the database, signs a
JWT for an account of the chosen role (the first active admin, or the manager with the most customers),
then keeps `--clients` connections busy for `--seconds` and prints requests per second, median and p95
latency and the number of failures (any status but 200). The clients run in one process beside the
worker, so on a 2-core machine the worker has a core of its own. Figures only; nothing asserts on time.
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _environment() -> dict:
    env = os.environ.copy()
    env.setdefault("DJANGO_SETTINGS_MODULE", "portrait.settings.base")
    env.setdefault("DEBUG", "0")
    env.setdefault("SECRET_KEY", "throughput-only-secret-key-not-for-production-use")
    env["ALLOWED_HOSTS"] = "127.0.0.1,localhost"
    env.setdefault("CONN_MAX_AGE", "60")  # a worker keeps its database connection, as in production
    env.setdefault("LOG_LEVEL", "WARNING")
    return env


def _token(who: str) -> str:
    """An access token for the first active admin, or the manager with the largest book."""
    os.environ.update({key: value for key, value in _environment().items() if key not in os.environ})
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db.models import Count
    from rest_framework_simplejwt.tokens import RefreshToken

    from accounts.models import Role, User
    from managers.models import ManagerProfile

    if who == "admin":
        user = User.objects.filter(role=Role.ADMIN, is_active=True).order_by("id").first()
    else:
        profile = (ManagerProfile.objects.filter(user__is_active=True).annotate(book=Count("customers"))
                   .order_by("-book", "id").select_related("user").first())
        user = profile and profile.user
    if user is None:
        raise SystemExit(f"no active {who} in the database: seed it first (python -m benchmarks.harness ...)")
    return str(RefreshToken.for_user(user).access_token)


def _wait_until_up(port: int, timeout: float = 60) -> None:
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/api/health")
            if connection.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"gunicorn did not answer on 127.0.0.1:{port} within {timeout:.0f} s")


def hammer(*, port: int, path: str, token: str, clients: int, seconds: float) -> dict:
    """`clients` threads request `path` back to back for `seconds`; latencies of the answers."""
    latencies: list[float] = []
    failures: list[int] = []
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds
    headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}

    def client():
        mine, bad = [], []
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            try:
                connection.request("GET", path, headers=headers)
                response = connection.getresponse()
                response.read()
                status = response.status
                if response.getheader("Connection", "").lower() == "close":
                    connection.close()
            except (OSError, http.client.HTTPException):
                connection.close()
                status = 0
            mine.append(time.perf_counter() - started)
            if status != 200:
                bad.append(status)
        with lock:
            latencies.extend(mine)
            failures.extend(bad)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    ordered = sorted(latencies)
    return {
        "requests": len(latencies),
        "seconds": round(elapsed, 2),
        "requests_per_second": round(len(latencies) / elapsed, 1),
        "median_ms": round(1000 * statistics.median(ordered), 1) if ordered else None,
        "p95_ms": round(1000 * ordered[int(0.95 * (len(ordered) - 1))], 1) if ordered else None,
        "failures": len(failures),
        "failure_statuses": sorted(set(failures)),
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--path", default="/api/customers?page_size=25")
    parser.add_argument("--who", choices=("admin", "manager"), default="admin")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--threads", type=int, default=1,
                        help="threads per worker (gunicorn's gthread worker above 1): one serves while another waits")
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--warmup", type=float, default=3)
    parser.add_argument("--port", type=int, default=8011)
    parser.add_argument("--json", type=Path, help="write the figures here")
    args = parser.parse_args(argv)

    token = _token(args.who)
    gunicorn = Path(sys.executable).with_name("gunicorn")
    server = subprocess.Popen(
        [str(gunicorn), "portrait.wsgi", "--bind", f"127.0.0.1:{args.port}", "--workers", str(args.workers),
         "--threads", str(args.threads),
         "--access-logfile", "/dev/null", "--error-logfile", "-"],
        cwd=ROOT, env=_environment(),
    )
    try:
        _wait_until_up(args.port)
        if args.warmup:
            hammer(port=args.port, path=args.path, token=token, clients=args.clients, seconds=args.warmup)
        figures = hammer(port=args.port, path=args.path, token=token, clients=args.clients, seconds=args.seconds)
    finally:
        server.terminate()
        server.wait(timeout=30)
    figures.update({"path": args.path, "who": args.who, "workers": args.workers, "threads": args.threads,
                    "cache": "redis" if os.environ.get("CACHE_URL") else "local memory", "clients": args.clients,
                    "per_worker": round(figures["requests_per_second"] / args.workers, 1)})
    print(f"{args.path} as {args.who}: {figures['requests_per_second']} requests/s with {args.workers} "
          f"worker(s) of {args.threads} thread(s) ({figures['per_worker']} per worker, cache in "
          f"{figures['cache']}), {args.clients} clients for {figures['seconds']} s; "
          f"median {figures['median_ms']} ms, p95 {figures['p95_ms']} ms; {figures['failures']} failures "
          f"{figures['failure_statuses'] or ''}")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))
    return 1 if figures["failures"] else 0


if __name__ == "__main__":
    sys.exit(main())
