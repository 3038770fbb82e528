from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from contacts.models import Contact
from contacts.selectors import CONTACT_COLUMNS, contact_export_rows
from core.tabular import csv_chunks, write_csv, write_xlsx


class Command(BaseCommand):
    @property
    def help(self) -> str:  # translated when the parser is built, in the active language
        return _(
            "Export the contact log with the columns %(columns)s (customer and manager as usernames, times in "
            "ISO 8601 in the bank's time zone), oldest first. The file re-imports with import_contacts."
        ) % {"columns": ",".join(CONTACT_COLUMNS)}

    def add_arguments(self, parser):
        parser.add_argument(
            "--output", "-o", metavar="FILE", help=_("Write to FILE instead of standard output (required for xlsx).")
        )
        parser.add_argument(
            "--format",
            choices=["csv", "xlsx"],
            help=_("csv or xlsx; by default xlsx when FILE ends with .xlsx, csv otherwise."),
        )
        parser.add_argument("--customer", metavar="USERNAME", help=_("Only the contacts with this customer."))
        parser.add_argument("--manager", metavar="USERNAME", help=_("Only the contacts this manager recorded."))

    def handle(self, *args, **options):
        output = options["output"]
        file_format = options["format"] or ("xlsx" if output and output.lower().endswith(".xlsx") else "csv")
        if file_format == "xlsx" and not output:
            raise CommandError(_("xlsx cannot go to standard output: add --output FILE.xlsx."))
        queryset = Contact.objects.all()
        if options["customer"]:
            queryset = queryset.filter(customer__user__username=options["customer"])
        if options["manager"]:
            queryset = queryset.filter(manager__user__username=options["manager"])
        count = 0

        def rows():
            nonlocal count
            for row in contact_export_rows(queryset=queryset):
                count += 1
                yield row

        if output is None:
            for chunk in csv_chunks(header=CONTACT_COLUMNS, rows=rows()):
                self.stdout.write(chunk, ending="")
            return
        writer = write_xlsx if file_format == "xlsx" else write_csv
        try:
            writer(output, header=CONTACT_COLUMNS, rows=rows())
        except OSError as exc:
            raise CommandError(
                _("Cannot write %(file)s: %(error)s") % {"file": output, "error": exc.strerror or exc}
            ) from exc
        if options["verbosity"] >= 1:
            self.stdout.write(
                self.style.SUCCESS(
                    _("Exported %(count)d contacts to %(file)s (%(format)s).")
                    % {"count": count, "file": output, "format": file_format}
                )
            )
