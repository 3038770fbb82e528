"""The import's background job: registered by the imports app, it calls the import services."""
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from customers.models import CustomerProfile
from imports.jobs import IMPORT_JOB
from jobs.models import JobStatus
from jobs.services import job_enqueue

pytestmark = pytest.mark.django_db


def test_an_import_job_validates_first_and_reports_every_bad_line(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    bad = "username,name,age,occupation,total_assets,needs,hobbies\nx1,X,12,,100,,\nx2,Y,40,,-5,,\n"
    path = default_storage.save("imports/bad.csv", ContentFile(bad.encode()))

    job = job_enqueue(kind=IMPORT_JOB, actor=None, options={"target": "customers", "path": path, "dry_run": True})

    assert job.status == JobStatus.SUCCEEDED
    assert not job.result["ok"]
    assert [error["line"] for error in job.result["errors"]] == [2, 3]
    assert not CustomerProfile.objects.filter(user__username__in=["x1", "x2"]).exists()


def test_a_confirmed_import_job_writes_and_removes_the_file(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    good = "username,name,age,occupation,total_assets,needs,hobbies\nx1,X,40,,100,,\n"
    path = default_storage.save("imports/good.csv", ContentFile(good.encode()))

    job = job_enqueue(kind=IMPORT_JOB, actor=None, options={"target": "customers", "path": path, "dry_run": False})

    assert job.status == JobStatus.SUCCEEDED, job.error
    assert job.result["created"] == 1
    assert CustomerProfile.objects.filter(user__username="x1").exists()
    assert not default_storage.exists(path)
