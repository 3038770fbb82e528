from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from contacts.selectors import CONTACT_COLUMNS
from imports.commands import ImportCommand
from imports.contacts import contacts_import


class Command(ImportCommand):
    import_file = staticmethod(contacts_import)
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
