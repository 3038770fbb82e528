from urllib.parse import urlencode

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from core.tabular import csv_chunks, write_csv, write_xlsx
from customers.filters import CustomerFilter
from customers.models import CustomerProfile
from customers.selectors import CUSTOMER_EXPORT_COLUMNS, customer_export_rows
from customers.services import customers_export_record

# Each of the customer filter's parameters is an option of the same name (`--age-min` for `age_min`),
# with the same values as in a query string; these add a second spelling.
_ALIASES = {"customer_class": ["--class"], "q": ["--search"]}


class Command(BaseCommand):
    @property
    def help(self) -> str:  # translated when the parser is built, in the active language
        return _(
            "Export customers with the columns %(columns)s (manager as a username). "
            "CSV is UTF-8 with a BOM so Excel reads Chinese; cells a spreadsheet would run as a formula are "
            "escaped with a leading '. The file re-imports with import_customers. The filter options are the "
            "customer list's parameters (customers.filters), with the same values: --manager is a user id, "
            "--customer-class none the customers not classified yet, dates are days in the bank's time zone."
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
        for name, field in CustomerFilter.base_filters.items():
            parser.add_argument(
                f"--{name.replace('_', '-')}", *_ALIASES.get(name, ()), dest=f"filter_{name}", metavar=name.upper(),
                help=str(field.extra.get("help_text") or field.label),
            )

    def handle(self, *args, **options):
        output = options["output"]
        file_format = options["format"] or ("xlsx" if output and output.lower().endswith(".xlsx") else "csv")
        if file_format == "xlsx" and not output:
            raise CommandError(_("xlsx cannot go to standard output: add --output FILE.xlsx."))
        query = {
            name: options[f"filter_{name}"] for name in CustomerFilter.base_filters
            if options.get(f"filter_{name}") is not None
        }
        filters = CustomerFilter(query, queryset=CustomerProfile.objects.all())
        if not filters.is_valid():
            raise CommandError(" ".join(
                f"--{name.replace('_', '-')}: {' '.join(errors)}" for name, errors in filters.errors.items()
            ))
        count = 0

        def rows():
            nonlocal count
            for row in customer_export_rows(queryset=filters.qs):
                count += 1
                yield row

        if output is None:
            for chunk in csv_chunks(header=CUSTOMER_EXPORT_COLUMNS, rows=rows()):
                self.stdout.write(chunk, ending="")
            self._record(query, file_name="-", file_format="csv", count=count)
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
        self._record(query, file_name=output, file_format=file_format, count=count)
        if options["verbosity"] >= 1:
            self.stdout.write(
                self.style.SUCCESS(
                    _("Exported %(count)d customers to %(file)s (%(format)s).")
                    % {"count": count, "file": output, "format": file_format}
                )
            )

    @staticmethod
    def _record(query: dict, *, file_name: str, file_format: str, count: int) -> None:
        customers_export_record(
            actor=None, file_name=file_name, file_format=file_format, count=count, filters=urlencode(query, doseq=True)
        )
