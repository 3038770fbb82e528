"""An import reclassifies the customers it changes, end to end: file, command, commit, class.

The other import test modules mute `portraits_changed` (they test the import alone); here every
receiver is connected and transactions really commit, as in production, so nothing between the file
and the stored class is stood in for.
"""
import io

import pytest
from django.core.management import call_command
from django.utils import translation

from matching.errors import StalePlan
from customers.models import CustomerProfile
from imports.services import customers_import
from matching.services.previews import preview_apply, preview_create

pytestmark = pytest.mark.django_db(transaction=True)

SERVICES = ["理财规划", "基金投资", "个人贷款", "保险保障", "养老规划"]
HOBBIES = ["高尔夫", "旅游", "摄影", "茶艺"]
CUSTOMER_HEADER = "username,name,age,occupation,total_assets,needs,hobbies"


def import_file(tmp_path, command, text):
    path = tmp_path / f"{command}.csv"
    path.write_text(text, encoding="utf-8")
    with translation.override("en"):
        call_command(command, str(path), "--create-terms", stdout=io.StringIO())


@pytest.fixture
def adviser(tmp_path):
    """One manager offering four services and sharing three hobbies, imported like everyone else."""
    import_file(
        tmp_path, "import_managers",
        "username,name,capabilities,hobbies,capacity\n"
        f"adviser,Adviser,{';'.join(SERVICES[:4])},{';'.join(HOBBIES[:3])},10\n",
    )


def classes():
    return dict(CustomerProfile.objects.values_list("user__username", "customer_class"))


def test_imported_customers_are_classified_by_the_rules_without_a_run(tmp_path, adviser):
    import_file(
        tmp_path, "import_customers",
        f"{CUSTOMER_HEADER}\n"
        f"close,Close,40,Teacher,1000,{';'.join(SERVICES[:4])},{';'.join(HOBBIES[:3])}\n"  # 4 + 3 = 7: C
        f"needs,Needs,40,Teacher,1000,{';'.join(SERVICES[:2])},\n"                         # 2: E, needs lead by 2: D
        f"apart,Apart,40,Teacher,1000,{SERVICES[4]},{HOBBIES[3]}\n",                        # 0: E
    )
    assert classes() == {"close": "C", "needs": "D", "apart": "E"}


def test_reimporting_a_changed_portrait_reclassifies_that_customer(tmp_path, adviser):
    rows = {
        "needs": f"needs,Needs,40,Teacher,1000,{';'.join(SERVICES[:2])},",
        "apart": f"apart,Apart,40,Teacher,1000,{SERVICES[4]},{HOBBIES[3]}",
    }
    import_file(tmp_path, "import_customers", "\n".join([CUSTOMER_HEADER, *rows.values()]) + "\n")
    assert classes() == {"needs": "D", "apart": "E"}

    rows["needs"] = f"needs,Needs,40,Teacher,1000,{';'.join(SERVICES[:4])},{';'.join(HOBBIES[:3])}"
    import_file(tmp_path, "import_customers", "\n".join([CUSTOMER_HEADER, *rows.values()]) + "\n")
    assert classes() == {"needs": "C", "apart": "E"}


def test_the_import_service_reclassifies_on_commit(adviser):
    result = customers_import(rows=[
        {"username": "svc", "name": "Svc", "age": 50, "occupation": "", "total_assets": "10",
         "needs": SERVICES[:4], "hobbies": HOBBIES[:2]},  # 4 + 2 = 6: D, needs lead by 2: C
    ])
    assert result.ok and result.created == 1
    assert classes() == {"svc": "C"}


def test_a_portrait_changed_by_an_import_makes_a_stored_plan_stale(tmp_path, adviser):
    """A preview is refused once an import changed a portrait it placed, even one that keeps its class."""
    line = "later,Later,{age},Teacher,1000," + ";".join(SERVICES[:2]) + ","
    import_file(tmp_path, "import_customers", f"{CUSTOMER_HEADER}\n{line.format(age=40)}\n")
    preview = preview_create(actor=None)
    assert preview.planned_changes.count() == 1

    import_file(tmp_path, "import_customers", f"{CUSTOMER_HEADER}\n{line.format(age=41)}\n")
    assert classes() == {"later": "D"}  # the class did not change: only the import's own write moved the row
    with pytest.raises(StalePlan, match="portrait changed"):
        preview_apply(preview=preview, actor=None)
