"""A report as a download, for every surface that offers one (the console's and the workspace's pages)."""
from __future__ import annotations

from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header

from accounts.models import User
from managers.models import ManagerProfile
from vocabularies.models import Branch

from .reports import BookReport, report_workbook
from .services import report_export_record

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def report_download(
    *, report: BookReport, stem: str, actor: User, manager: ManagerProfile | None = None,
    branch: Branch | None = None,
) -> HttpResponse:
    """`<stem>-<local time>.xlsx` with the report, recorded in the audit log (who, which file, whose book:
    `manager`'s, `branch`'s, or with neither every manager's). A stem with a branch code or a username in
    Chinese reaches the browser intact (`filename*`)."""
    name = f"{stem}-{timezone.localtime():%Y%m%d-%H%M}.xlsx"
    report_export_record(actor=actor, file_name=name, manager=manager, branch=branch)
    response = HttpResponse(report_workbook(report), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=name)
    return response
