from urllib.parse import urlencode

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from core.tabular.commands import add_output_arguments, output_format, table_write
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
        add_output_arguments(parser)
        for name, field in CustomerFilter.base_filters.items():
            parser.add_argument(
                f"--{name.replace('_', '-')}", *_ALIASES.get(name, ()), dest=f"filter_{name}", metavar=name.upper(),
                help=str(field.extra.get("help_text") or field.label),
            )

    def handle(self, *args, **options):
        output, file_format = options["output"], output_format(options)
        query = {
            name: options[f"filter_{name}"] for name in CustomerFilter.base_filters
            if options.get(f"filter_{name}") is not None
        }
        filters = CustomerFilter(query, queryset=CustomerProfile.objects.all())
        if not filters.is_valid():
            raise CommandError(" ".join(
                f"--{name.replace('_', '-')}: {' '.join(errors)}" for name, errors in filters.errors.items()
            ))
        count = table_write(
            self, output=output, file_format=file_format, header=CUSTOMER_EXPORT_COLUMNS,
            rows=customer_export_rows(queryset=filters.qs),
        )
        if output is None:
            self._record(query, file_name="-", file_format="csv", count=count)
            if options["verbosity"] >= 2:
                self.stderr.write(_("Exported %(count)d customers.") % {"count": count})
            return
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
