from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from contacts.models import Contact
from contacts.selectors import CONTACT_COLUMNS, contact_export_rows
from core.tabular.commands import add_output_arguments, output_format, table_write


class Command(BaseCommand):
    @property
    def help(self) -> str:  # translated when the parser is built, in the active language
        return _(
            "Export the contact log with the columns %(columns)s (customer and manager as usernames, times in "
            "ISO 8601 in the bank's time zone), oldest first. The file re-imports with import_contacts."
        ) % {"columns": ",".join(CONTACT_COLUMNS)}

    def add_arguments(self, parser):
        add_output_arguments(parser)
        parser.add_argument("--customer", metavar="USERNAME", help=_("Only the contacts with this customer."))
        parser.add_argument("--manager", metavar="USERNAME", help=_("Only the contacts this manager recorded."))

    def handle(self, *args, **options):
        output, file_format = options["output"], output_format(options)
        queryset = Contact.objects.all()
        if options["customer"]:
            queryset = queryset.filter(customer__user__username=options["customer"])
        if options["manager"]:
            queryset = queryset.filter(manager__user__username=options["manager"])
        count = table_write(
            self, output=output, file_format=file_format, header=CONTACT_COLUMNS,
            rows=contact_export_rows(queryset=queryset),
        )
        if output is not None and options["verbosity"] >= 1:
            self.stdout.write(
                self.style.SUCCESS(
                    _("Exported %(count)d contacts to %(file)s (%(format)s).")
                    % {"count": count, "file": output, "format": file_format}
                )
            )
