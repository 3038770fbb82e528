"""The import page's limits: refusals name the settings that set them (and the commands that take more);
a workbook bomb uploaded is refused by the validation job in seconds, as from a Celery worker."""
from __future__ import annotations


import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.tests import xlsx_bombs
from jobs.models import BackgroundJob

from .test_pages import HEADER, upload

pytestmark = pytest.mark.django_db


def test_a_file_over_the_size_setting_is_refused_naming_the_setting_and_the_command(
    console_admin_client, bank, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    settings.PORTRAIT_IMPORT_MAX_BYTES = 1024 * 1024

    page = upload(console_admin_client, HEADER + "x" * (1024 * 1024)).content.decode()

    assert "PORTRAIT_IMPORT_MAX_BYTES" in page
    assert "--max-bytes" in page
    assert not BackgroundJob.objects.filter(kind="import").exists()


def test_a_file_over_the_row_setting_is_reported_with_the_settings_hint(console_admin_client, bank, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.PORTRAIT_IMPORT_MAX_ROWS = 1

    response = upload(console_admin_client, HEADER + "new1,N,40,,100,S00,\nnew2,M,40,,100,S00,\n")

    assert [error["code"] for error in response.context["result"]["errors"]] == ["too_many_rows"]
    hints = response.context["hints"]
    assert len(hints) == 1
    assert "PORTRAIT_IMPORT_MAX_ROWS" in hints[0]
    assert "--no-limit" not in hints[0]


@pytest.mark.parametrize(
    ("kind", "code"),
    [("styles", "too_complex"), ("strings", "too_many_rows"), ("row", "too_complex"), ("disguised", "too_complex")],
)
def test_an_uploaded_workbook_bomb_is_refused_by_the_validation_job(
    console_admin_client, bank, settings, tmp_path, kind, code
):
    settings.MEDIA_ROOT = tmp_path
    bomb = SimpleUploadedFile("bomb.xlsx", xlsx_bombs.BOMBS[kind]())

    response = console_admin_client.post(reverse("console:import"), {"target": "customers", "file": bomb}, follow=True)

    result = response.context["result"]
    assert not result["ok"]
    assert [error["code"] for error in result["errors"]] == [code]
