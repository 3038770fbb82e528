from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from imports.commands import ImportCommand
from imports.services import MANAGER_IMPORT_COLUMNS, managers_import


class Command(ImportCommand):
    import_file = staticmethod(managers_import)
    noun = pgettext_lazy("what an import summary counts", "managers")
    terms_help = gettext_lazy(
        "Create capabilities, hobbies and branch codes that do not exist yet, instead of refusing them."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--confirm-overflow", action="store_true",
            help=_("Lower a capacity below the customers a manager serves now: the customers stay, and automatic "
                   "runs give that manager no one new until the book is below the capacity."),
        )

    def service_options(self, options) -> dict:
        return {"confirm_overflow": options["confirm_overflow"]}

    @property
    def help(self) -> str:  # translated when the parser is built, in the active language
        return _(
            "Create or update relationship managers from a CSV file (UTF-8, a BOM is fine; or an .xlsx workbook) "
            "whose header is %(columns)s (capacity may be left out or empty: new managers "
            "get the default, existing ones keep theirs). Capabilities and hobbies are separated by ';'. The whole "
            "file is checked first: if any row is wrong nothing is written and every problem is listed."
        ) % {"columns": ",".join(MANAGER_IMPORT_COLUMNS)}
