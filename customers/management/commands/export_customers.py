from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from customers.models import CustomerClass
from customers.selectors import CUSTOMER_EXPORT_COLUMNS, customer_export_rows
from core.tabular import csv_chunks, write_csv, write_xlsx


class Command(BaseCommand):
    @property
    def help(self) -> str:  # translated when the parser is built, in the active language
        return _(
            "Export customers with the columns %(columns)s (manager as a username). "
            "CSV is UTF-8 with a BOM so Excel reads Chinese; cells a spreadsheet would run as a formula are "
            "escaped with a leading '. The file re-imports with import_customers."
        ) % {"columns": ",".join(CUSTOMER_EXPORT_COLUMNS)}

    def add_arguments(self, parser):
        parser.add_argument(
            "--output", "-o", metavar="FILE", help=_("Write to FILE instead of standard output (required for xlsx).")
        )
        parser.add_argument(
            "--format",
            choices=["csv", "xlsx"],
            help=_("csv or xlsx; by default xlsx when FILE ends with .xlsx, csv otherwise."),
        )
        parser.add_argument(
            "--class", dest="customer_class", choices=CustomerClass.values, help=_("Only customers of this class.")
        )
        parser.add_argument("--manager", metavar="USERNAME", help=_("Only the customers of this manager."))
        parser.add_argument("--segment", type=int, help=_("Only customers of this segment."))

    def handle(self, *args, **options):
        output = options["output"]
        file_format = options["format"] or ("xlsx" if output and output.lower().endswith(".xlsx") else "csv")
        if file_format == "xlsx" and not output:
            raise CommandError(_("xlsx cannot go to standard output: add --output FILE.xlsx."))
        count = 0

        def rows():
            nonlocal count
            for row in customer_export_rows(
                customer_class=options["customer_class"],
                manager_username=options["manager"],
                segment=options["segment"],
            ):
                count += 1
                yield row

        if output is None:
            for chunk in csv_chunks(header=CUSTOMER_EXPORT_COLUMNS, rows=rows()):
                self.stdout.write(chunk, ending="")
            if options["verbosity"] >= 2:
                self.stderr.write(_("Exported %(count)d customers.") % {"count": count})
            return
        writer = write_xlsx if file_format == "xlsx" else write_csv
        try:
            writer(output, header=CUSTOMER_EXPORT_COLUMNS, rows=rows())
        except OSError as exc:
            raise CommandError(
                _("Cannot write %(file)s: %(error)s") % {"file": output, "error": exc.strerror or exc}
            ) from exc
        if options["verbosity"] >= 1:
            self.stdout.write(
                self.style.SUCCESS(
                    _("Exported %(count)d customers to %(file)s (%(format)s).")
                    % {"count": count, "file": output, "format": file_format}
                )
            )
