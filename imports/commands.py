"""The base of the import commands: read a file, call the import service, report every problem or a summary."""
from __future__ import annotations

import argparse
import re
from collections.abc import Callable
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import IntegrityError
from django.utils.translation import gettext as _

from core.errors import ApplicationError
from core.tabular import ImportResult, Limits

from .messages import COMMAND_HINTS, import_errors_message, import_summary


class ImportCommand(BaseCommand):
    """`import_customers`, `import_managers`, `import_contacts`: read a file, run the import, report every problem
    or a summary.

    Warnings about valid rows (a capacity below the current book) go to stderr whatever the verbosity.
    The size and row limits are the upload page's (the settings) unless `--max-bytes`, `--max-rows` or
    `--no-limit` say otherwise: an operator may import a core-banking extract of millions of rows whole.
    """

    import_file: Callable[..., ImportResult]  # the import service, e.g. imports.services.customers_import
    noun: str  # what the summary counts ("customers"); may be a lazy translation
    terms_help: str | None = None  # an import of terms (needs, hobbies) offers --create-terms; None: no terms

    def add_arguments(self, parser):
        parser.add_argument("file", help=_("The CSV (UTF-8, a BOM is fine) or .xlsx file to import."))
        if self.terms_help is not None:
            parser.add_argument("--create-terms", action="store_true", help=str(self.terms_help))
        parser.add_argument(
            "--dry-run", action="store_true", help=_("Only validate the file and print what would change.")
        )
        parser.add_argument(
            "--max-bytes", type=_size, metavar="SIZE",
            help=_("The largest file to accept, in bytes or with a unit (500MB, 2GB); default: the "
                   "PORTRAIT_IMPORT_MAX_BYTES setting, as on the upload page."),
        )
        parser.add_argument(
            "--max-rows", type=_count, metavar="N",
            help=_("The most data rows to accept; default: the PORTRAIT_IMPORT_MAX_ROWS setting, as on the upload "
                   "page."),
        )
        parser.add_argument(
            "--no-limit", action="store_true",
            help=_("Accept a file of any size and number of rows (the other checks stay)."),
        )

    def service_options(self, options) -> dict:
        """Keyword arguments of this import's own options for the service (none by default)."""
        return {}

    @staticmethod
    def limits(options) -> Limits:
        """The settings' limits, raised or lifted by `--max-bytes`, `--max-rows`, `--no-limit`."""
        if options.get("no_limit"):
            return Limits.from_settings(max_bytes=None, max_rows=None)
        changes = {key: options[key] for key in ("max_bytes", "max_rows") if options.get(key) is not None}
        return Limits.from_settings(**changes)

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(_("File not found: %(file)s") % {"file": path})
        try:
            terms = {"create_terms": options["create_terms"]} if self.terms_help is not None else {}
            result = self.import_file(
                file=path, actor=None, dry_run=options["dry_run"], limits=self.limits(options), **terms,
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


_UNITS = {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3}


def _size(text: str) -> int:
    """`--max-bytes`: "20000000", "500MB", "500M", "2GB" (units of 1024)."""
    match = re.fullmatch(r"\s*(\d+)\s*([kmg]?)i?b?\s*", text, re.IGNORECASE)
    if not match or int(match.group(1)) < 1:
        raise argparse.ArgumentTypeError(
            _("expected a size such as 20000000, 500MB or 2GB, not %(text)r") % {"text": text}
        )
    return int(match.group(1)) * _UNITS[match.group(2).lower()]


def _count(text: str) -> int:
    """`--max-rows`: a whole number above 0."""
    if not text.strip().isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(_("expected a whole number above 0, not %(text)r") % {"text": text})
    return int(text)
