"""The base of the import commands: read a file, call the import service, report every problem or a summary."""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import IntegrityError
from django.utils.translation import gettext as _

from core.errors import ApplicationError
from core.tabular import ImportResult

from .messages import COMMAND_HINTS, import_errors_message, import_summary


class ImportCommand(BaseCommand):
    """`import_customers`, `import_managers`: read a file, run the import, report every problem or a summary.

    Warnings about valid rows (a capacity below the current book) go to stderr whatever the verbosity.
    """

    import_file: Callable[..., ImportResult]  # the import service, e.g. imports.services.customers_import
    noun: str  # what the summary counts ("customers"); may be a lazy translation
    terms_help: str

    def add_arguments(self, parser):
        parser.add_argument("file", help=_("The CSV (UTF-8, a BOM is fine) or .xlsx file to import."))
        parser.add_argument("--create-terms", action="store_true", help=str(self.terms_help))
        parser.add_argument(
            "--dry-run", action="store_true", help=_("Only validate the file and print what would change.")
        )

    def service_options(self, options) -> dict:
        """Keyword arguments of this import's own options for the service (none by default)."""
        return {}

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(_("File not found: %(file)s") % {"file": path})
        try:
            result = self.import_file(
                file=path, actor=None, create_terms=options["create_terms"], dry_run=options["dry_run"],
                **self.service_options(options),
            )
        except OSError as exc:
            raise CommandError(
                _("Cannot read %(file)s: %(error)s") % {"file": path, "error": exc.strerror or exc}
            ) from exc
        except IntegrityError as exc:  # someone else wrote the same users meanwhile; the transaction rolled back
            raise CommandError(
                _("The database changed during the import, nothing was imported: %(error)s. Run it again.")
                % {"error": exc}
            ) from exc
        except ApplicationError as exc:  # a matching run holds the lock
            raise CommandError(" ".join(exc.messages)) from exc
        if result.errors:
            raise CommandError(
                import_errors_message(result, source=str(path), hints=COMMAND_HINTS)
            )
        for warning in result.warnings:
            self.stderr.write(self.style.WARNING(warning))
        if options["verbosity"] >= 1:
            self.stdout.write(self.style.SUCCESS(import_summary(result, noun=self.noun)))
