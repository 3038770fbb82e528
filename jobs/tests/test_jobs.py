"""The jobs app runs whatever kind an app registered: it stores the request, runs the work with phase
progress and keeps the outcome, knowing no kind itself."""
import os
import socket

import pytest
from django.core.exceptions import ValidationError

from audit.models import AuditEvent
from core.errors import Conflict
from jobs import registry
from jobs.execution import job_execute
from jobs.models import BackgroundJob, JobStatus
from jobs.registry import job_kind_choices, job_kind_register, job_type
from jobs.selectors import job_progress
from jobs.services import job_enqueue

pytestmark = pytest.mark.django_db


def _echo(job, progress):
    for _phase in progress(["first", "second"], desc="echo"):
        pass
    return {"echo": job.options["say"]}


def _refuse(job, progress):
    raise Conflict("No.", details=[f"customer {i}" for i in range(30)])


def _crash(job, progress):
    raise RuntimeError("broken")


def _whoami(job, progress):
    return {"worker": BackgroundJob.objects.get(pk=job.pk).worker}


@pytest.fixture(autouse=True)
def test_kinds(monkeypatch):
    """Kinds of this module only, gone after each test (the registry is the process's)."""
    monkeypatch.setattr(registry, "_KINDS", dict(registry._KINDS))
    job_kind_register("test-echo", label="Echo", work=_echo)
    job_kind_register("test-refuse", label="Refuse", work=_refuse)
    job_kind_register("test-crash", label="Crash", work=_crash)
    job_kind_register("test-whoami", label="Who am I", work=_whoami)


def test_the_apps_register_their_own_kinds():
    kinds = {kind for kind, _label in job_kind_choices()}
    assert {"run", "preview", "apply", "undo", "segment", "transfer", "import"} <= kinds
    assert job_type("run").work.__module__ == "matching.jobs"
    assert job_type("import").work.__module__ == "imports.jobs"


def test_a_job_runs_its_registered_work_with_phases_and_keeps_the_result():
    job = job_enqueue(kind="test-echo", actor=None, options={"say": "hello"}, ip_address="10.0.0.1")

    assert job.status == JobStatus.SUCCEEDED
    assert job.result == {"echo": "hello"}
    assert job.phases == ["first", "second"]
    assert job.progress == 100
    assert job_progress(job)["done"]
    assert job.kind_label == "Echo"
    assert AuditEvent.objects.filter(action="job.test-echo_requested").count() == 1


def test_an_unknown_kind_is_refused_before_anything_is_stored():
    with pytest.raises(ValidationError):
        job_enqueue(kind="nonsense", actor=None)
    assert not BackgroundJob.objects.exists()


def test_a_refusal_fails_the_job_with_the_first_20_details_and_their_number():
    job = job_enqueue(kind="test-refuse", actor=None)

    assert job.status == JobStatus.FAILED
    assert job.error == "No."
    assert len(job.result["details"]) == 20
    assert job.result["count"] == 30


def test_a_crash_fails_the_job_with_the_error():
    job = job_enqueue(kind="test-crash", actor=None)

    assert job.status == JobStatus.FAILED
    assert job.error == "RuntimeError: broken"


def test_a_kind_cannot_be_taken_over_by_other_work():
    with pytest.raises(ValueError):
        job_kind_register("run", label="Mine", work=_echo)


def test_a_started_job_names_the_process_running_it_while_it_runs():
    job = job_enqueue(kind="test-whoami", actor=None)

    assert job.result == {"worker": f"{socket.gethostname()}:{os.getpid()}"}
    assert job.worker == job.result["worker"]


def test_a_redelivered_job_keeps_the_worker_that_started_it():
    job = BackgroundJob.objects.create(kind="test-whoami", status=JobStatus.RUNNING, worker="elsewhere:1")

    job_execute(job.pk)

    job.refresh_from_db()
    assert job.worker == "elsewhere:1" and job.status == JobStatus.RUNNING
