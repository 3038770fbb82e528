from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import IntegrityError
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from contacts.selectors import CONTACT_COLUMNS
from imports.contacts import contacts_import
from imports.messages import import_errors_message, import_summary


class Command(BaseCommand):
    noun = pgettext_lazy("what an import summary counts", "contacts")

    @property
    def help(self) -> str:  # translated when the parser is built, in the active language
        return _(
            "Add contacts to the contact log from a CSV file (UTF-8, a BOM is fine; or an .xlsx workbook) whose "
            "header is %(columns)s (next_follow_up optional). Customers and managers are usernames; contacted_at "
            "is ISO 8601 (without an offset: the bank's time zone). The whole file is checked first: if any row "
            "is wrong nothing is written and every problem is listed as 'line N: column: problem'. Contacts "
            "already recorded are counted as unchanged: an export of export_contacts re-imports."
        ) % {"columns": ",".join(CONTACT_COLUMNS)}

    def add_arguments(self, parser):
        parser.add_argument("file", help=_("The CSV (UTF-8, a BOM is fine) or .xlsx file to import."))
        parser.add_argument(
            "--dry-run", action="store_true", help=_("Only validate the file and print what would change.")
        )

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(_("File not found: %(file)s") % {"file": path})
        try:
            result = contacts_import(file=path, actor=None, dry_run=options["dry_run"])
        except OSError as exc:
            raise CommandError(
                _("Cannot read %(file)s: %(error)s") % {"file": path, "error": exc.strerror or exc}
            ) from exc
        except IntegrityError as exc:  # the same contact recorded meanwhile; the transaction rolled back
            raise CommandError(
                _("The database changed during the import, nothing was imported: %(error)s. Run it again.")
                % {"error": exc}
            ) from exc
        if result.errors:
            raise CommandError(import_errors_message(result, source=str(path), hints={}))
        if options["verbosity"] >= 1:
            self.stdout.write(self.style.SUCCESS(import_summary(result, noun=self.noun)))
