from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from customers.selectors import CUSTOMER_IMPORT_COLUMNS
from imports.commands import ImportCommand
from imports.services import customers_import


class Command(ImportCommand):
    import_file = staticmethod(customers_import)
    noun = pgettext_lazy("what an import summary counts", "customers")
    terms_help = gettext_lazy(
        "Create needs, hobbies and branch codes that do not exist yet, instead of refusing them."
    )

    @property
    def help(self) -> str:  # translated when the parser is built, in the active language
        return _(
            "Create or update customers from a CSV file (UTF-8, a BOM is fine; or an .xlsx workbook) whose header is "
            "%(columns)s. Needs and hobbies are separated by ';'. Existing usernames are "
            "updated, new ones created without a usable password. The whole file is checked first: if any row is "
            "wrong nothing is written and every problem is listed as 'line N: column: problem'. "
            "An export of export_customers re-imports."
        ) % {"columns": ",".join(CUSTOMER_IMPORT_COLUMNS)}
