from customers.selectors import CUSTOMER_IMPORT_COLUMNS
from customers.services import CUSTOMER_IMPORT
from portrait.profile_import import ImportCommand


class Command(ImportCommand):
    importer = CUSTOMER_IMPORT
    noun = "customers"
    terms_help = "Create needs and hobbies that are not in the vocabularies yet, instead of refusing them."
    help = (
        "Create or update customers from a CSV file (UTF-8, a BOM is fine; or an .xlsx workbook) whose header is "
        f"{','.join(CUSTOMER_IMPORT_COLUMNS)}. Needs and hobbies are separated by ';'. Existing usernames are "
        "updated, new ones created without a usable password. The whole file is checked first: if any row is "
        "wrong nothing is written and every problem is listed as 'line N: column: problem'. "
        "An export of export_customers re-imports."
    )
