"""The scale-out check's worker kill, without the real stack: the job and run rows stand in for a Celery worker's,
and a sleeping child process for the worker itself (benchmarks/scaleout.sh runs the real thing)."""
import subprocess
import sys
from datetime import timedelta

import pytest
from django.utils import timezone

from benchmarks import scaleout_check
from jobs.models import BackgroundJob, JobStatus
from matching.models import JobKind, MatchingRun, RunKind, RunStatus

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_results(monkeypatch):
    monkeypatch.setattr(scaleout_check, "results", [])
    monkeypatch.setattr(scaleout_check.time, "sleep", lambda seconds: None)


@pytest.fixture
def worker(tmp_path):
    """A process standing for a Celery worker, and its pid file."""
    process = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
    pidfile = tmp_path / "w1.pid"
    pidfile.write_text(str(process.pid))
    yield process, pidfile
    if process.poll() is None:
        process.kill()
    process.wait()


def start_job(monkeypatch, *, job_status, run_status, worker=""):
    """`start_run` as the instances would answer it, with the rows a worker would have written so far."""
    long_ago = timezone.now() - timedelta(minutes=10)  # older than the lock wait: the next run may take over

    def start_run(base, token, options, out, index):
        run = MatchingRun.objects.create(kind=RunKind.AUTOMATIC, strategy="greedy", status=run_status)
        job = BackgroundJob.objects.create(kind=JobKind.RUN, status=job_status, worker=worker)
        MatchingRun.objects.filter(pk=run.pk).update(started_at=long_ago)
        BackgroundJob.objects.filter(pk=job.pk).update(started_at=long_ago)
        out[index] = (202, {"id": job.pk})

    monkeypatch.setattr(scaleout_check, "start_run", start_run)


def outcomes():
    return {name: ok for name, ok, _detail in scaleout_check.results}


def test_a_run_that_ended_before_the_kill_is_inconclusive_not_a_failure(monkeypatch, worker, tmp_path):
    process, pidfile = worker
    start_job(monkeypatch, job_status=JobStatus.SUCCEEDED, run_status=RunStatus.SUCCEEDED,
              worker=f"host:{process.pid}")

    scaleout_check.kill_worker_check("http://a", "token", [pidfile], tmp_path, 60)

    assert outcomes() == {"kill a worker mid-run": None}
    assert process.poll() is None  # nobody was killed
    assert "retry larger" in scaleout_check.results[0][2]
    assert scaleout_check.summary() == 2


def test_the_worker_named_on_the_running_job_is_killed_and_the_next_run_cleans_up(monkeypatch, worker, tmp_path):
    process, pidfile = worker
    start_job(monkeypatch, job_status=JobStatus.RUNNING, run_status=RunStatus.RUNNING, worker=f"host:{process.pid}")

    scaleout_check.kill_worker_check("http://a", "token", [pidfile], tmp_path, 60)

    assert process.wait(timeout=10) == -9
    assert outcomes() == {
        "nothing half-written by the killed run": True,
        "the run lock is free for the next run": True,
        "the killed run is marked failed by the next run": True,
        "so is its job, which the pages poll": True,
    }
    assert scaleout_check.summary() == 0


def test_a_job_run_by_a_process_that_is_not_one_of_the_workers_is_not_killed(monkeypatch, worker, tmp_path):
    process, pidfile = worker
    start_job(monkeypatch, job_status=JobStatus.RUNNING, run_status=RunStatus.RUNNING, worker="elsewhere:1")

    scaleout_check.kill_worker_check("http://a", "token", [pidfile], tmp_path, 60)

    assert outcomes() == {"kill a worker mid-run": False}
    assert process.poll() is None
    assert scaleout_check.summary() == 1
