"""Checks of the scale-out set-up started by benchmarks/scaleout.sh (two app instances, two Celery workers,
one database, one Redis). Prints PASS/FAIL per check and exits 1 when any fails, 2 when none failed but one
was inconclusive (the run to interrupt ended before its worker was killed: retry with more data). Run by the script,
with its environment (the same database and the same Redis cache as the instances).

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
results: list[tuple[str, bool | None, str]] = []  # None: inconclusive


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


def _job_id(payload: dict):
    return payload.get("id")


def wait_jobs(job_ids, timeout):
    """The BackgroundJob rows once all have finished (or the timeout passed), with their runs."""
    from jobs.models import BackgroundJob

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        jobs = list(BackgroundJob.objects.filter(pk__in=job_ids))
        if len(jobs) == len(job_ids) and all(job.status in FINISHED for job in jobs):
            return jobs
        time.sleep(1)
    return list(BackgroundJob.objects.filter(pk__in=job_ids))


def capacity_holds() -> tuple[bool, str]:
    from django.db.models import Count, F

    from managers.models import ManagerProfile

    over = ManagerProfile.objects.annotate(book=Count("customers")).filter(book__gt=F("capacity"))
    return not over.exists(), f"{over.count()} managers over capacity"


def concurrent_runs_check(a: str, b: str, token: str, timeout: float) -> None:
    """Two identical optimal rebalancing runs from an empty state, one from each instance at once.

    Serialised, the first places everyone and the second, seeing the first's result, changes nothing
    (the optimum is deterministic), or, when the first holds the lock longer than the second may wait
    (PORTRAIT_RUN_LOCK_WAIT_SECONDS), the second is refused with a clear message and writes nothing.
    Interleaved, both would have read the empty state and both would write every customer, so the
    history rows per run tell the two apart without trusting timestamps.
    """
    from customers.models import CustomerProfile
    from matching.models import Assignment, MatchingRun

    CustomerProfile.objects.update(manager=None, manager_locked=False)
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
    jobs = wait_jobs([_job_id(payload) for payload in accepted], timeout)
    refused = [job for job in jobs if job.status == "failed" and job.run_id is None and job.error]
    runs = [MatchingRun.objects.get(pk=job.run_id) for job in jobs if job.status == "succeeded" and job.run_id]
    check("every run recorded with a final status: both succeeded, or one succeeded and one was refused",
          len(jobs) == 2 and len(runs) + len(refused) == 2 and len(runs) >= 1,
          ", ".join(f"job #{job.pk} {job.status} run #{job.run_id} {job.error[:60]}" for job in jobs))
    writes = sorted(Assignment.objects.filter(run=run).count() for run in runs)
    check("the runs never interleave: one wrote, the other saw its result and changed nothing or was refused",
          writes[-1:] and writes[-1] > 0 and all(count == 0 for count in writes[:-1]),
          f"history rows per run: {writes}, refused: {len(refused)}")
    ok, detail = capacity_holds()
    check("capacity holds after both runs", ok, detail)


def _state_digest() -> str:
    from customers.models import CustomerProfile

    digest = hashlib.sha256()
    for row in CustomerProfile.objects.order_by("pk").values_list("pk", "manager_id", "customer_class").iterator(5000):
        digest.update(repr(row).encode())
    return digest.hexdigest()


def _running(job_id: int, newest_run: int):
    """The job's row and its run's row as the database has them now (the run: the first one started after
    `newest_run`; its RUNNING row is committed before it takes the lock)."""
    from jobs.models import BackgroundJob
    from matching.models import MatchingRun

    job = BackgroundJob.objects.get(pk=job_id)
    run = MatchingRun.objects.filter(pk__gt=newest_run).order_by("pk").first()
    return job, run


def inconclusive(name: str, detail: str) -> None:
    results.append((name, None, detail))
    print(f"INCONCLUSIVE  {name}  ({detail})", flush=True)


def kill_worker_check(a: str, token: str, worker_pids: list[Path], logs: Path, timeout: float) -> None:
    """SIGKILL the worker running a run while the run is running: nothing half-written, and the next run (after the
    wait that tells a dead run from one waiting for the lock) marks it failed, takes the lock and succeeds.

    Which worker runs the job, and whether the run is still running, come from the database: the job's row
    names its worker process once it starts, and the run's row is RUNNING until the run commits. When the
    run had ended before the kill landed (small data runs in a fraction of a second), nothing was tested:
    the check says so ("inconclusive, retry larger") instead of failing the checks that follow.
    """
    from django.conf import settings

    from customers.models import CustomerProfile
    from matching.models import Assignment, MatchingRun

    name = "kill a worker mid-run"
    CustomerProfile.objects.update(manager=None, manager_locked=False)
    before = _state_digest()
    newest = MatchingRun.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    out = [None]
    start_run(a, token, {"strategy": "greedy", "rebalance": True, "dry_run": False}, out, 0)
    status, payload = out[0]
    if status != 202 or not _job_id(payload):
        check(name, False, f"could not start a run: {status} {payload}")
        return
    job_id = _job_id(payload)
    pids = {int(path.read_text().strip()): path.stem for path in worker_pids}
    deadline = time.monotonic() + 120
    while True:
        job, run = _running(job_id, newest)
        if job.worker and run is not None and run.status == "running":
            break
        if job.status in FINISHED or (run is not None and run.status in FINISHED) or time.monotonic() > deadline:
            inconclusive(name, f"job #{job_id} {job.status}, run #{run and run.pk} {run and run.status} before a "
                               f"worker could be killed: retry larger (more customers: a longer run)")
            return
        time.sleep(0.005)
    pid = int(job.worker.rsplit(":", 1)[1])
    if pid not in pids:
        check(name, False, f"job #{job_id} runs in {job.worker}, not one of this check's workers {sorted(pids)}")
        return
    os.kill(pid, signal.SIGKILL)
    time.sleep(0.5)
    job, run = _running(job_id, newest)
    if run.status != "running" or job.status != "running":
        inconclusive(name, f"run #{run.pk} {run.status}, job #{job_id} {job.status}: the run ended before "
                           f"worker {pids[pid]} was killed; retry larger (more customers: a longer run)")
        return
    print(f"      killed worker {pids[pid]} ({job.worker}, SIGKILL) while job #{job_id} and run #{run.pk} were running",
          flush=True)
    time.sleep(1.5)
    check("nothing half-written by the killed run",
          _state_digest() == before and not Assignment.objects.filter(run=run).exists(),
          f"{Assignment.objects.filter(run=run).count()} history rows")
    wait = settings.PORTRAIT_RUN_LOCK_WAIT_SECONDS + 61
    print(f"      waiting {wait} s: a RUNNING run older than the lock wait belongs to a dead process", flush=True)
    time.sleep(wait)
    from matching.services import run_automatic

    try:
        report = run_automatic(strategy="greedy")
        check("the run lock is free for the next run", True, f"run #{report.run.pk} {report.run.status}")
    except Exception as exc:  # noqa: BLE001 - reported as a failed check
        check("the run lock is free for the next run", False, f"{type(exc).__name__}: {exc}")
    run.refresh_from_db()
    check("the killed run is marked failed by the next run", run.status == "failed",
          f"run #{run.pk} {run.status}: {run.error}")
    job.refresh_from_db()
    check("so is its job, which the pages poll", job.status == "failed", f"job #{job.pk} {job.status}: {job.error}")


def shared_vocabulary_check(a: str, b: str, token: str) -> None:
    """A term renamed in another process (this one, as the Django admin of another server would) shows at
    once on both instances' API lists, which read names in the page's own statement (`core.bulk.LinkedNames`;
    before 7 December, from the vocabulary cached in the shared Redis)."""
    from vocabularies.models import Service

    headers = {"Authorization": f"Bearer {token}"}
    rows = json.loads(Browser().request(b + "/api/customers?page_size=50", headers=headers)[2])["results"]
    row = next((row for row in rows if row["needs"]), None)
    if row is None:
        check("a renamed term shows at once on both instances", False, "no customer with needs on the first page")
        return
    service = Service.objects.get(name=row["needs"][0])
    original, renamed = service.name, f"{service.name[:40]} (renamed)"
    service.name = renamed
    service.save()
    try:
        seen = {}
        for base in (a, b):
            page = Browser().request(f"{base}/api/customers?page_size=50", headers=headers)[2]
            seen[base] = next(r["needs"] for r in json.loads(page)["results"] if r["id"] == row["id"])
        ok = all(renamed in needs and original not in needs for needs in seen.values())
        check("a renamed term shows at once on both instances", ok, f"{original!r} -> {renamed!r}: {seen}")
    finally:
        service.name = original
        service.save()


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
        shared_vocabulary_check(args.a, args.b, token)
        concurrent_runs_check(args.a, args.b, token, args.timeout)
        kill_worker_check(args.a, token, args.worker_pids, args.logs, args.timeout)
    return summary()


def summary() -> int:
    """Print the tally; exit status 1 when a check failed, 2 when none failed but one was inconclusive."""
    failed = [name for name, ok, _ in results if ok is False]
    unsure = [name for name, ok, _ in results if ok is None]
    passed = len(results) - len(failed) - len(unsure)
    print(f"\n{passed} of {len(results)} checks passed"
          + (f"; failed: {', '.join(failed)}" if failed else "")
          + (f"; inconclusive, retry larger: {', '.join(unsure)}" if unsure else ""))
    return 1 if failed else 2 if unsure else 0


if __name__ == "__main__":
    sys.exit(main())
