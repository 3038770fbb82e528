"""Branches and tiers in files: `import_branches`, the optional `branch` column of both profile imports and
the managers' `tiers` column, checked like every other column (every problem by line, nothing written)."""
import io

import pytest
from django.core.management import CommandError, call_command

from customers.models import CustomerProfile
from customers.selectors import customer_export_rows
from customers.tests.factories import CustomerFactory
from imports.branches import branches_import
from imports.services import customers_import, managers_import
from managers.models import ManagerProfile
from managers.tests.factories import ManagerFactory
from vocabularies.models import Branch
from vocabularies.tests.factories import BranchFactory

pytestmark = pytest.mark.django_db


def csv_file(text: str) -> io.BytesIO:
    return io.BytesIO(text.encode("utf-8"))


class TestImportBranches:
    def test_creates_and_updates_by_code(self, tmp_path):
        BranchFactory(code="BJ", name="旧名", region="华北")
        path = tmp_path / "branches.csv"
        path.write_text("code,name,region\nBJ,北京分行,北方\nSH,上海分行,南方\n", encoding="utf-8")
        out = io.StringIO()
        call_command("import_branches", str(path), stdout=out)
        assert "1 created, 1 updated" in out.getvalue()
        assert dict(Branch.objects.values_list("code", "region")) == {"BJ": "北方", "SH": "南方"}

    def test_a_bad_row_writes_nothing_and_names_its_line(self):
        result = branches_import(file=csv_file("code,name,region\nSH,上海分行,南方\nSH,重复,南方\nX;Y,坏,南方\n"))
        assert [(e.line, e.field, e.code) for e in result.errors] == [(3, "code", "duplicate"), (4, "code", "invalid")]
        assert not Branch.objects.exists()

    def test_the_command_fails_with_the_problems(self, tmp_path):
        path = tmp_path / "b.csv"
        path.write_text("code,name\nBJ,北京\n", encoding="utf-8")
        with pytest.raises(CommandError, match="nothing was written"):
            call_command("import_branches", str(path), stdout=io.StringIO(), stderr=io.StringIO())


class TestProfileColumns:
    def test_customers_get_their_branch_by_code_and_a_file_without_the_column_keeps_it(self):
        BranchFactory(code="BJ")
        header = "username,name,age,occupation,total_assets,needs,hobbies"
        result = customers_import(file=csv_file(f"{header},branch\nwang,王,40,,100,,,BJ\nli,李,30,,100,,,\n"))
        assert result.ok, result.errors
        assert dict(CustomerProfile.objects.values_list("user__username", "branch__code")) == {"wang": "BJ", "li": None}
        assert customers_import(file=csv_file(f"{header}\nwang,王,41,,100,,\n")).ok
        assert CustomerProfile.objects.get(user__username="wang").branch.code == "BJ"

    def test_an_unknown_branch_code_is_an_error_on_its_line(self):
        header = "username,name,age,occupation,total_assets,needs,hobbies,branch"
        result = customers_import(file=csv_file(f"{header}\nwang,王,40,,100,,,NOPE\n"))
        assert [(e.line, e.field, e.code) for e in result.errors] == [(2, "branch", "unknown_branch")]
        assert not CustomerProfile.objects.exists() and not Branch.objects.exists()


