"""Matching's background jobs: each kind calls its service and records progress by phase and the outcome."""

import os
import time

import pytest
from django.test import override_settings

from jobs.models import BackgroundJob, JobStatus
from jobs.selectors import job_progress
from jobs.services import job_enqueue
from matching.models import JobKind, MatchingRun, RunKind
from matching.services import customer_assign

from .conftest import HOBBIES, SERVICES, refreshed

WORKER_BROKER = os.environ.get("PORTRAIT_TEST_WORKER_BROKER", "redis://127.0.0.1:6379/5")


def small_bank(portraits):
    m1 = portraits.manager("m1", capabilities=SERVICES[:4], hobbies=HOBBIES[:4], capacity=3)
    customers = [portraits.customer(f"c{i}", needs=SERVICES[:2]) for i in range(3)]
    return m1, customers


@pytest.mark.django_db
def test_a_preview_job_runs_in_process_without_a_broker_and_records_its_phases(portraits):
    small_bank(portraits)
    job = job_enqueue(kind=JobKind.PREVIEW, actor=None, options={"strategy": "optimal"})
    assert job.status == JobStatus.SUCCEEDED and job.progress == 100
    assert job.phases == ["load", "score", "place", "store"]
    assert MatchingRun.objects.get(pk=job.run_id).kind == RunKind.PREVIEW and job.result["changes"] == 3
    assert job_progress(job)["done"]


@pytest.mark.django_db
def test_an_apply_job_refused_as_stale_fails_with_the_reason(portraits):
    m1, customers = small_bank(portraits)
    preview = job_enqueue(kind=JobKind.PREVIEW, actor=None, options={"strategy": "optimal"}).run_id
    customer_assign(customer=customers[0], manager=m1, actor=None)
    job = job_enqueue(kind=JobKind.APPLY, actor=None, options={"preview": preview})
    assert job.status == JobStatus.FAILED
    assert "c0" in job.error and job.result["details"][0]["name"] == "c0"


@pytest.mark.django_db
def test_run_and_undo_jobs(portraits):
    _m1, customers = small_bank(portraits)
    run_job = job_enqueue(kind=JobKind.RUN, actor=None, options={"strategy": "greedy"})
    assert run_job.status == JobStatus.SUCCEEDED and run_job.result["placed"] == 3
    undo_job = job_enqueue(kind=JobKind.UNDO, actor=None, options={"run": run_job.run_id})
    assert undo_job.status == JobStatus.SUCCEEDED
    assert MatchingRun.objects.get(pk=undo_job.run_id).kind == RunKind.UNDO
    assert refreshed(customers[0]).manager is None


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_runs_a_job_queued_on_redis(portraits):
    """A Celery worker (a thread of this process, on the local Redis: db 5 unless
    PORTRAIT_TEST_WORKER_BROKER says otherwise) picks the job up while the
    request that queued it has long returned; the page sees the row go from queued to succeeded."""
    from celery import Celery
    from celery.contrib.testing.worker import start_worker

    from portrait.celery import app as project_app

    small_bank(portraits)
    # A Celery app of its own, as a worker process and the web process that queues have: the project's app
    # may hold a connection pool an earlier test's in-process task opened, still aimed at no broker.
    app = Celery("portrait")
    app.config_from_object("django.conf:settings", namespace="CELERY")
    app.conf.update(broker_url=WORKER_BROKER, task_always_eager=False)
    app.set_current()  # the shared tasks (`jobs.execute`) send through the current app
    try:
        with override_settings(CELERY_TASK_ALWAYS_EAGER=False, CELERY_BROKER_URL=WORKER_BROKER):
            with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
                job = job_enqueue(kind=JobKind.RUN, actor=None, options={"strategy": "optimal"})
                deadline = time.monotonic() + 60
                while time.monotonic() < deadline:
                    job.refresh_from_db()
                    if job.done:
                        break
                    time.sleep(0.2)
    finally:
        project_app.set_current()
        app.close()
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert job.phases == ["load", "score", "place", "write"]
    assert MatchingRun.objects.get(pk=job.run_id).customers_placed == 3
    assert BackgroundJob.objects.filter(status=JobStatus.QUEUED).count() == 0
