"""Checks of the scale-out set-up started by benchmarks/scaleout.sh (two app instances, two Celery workers,
one database, one Redis). Prints PASS/FAIL per check and exits non-zero when any fails.

Talks to the instances over HTTP like a browser and an API client would, and reads the shared database
through the ORM to verify what was written.
"""
from __future__ import annotations

import argparse
import hashlib
import http.cookiejar
import json
import os
import re
import signal
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
FINISHED = {"succeeded", "failed"}
results: list[tuple[str, bool, str]] = []


def check(name: str, ok: bool, detail: str = "") -> bool:
    results.append((name, ok, detail))
    print(f"{'PASS' if ok else 'FAIL'}  {name}" + (f"  ({detail})" if detail else ""), flush=True)
    return ok


class Browser:
    """Cookies shared across both instances: same host, different ports, as behind one load balancer."""

    def __init__(self):
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def request(self, url, *, data=None, json_body=None, headers=None, method=None):
        headers = dict(headers or {})
        body = None
        if json_body is not None:
            body = json.dumps(json_body).encode()
            headers["Content-Type"] = "application/json"
        elif data is not None:
            body = urllib.parse.urlencode(data).encode()
        request = urllib.request.Request(url, data=body, headers=headers, method=method)
        try:
            with self.opener.open(request, timeout=60) as response:
                return response.status, response.geturl(), response.read().decode(errors="replace")
        except urllib.error.HTTPError as exc:
            return exc.code, url, exc.read().decode(errors="replace")


def session_check(a: str, b: str, username: str, password: str) -> None:
    browser = Browser()
    for login_path in ("/login/", "/admin/login/"):
        status, _url, page = browser.request(a + login_path)
        if status == 200:
            break
    else:
        check("sign in on one instance, continue on the other", False, "no login page on instance A")
        return
    token = CSRF.search(page)
    status, landed, _ = browser.request(
        a + login_path, data={"username": username, "password": password,
                              "csrfmiddlewaretoken": token.group(1) if token else "", "next": "/"},
        headers={"Referer": a + login_path},
    )
    for protected in ("/console/", "/admin/"):
        status, final, _ = browser.request(b + protected)
        if status != 404:
            break
    ok = status == 200 and "login" not in urllib.parse.urlparse(final).path
    check("sign in on one instance, continue on the other", ok, f"GET {b}{protected} -> {status} at {final}")


def api_token(base: str, username: str, password: str) -> str | None:
    status, _url, body = Browser().request(
        base + "/api/auth/login", json_body={"username": username, "password": password}
    )
    if status != 200:
        check("API sign-in", False, f"POST {base}/api/auth/login -> {status}")
        return None
    return json.loads(body)["access"]


def start_run(base: str, token: str, options: dict, out: list, index: int) -> None:
    status, _url, body = Browser().request(base + "/api/admin/auto-assign", json_body=options,
                                           headers={"Authorization": f"Bearer {token}"})
    try:
        payload = json.loads(body)
    except ValueError:
        payload = {"raw": body[:200]}
    out[index] = (status, payload)


def _run_id(payload: dict):
    return payload.get("id") or payload.get("run_id") or (payload.get("run") or {}).get("id")


def wait_runs(run_ids, timeout):
    from matching.models import MatchingRun

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        runs = list(MatchingRun.objects.filter(pk__in=run_ids))
        if len(runs) == len(run_ids) and all(run.status in FINISHED for run in runs):
            return runs
        time.sleep(1)
    return list(MatchingRun.objects.filter(pk__in=run_ids))


def capacity_holds() -> tuple[bool, str]:
    from django.db.models import Count, F

    from managers.models import ManagerProfile

    over = ManagerProfile.objects.annotate(book=Count("customers")).filter(book__gt=F("capacity"))
    return not over.exists(), f"{over.count()} managers over capacity"


