"""A report as a download, for every surface that offers one (the console's and the workspace's pages)."""
from __future__ import annotations

from django.http import HttpResponse
from django.utils import timezone

from accounts.models import User
from managers.models import ManagerProfile

from .reports import BookReport, report_workbook
from .services import report_export_record

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def report_download(
    *, report: BookReport, stem: str, actor: User, manager: ManagerProfile | None
) -> HttpResponse:
    """`<stem>-<local time>.xlsx` with the report, recorded in the audit log (who, which file, whose book)."""
    name = f"{stem}-{timezone.localtime():%Y%m%d-%H%M}.xlsx"
    report_export_record(actor=actor, file_name=name, manager=manager)
    response = HttpResponse(report_workbook(report), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