class TestCreateBranches:
    """`--create-terms` (the upload page's box) creates the branch codes a file names, as it creates terms."""

    HEADER = "username,name,age,occupation,total_assets,needs,hobbies,branch"

    def test_unknown_codes_become_branches_named_by_their_code_and_the_result_says_so(self):
        BranchFactory(code="BJ")
        result = customers_import(
            file=csv_file(f"{self.HEADER}\nwang,王,40,,100,,,GZ\nli,李,30,,100,,,GZ\nzhao,赵,30,,100,,,BJ\n"),
            create_terms=True,
        )
        assert result.ok, result.errors
        assert result.created_terms == ["branch: GZ"]
        created = Branch.objects.get(code="GZ")
        assert (created.name, created.region) == ("GZ", "")
        assert dict(CustomerProfile.objects.values_list("user__username", "branch__code")) == {
            "wang": "GZ", "li": "GZ", "zhao": "BJ",
        }

    def test_a_dry_run_says_what_it_would_create_and_creates_nothing(self):
        result = customers_import(file=csv_file(f"{self.HEADER}\nwang,王,40,,100,,,GZ\n"), create_terms=True,
                                  dry_run=True)
        assert result.ok and result.created_terms == ["branch: GZ"]
        assert not Branch.objects.exists() and not CustomerProfile.objects.exists()

    def test_a_rejected_file_creates_no_branch(self):
        result = customers_import(file=csv_file(f"{self.HEADER}\nwang,王,200,,100,,,GZ\n"), create_terms=True)
        assert not result.ok and not Branch.objects.exists()

    def test_a_code_the_model_refuses_is_an_error_even_with_create_terms(self):
        result = customers_import(file=csv_file(f"{self.HEADER}\nwang,王,40,,100,,,{'X' * 21}\n"), create_terms=True)
        assert [(e.line, e.field, e.code) for e in result.errors] == [(2, "branch", "invalid_branch")]

    def test_managers_and_the_command_create_them_too(self, tmp_path):
        path = tmp_path / "managers.csv"
        path.write_text("username,name,capabilities,hobbies,capacity,branch\nm1,一,,,5,SZ\n", encoding="utf-8")
        out = io.StringIO()
        call_command("import_managers", str(path), "--create-terms", stdout=out)
        assert ManagerProfile.objects.get().branch.code == "SZ"
        assert "branch: SZ" in out.getvalue()

    def test_the_command_refuses_an_unknown_code_without_the_option_and_names_it(self, tmp_path):
        path = tmp_path / "managers.csv"
        path.write_text("username,name,capabilities,hobbies,capacity,branch\nm1,一,,,5,SZ\n", encoding="utf-8")
        with pytest.raises(CommandError) as refused:
            call_command("import_managers", str(path), stdout=io.StringIO(), stderr=io.StringIO())
        assert "unknown branch code “SZ”" in str(refused.value) and "--create-terms" in str(refused.value)

    def test_managers_get_branch_and_tiers_served(self):
        BranchFactory(code="SZ")
        result = managers_import(file=csv_file(
            "username,name,capabilities,hobbies,capacity,branch,tiers\n"
            "m1,一,,,5,SZ,private;vip\nm2,二,,,5,,\n"
        ))
        assert result.ok, result.errors
        rows = {m.user.username: (m.branch_id and m.branch.code, m.tiers) for m in ManagerProfile.objects.all()}
        assert rows == {"m1": ("SZ", ["vip", "private"]), "m2": (None, [])}
        again = managers_import(file=csv_file(
            "username,name,capabilities,hobbies,capacity,branch,tiers\nm1,一,,,5,SZ,vip;private\n"
        ))
        assert again.unchanged == 1

    def test_an_unknown_tier_is_an_error_on_its_line(self):
        result = managers_import(file=csv_file(
            "username,name,capabilities,hobbies,capacity,tiers\nm1,一,,,5,vip;gold\nm2,二,,,5,vip;vip\n"
        ))
        assert [(e.line, e.field, e.code) for e in result.errors] == [(2, "tiers", "unknown_tier")]
        assert not ManagerProfile.objects.exists()

    def test_an_export_writes_branch_and_tier_and_reimports_unchanged(self):
        branch = BranchFactory(code="SH")
        CustomerFactory(user__username="zhao", branch=branch, total_assets=6_500_000)
        ManagerFactory()
        rows = list(customer_export_rows())
        assert (rows[0]["branch"], rows[0]["tier"]) == ("SH", "private")
        result = customers_import(rows=rows)
        assert result.ok and result.unchanged == 1
