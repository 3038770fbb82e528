"""The audit log: who did what, when and from where; filters, pages, CSV export. Read-only."""

from __future__ import annotations

from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone

from accounts.access import can_read_audit
from audit.models import AuditEvent
from core.tabular import csv_chunks
from matching.models import MatchingRun

from ..forms import AuditFilterForm
from .common import allow, console_page, paginate, query_without_page


AUDIT_COLUMNS = ("when", "actor", "action", "object_type", "object_id", "summary", "changes", "ip")


def _rows(queryset):
    for event in queryset.iterator(chunk_size=2000):
        yield {
            "when": timezone.localtime(event.created_at).isoformat(timespec="seconds"),
            "actor": event.actor_username,
            "action": event.action,
            "object_type": event.target_type,
            "object_id": event.target_id,
            "summary": event.summary,
            "changes": "; ".join(f"{name}: {old} → {new}" for name, (old, new) in event.changes.items()),
            "ip": event.ip_address or "",
        }


@console_page
def audit_list(request):
    allow(can_read_audit, request.user)
    form = AuditFilterForm(request.GET or None)
    events = form.filter(AuditEvent.objects.all())
    if request.GET.get("format") == "csv":
        response = StreamingHttpResponse(
            csv_chunks(header=AUDIT_COLUMNS, rows=_rows(events)), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="audit-{timezone.localtime():%Y%m%d-%H%M}.csv"'
        return response
    page = paginate(request, events)
    page.object_list = _name_runs(page.object_list)
    return render(request, "console/audit.html", {"form": form, "page": page, "query": query_without_page(request)})


RUN_TYPE = MatchingRun._meta.label_lower


def _name_runs(events) -> list[AuditEvent]:
    """Set `run` on the page's events about a matching run, so the log names it as every page does
    (`MatchingRun.title`) and links to it: one query for the page."""
    events = list(events)
    ids = {int(e.target_id) for e in events if e.target_type == RUN_TYPE and str(e.target_id).isdigit()}
    runs = MatchingRun.objects.select_related("actor").in_bulk(ids) if ids else {}
    for event in events:
        is_run = event.target_type == RUN_TYPE and str(event.target_id).isdigit()
        event.run = runs.get(int(event.target_id)) if is_run else None
    return events