def concurrent_runs_check(a: str, b: str, token: str, timeout: float) -> None:
    options = {"strategy": "optimal", "rebalance": True, "dry_run": False}
    out = [None, None]
    threads = [threading.Thread(target=start_run, args=(base, token, options, out, i)) for i, base in enumerate((a, b))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    accepted = [payload for status, payload in out if status == 202]
    check("runs started from both instances at once are accepted", len(accepted) == 2,
          "; ".join(f"{status} {json.dumps(payload)[:120]}" for status, payload in out))
    ids = [_run_id(payload) for payload in accepted if _run_id(payload)]
    runs = wait_runs(ids, timeout)
    check("every run recorded with a final status",
          len(runs) == len(ids) == 2 and all(r.status in FINISHED for r in runs),
          ", ".join(f"#{r.pk} {r.status}" for r in runs))
    done = sorted((r for r in runs if r.status == "succeeded" and r.finished_at), key=lambda r: r.started_at)
    overlap = any(later.started_at < earlier.finished_at for earlier, later in zip(done, done[1:]))
    check("the runs never interleave", not overlap,
          "; ".join(f"#{r.pk} {r.started_at:%H:%M:%S.%f}-{r.finished_at:%H:%M:%S.%f}" for r in done))
    ok, detail = capacity_holds()
    check("capacity holds after both runs", ok, detail)


def _state_digest() -> str:
    from customers.models import CustomerProfile

    digest = hashlib.sha256()
    for row in CustomerProfile.objects.order_by("pk").values_list("pk", "manager_id", "customer_class").iterator(5000):
        digest.update(repr(row).encode())
    return digest.hexdigest()


def kill_worker_check(a: str, token: str, worker_pids: list[Path], logs: Path, timeout: float) -> None:
    from customers.models import CustomerProfile
    from matching.models import Assignment

    # Unassign everyone so the run has a full write phase to be killed in.
    CustomerProfile.objects.update(manager=None)
    before = _state_digest()
    sizes = {pid: (logs / f"celery-{pid.stem}.log").stat().st_size for pid in worker_pids}
    out = [None]
    start_run(a, token, {"strategy": "optimal", "rebalance": True, "dry_run": False}, out, 0)
    status, payload = out[0]
    run_id = _run_id(payload)
    if status != 202 or not run_id:
        check("kill a worker mid-run", False, f"could not start a run: {status} {payload}")
        return
    victim = None
    deadline = time.monotonic() + 30
    while victim is None and time.monotonic() < deadline:
        for pid_file, size in sizes.items():
            log = (logs / f"celery-{pid_file.stem}.log").read_text(errors="replace")[size:]
            if "received" in log or "Received" in log:
                victim = pid_file
        time.sleep(0.2)
    if victim is None:
        check("kill a worker mid-run", False, "no worker received the task within 30 s")
        return
    time.sleep(float(os.environ.get("KILL_AFTER_SECONDS", "2")))
    os.kill(int(victim.read_text().strip()), signal.SIGKILL)
    print(f"      killed worker {victim.stem} (SIGKILL) while it ran #{run_id}", flush=True)
    runs = wait_runs([run_id], timeout)
    status = runs[0].status if runs else "missing"
    check("the killed run is marked failed", status == "failed", f"#{run_id} status {status}")
    check("nothing half-written by the killed run",
          _state_digest() == before and not Assignment.objects.filter(run_id=run_id).exists(),
          f"{Assignment.objects.filter(run_id=run_id).count()} history rows")
    from matching.services import run_automatic

    try:
        report = run_automatic(strategy="greedy")
        check("the run lock is free for the next run", True, f"run #{report.run.pk} {report.run.status}")
    except Exception as exc:  # noqa: BLE001 - reported as a failed check
        check("the run lock is free for the next run", False, f"{type(exc).__name__}: {exc}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--a", required=True)
    parser.add_argument("--b", required=True)
    parser.add_argument("--worker-pids", nargs="+", type=Path, required=True)
    parser.add_argument("--logs", type=Path, required=True)
    parser.add_argument("--username", default=os.environ.get("SCALEOUT_ADMIN", "admin"))
    parser.add_argument("--password", default=os.environ.get("SCALEOUT_ADMIN_PASSWORD", "admin123"))
    parser.add_argument("--timeout", type=float, default=600)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    session_check(args.a, args.b, args.username, args.password)
    token = api_token(args.a, args.username, args.password)
    if token:
        concurrent_runs_check(args.a, args.b, token, args.timeout)
        kill_worker_check(args.a, token, args.worker_pids, args.logs, args.timeout)
    failed = [name for name, ok, _ in results if not ok]
    print(f"\n{len(results) - len(failed)} of {len(results)} checks passed"
          + (f"; failed: {', '.join(failed)}" if failed else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
