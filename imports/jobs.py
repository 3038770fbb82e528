"""The import's kind of background job, registered with the jobs app in `ImportsConfig.ready()`: validate
(dry run) or import an uploaded file kept in the default storage, with the services the commands use."""
from __future__ import annotations

from django.core.files.storage import default_storage
from django.db.models import Max
from django.utils.translation import gettext_lazy as _

from customers.models import CustomerProfile

from jobs.registry import Progress, job_kind_register

IMPORT_JOB = "import"
ERRORS_KEPT = 1000


def _last_customer_id() -> int:
    return CustomerProfile.objects.aggregate(last=Max("pk"))["last"] or 0


def _import(job, progress: Progress) -> dict:
    """`confirm_overflow` is the managers import's own option.

    A customers import that created customers records their numbers, `created_ids` = [first, last]: the
    ids above the last one before the import, up to the last one after it (the customer list's
    `id_from`/`id_to` open exactly them, where a day would mix two imports of one day). A customer created
    another way during the import's own seconds (a sign-up) would fall in the range too.
    """
    from .services import customers_import, managers_import

    options = job.options
    service = {"customers": customers_import, "managers": managers_import}[options["target"]]
    extra = {"confirm_overflow": True} if options.get("confirm_overflow") else {}
    phase = "validate" if options.get("dry_run") else "import"
    counting = options["target"] == "customers" and not options.get("dry_run")
    before = _last_customer_id() if counting else 0
    for _phase in progress([phase], desc=phase):
        with default_storage.open(options["path"], "rb") as stream:
            result = service(
                file=stream,
                create_terms=bool(options.get("create_terms")),
                dry_run=bool(options.get("dry_run")),
                actor=job.actor,
                file_name=options.get("name", ""),  # the upload's own name, not the stored one
                **extra,
            )
    if not options.get("dry_run") and result.ok:
        default_storage.delete(options["path"])
    created_ids = {"created_ids": [before + 1, _last_customer_id()]} if counting and result.created else {}
    return {
        **created_ids,
        "ok": result.ok,
        "dry_run": result.dry_run,
        "created": result.created,
        "updated": result.updated,
        "unchanged": result.unchanged,
        "created_terms": result.created_terms,
        "warnings": [str(w) for w in getattr(result, "warnings", [])],
        "errors": [
            {"line": e.line, "field": str(e.field), "message": str(e.message), "code": e.code, "text": str(e)}
            for e in result.errors[:ERRORS_KEPT]
        ],
        "error_count": len(result.errors),
    }


def register_job_kinds() -> None:
    job_kind_register(IMPORT_JOB, label=_("Import"), work=_import)
