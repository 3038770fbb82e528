from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import IntegrityError

from managers.services import MANAGER_IMPORT_COLUMNS, managers_import
from portrait.tabular import import_errors_message, import_summary


class Command(BaseCommand):
    help = (
        "Create or update relationship managers from a CSV file (UTF-8, a BOM is fine; or an .xlsx workbook) "
        f"whose header is {','.join(MANAGER_IMPORT_COLUMNS)} (capacity may be left out or empty: new managers "
        "get the default, existing ones keep theirs). Capabilities and hobbies are separated by ';'. The whole "
        "file is checked first: if any row is wrong nothing is written and every problem is listed."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The file to import, e.g. managers.csv.")
        parser.add_argument("--create-terms", action="store_true",
                            help="Create capabilities and hobbies that are not in the vocabularies yet, instead of refusing them.")
        parser.add_argument("--dry-run", action="store_true", help="Only validate the file and print what would change.")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"File not found: {path}")
        try:
            result = managers_import(file=path, create_terms=options["create_terms"], dry_run=options["dry_run"])
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror or exc}") from exc
        except IntegrityError as exc:  # someone else wrote the same users meanwhile; the transaction rolled back
            raise CommandError(f"The database changed during the import, nothing was imported: {exc}. Run it again.") from exc
        if result.errors:
            raise CommandError(import_errors_message(result, source=str(path)))
        if options["verbosity"] >= 1:
            self.stdout.write(self.style.SUCCESS(import_summary(result, noun="managers")))
