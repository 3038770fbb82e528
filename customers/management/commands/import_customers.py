from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import IntegrityError

from customers.selectors import CUSTOMER_IMPORT_COLUMNS
from customers.services import customers_import
from portrait.tabular import import_errors_message, import_summary


class Command(BaseCommand):
    help = (
        "Create or update customers from a CSV file (UTF-8, a BOM is fine; or an .xlsx workbook) whose header is "
        f"{','.join(CUSTOMER_IMPORT_COLUMNS)}. Needs and hobbies are separated by ';'. Existing usernames are "
        "updated, new ones created without a usable password. The whole file is checked first: if any row is "
        "wrong nothing is written and every problem is listed as 'line N: column: problem'."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The file to import, e.g. customers.csv (an export of export_customers re-imports).")
        parser.add_argument("--create-terms", action="store_true",
                            help="Create needs and hobbies that are not in the vocabularies yet, instead of refusing them.")
        parser.add_argument("--dry-run", action="store_true", help="Only validate the file and print what would change.")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"File not found: {path}")
        try:
            result = customers_import(file=path, create_terms=options["create_terms"], dry_run=options["dry_run"])
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror or exc}") from exc
        except IntegrityError as exc:  # someone else wrote the same users meanwhile; the transaction rolled back
            raise CommandError(f"The database changed during the import, nothing was imported: {exc}. Run it again.") from exc
        if result.errors:
            raise CommandError(import_errors_message(result, source=str(path)))
        if options["verbosity"] >= 1:
            self.stdout.write(self.style.SUCCESS(import_summary(result, noun="customers")))
