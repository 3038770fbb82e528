"""Large files and workbook bombs through the import commands: the upload page's limits by default, raised
or lifted by `--max-bytes`, `--max-rows`, `--no-limit`, and every refusal says which option raises it."""
from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from core.tests import xlsx_bombs
from customers.models import CustomerProfile
from imports.commands import _size

pytestmark = pytest.mark.django_db

HEADER = "username,name,age,occupation,total_assets,needs,hobbies\n"


def _customers(path, count: int) -> str:
    path.write_text(HEADER + "".join(f"c{n},Name {n},40,,1000,Funds,Golf\n" for n in range(count)), encoding="utf-8")
    return str(path)


@pytest.fixture
def five_customers(tmp_path, vocab, english_and_quiet_signal):
    return _customers(tmp_path / "five.csv", 5)


class TestTheCommandsLimits:
    def test_more_rows_than_the_setting_is_refused_naming_the_options_that_raise_it(self, five_customers, settings):
        settings.PORTRAIT_IMPORT_MAX_ROWS = 4

        with pytest.raises(CommandError) as refused:
            call_command("import_customers", five_customers, stdout=io.StringIO())

        message = str(refused.value)
        assert "more than 4 data rows" in message
        assert "--max-rows" in message
        assert "--no-limit" in message
        assert not CustomerProfile.objects.exists()

    def test_max_rows_raises_the_row_limit_for_this_import(self, five_customers, settings):
        settings.PORTRAIT_IMPORT_MAX_ROWS = 4

        call_command("import_customers", five_customers, "--max-rows", "5", stdout=io.StringIO())

        assert CustomerProfile.objects.count() == 5

    def test_a_file_over_the_size_setting_is_refused_naming_max_bytes(self, five_customers, settings):
        settings.PORTRAIT_IMPORT_MAX_BYTES = 100

        with pytest.raises(CommandError) as refused:
            call_command("import_customers", five_customers, "--dry-run", stdout=io.StringIO())

        assert "--max-bytes" in str(refused.value)
        assert "PORTRAIT_IMPORT_MAX_BYTES" in str(refused.value)

    def test_max_bytes_takes_a_unit(self, five_customers, settings):
        settings.PORTRAIT_IMPORT_MAX_BYTES = 100
        out = io.StringIO()

        call_command("import_customers", five_customers, "--dry-run", "--max-bytes", "1KB", stdout=out)

        assert "5 customers valid" in out.getvalue()

    def test_no_limit_lifts_size_and_rows(self, five_customers, settings):
        settings.PORTRAIT_IMPORT_MAX_BYTES = 100
        settings.PORTRAIT_IMPORT_MAX_ROWS = 1

        call_command("import_customers", five_customers, "--no-limit", stdout=io.StringIO())

        assert CustomerProfile.objects.count() == 5

    def test_the_managers_import_takes_the_same_options(self, tmp_path, vocab, english_and_quiet_signal, settings):
        settings.PORTRAIT_IMPORT_MAX_ROWS = 1
        path = tmp_path / "managers.csv"
        path.write_text("username,name,capabilities,hobbies,capacity\nm1,M1,Funds,Golf,5\nm2,M2,Funds,Golf,5\n")

        with pytest.raises(CommandError) as refused:
            call_command("import_managers", str(path), "--dry-run", stdout=io.StringIO())
        out = io.StringIO()
        call_command("import_managers", str(path), "--dry-run", "--max-rows", "2", stdout=out)

        assert "--max-rows" in str(refused.value)
        assert "2 managers valid" in out.getvalue()

    @pytest.mark.parametrize("value", ["0", "-5", "lots", "5TB"])
    def test_a_limit_that_is_not_a_positive_size_is_refused(self, five_customers, value):
        with pytest.raises(CommandError, match="max-bytes"):
            call_command("import_customers", five_customers, "--max-bytes", value, stdout=io.StringIO())

    def test_sizes_read_with_units_of_1024(self):
        assert [_size(text) for text in ("2000", "1k", "500MB", "2G", "3 mib")] == [
            2000, 1024, 500 * 1024**2, 2 * 1024**3, 3 * 1024**2,
        ]

    def test_the_chinese_message_names_the_same_options(self, five_customers, settings):
        settings.PORTRAIT_IMPORT_MAX_ROWS = 4

        with translation.override("zh-hans"), pytest.raises(CommandError) as refused:
            call_command("import_customers", five_customers, stdout=io.StringIO())

        message = str(refused.value)
        assert "--max-rows" in message
        assert "4 行" in message


class TestTheCommandsRefuseWorkbookBombs:
    @pytest.mark.parametrize("kind", ["styles", "row", "disguised"])
    def test_a_bomb_is_refused_with_a_clear_message(self, kind, tmp_path, vocab, english_and_quiet_signal):
        path = tmp_path / "bomb.xlsx"
        path.write_bytes(xlsx_bombs.BOMBS[kind]())

        with pytest.raises(CommandError) as refused:
            call_command("import_customers", str(path), "--dry-run", stdout=io.StringIO())

        assert "built unlike a spreadsheet" in str(refused.value)
        assert "CSV UTF-8" in str(refused.value)

    def test_no_limit_does_not_let_a_styles_bomb_through(self, tmp_path, vocab, english_and_quiet_signal):
        path = tmp_path / "bomb.xlsx"
        path.write_bytes(xlsx_bombs.styles_bomb())

        with pytest.raises(CommandError, match="xl/styles.xml"):
            call_command("import_customers", str(path), "--dry-run", "--no-limit", stdout=io.StringIO())
