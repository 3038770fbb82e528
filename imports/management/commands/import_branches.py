from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from imports.branches import BRANCH_IMPORT_COLUMNS, branches_import


class Command(BaseCommand):
    @property
    def help(self) -> str:
        return _(
            "Create or update branches from a CSV file (or .xlsx) whose header is %(columns)s; a code already "
            "stored updates that branch. Every row is checked first: nothing is written if any is wrong."
        ) % {"columns": ",".join(BRANCH_IMPORT_COLUMNS)}

    def add_arguments(self, parser):
        parser.add_argument("file", help=_("The CSV or XLSX file."))
        parser.add_argument("--dry-run", action="store_true", help=_("Check the file and write nothing."))

    def handle(self, *args, **options):
        try:
            with open(options["file"], "rb") as source:
                result = branches_import(file=source, dry_run=options["dry_run"])
        except OSError as exc:
            raise CommandError(_("Cannot read %(file)s: %(error)s") % {"file": options["file"], "error": exc}) from exc
        if not result.ok:
            for error in result.errors:
                self.stderr.write(str(error))
            raise CommandError(_("%(count)d problem(s): nothing was written.") % {"count": len(result.errors)})
        self.stdout.write(self.style.SUCCESS(
            _("Branches: %(created)d created, %(updated)d updated, %(unchanged)d unchanged%(dry)s.") % {
                "created": result.created, "updated": result.updated, "unchanged": result.unchanged,
                "dry": _(" (dry run: nothing written)") if result.dry_run else "",
            }
        ))
