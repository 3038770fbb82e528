from managers.services import MANAGER_IMPORT, MANAGER_IMPORT_COLUMNS
from portrait.profile_import import ImportCommand


class Command(ImportCommand):
    importer = MANAGER_IMPORT
    noun = "managers"
    terms_help = "Create capabilities and hobbies that are not in the vocabularies yet, instead of refusing them."
    help = (
        "Create or update relationship managers from a CSV file (UTF-8, a BOM is fine; or an .xlsx workbook) "
        f"whose header is {','.join(MANAGER_IMPORT_COLUMNS)} (capacity may be left out or empty: new managers "
        "get the default, existing ones keep theirs). Capabilities and hobbies are separated by ';'. The whole "
        "file is checked first: if any row is wrong nothing is written and every problem is listed."
    )
