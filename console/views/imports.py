"""Import: upload a customers or managers file, read the validation report (nothing written), confirm.

Both steps are background jobs calling the same import services as the commands; the file waits in the
default storage between them.
"""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.files.storage import default_storage
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.access import can_import
from imports.columns import IMPORTS, column_labels, import_columns, template_rows
from imports.messages import PAGE_HINTS, hints_for
from imports.jobs import IMPORT_JOB
from jobs.models import BackgroundJob
from jobs.services import job_enqueue

from ..forms import ImportForm
from .common import allow, client_ip, confirmation_page, confirmed, console_page, import_question, table_response


@console_page
def import_home(request):
    allow(can_import, request.user)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        suffix = ".xlsx" if upload.name.lower().endswith(".xlsx") else ".csv"
        path = default_storage.save(f"imports/{uuid.uuid4().hex}{suffix}", upload)
        job = job_enqueue(
            kind=IMPORT_JOB,
            actor=request.user,
            ip_address=client_ip(),
            options={
                "target": form.cleaned_data["target"],
                "path": path,
                "name": upload.name[:200],
                "dry_run": True,
                "create_terms": form.cleaned_data["create_terms"],
                "confirm_overflow": form.cleaned_data["confirm_overflow"],
            },
        )
        return redirect("console:job", pk=job.pk)
    recent = BackgroundJob.objects.filter(kind=IMPORT_JOB).select_related("actor").order_by("-created_at")[:10]
    columns = [(target, label, import_columns(target)) for target, label in form.fields["target"].choices]
    return render(request, "console/import.html", {"form": form, "recent": recent, "columns": columns})


@console_page
@require_GET
def import_template(request, target: str, file_format: str):
    """An empty file to fill in: the import's header and one example row that imports as it is."""
    allow(can_import, request.user)
    if target not in IMPORTS or file_format not in ("csv", "xlsx"):
        raise Http404
    return table_response(
        header=IMPORTS[target].columns, rows=template_rows(target), file_format=file_format,
        name=f"{target}-template", sheet=target,
    )


@console_page
def import_report(request, pk: int):
    allow(can_import, request.user)
    job = get_object_or_404(BackgroundJob, pk=pk, kind=IMPORT_JOB)
    confirmed = (
        BackgroundJob.objects.filter(kind=IMPORT_JOB, options__validated=job.pk).order_by("-created_at").first()
    )
    hints = hints_for((error.get("code", "") for error in job.result.get("errors", [])), PAGE_HINTS)
    labels = column_labels(job.options.get("target", "customers"))
    errors = [{**error, "label": labels.get(error.get("field", ""), error.get("field", ""))}
              for error in job.result.get("errors", [])]
    first, last = job.result.get("created_ids") or (None, None)
    return render(
        request, "console/import_report.html",
        {"job": job, "result": job.result, "errors": errors, "confirmed": confirmed, "hints": hints,
         "new_customers": f"id_from={first}&id_to={last}&sort=-created" if first else "",
         "question": _import_question(job)},
    )


def _import_question(job: BackgroundJob) -> str:
    result = job.result
    return import_question(
        created=result.get("created", 0), updated=result.get("updated", 0), unchanged=result.get("unchanged", 0)
    )


@console_page
@require_POST
def import_confirm(request, pk: int):
    allow(can_import, request.user)
    job = get_object_or_404(BackgroundJob, pk=pk, kind=IMPORT_JOB)
    if not (job.options.get("dry_run") and job.result.get("ok")) or not default_storage.exists(job.options["path"]):
        messages.error(request, _("Only a validated file without problems can be imported; upload it again."))
        return redirect("console:import")
    if not confirmed(request):
        return confirmation_page(
            request, question=_import_question(job), detail=job.options.get("name", ""),
            cancel=reverse("console:import_report", args=[job.pk]),
        )
    done = job_enqueue(
        kind=IMPORT_JOB,
        actor=request.user,
        ip_address=client_ip(),
        options={
            **{key: value for key, value in job.options.items() if not key.startswith("_")},
            "dry_run": False,
            "validated": job.pk,
        },
    )
    return redirect("console:job", pk=done.pk)
