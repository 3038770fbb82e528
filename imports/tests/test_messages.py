"""imports.messages: the same counts and problems for a command and a page, each with its own hint."""
import pytest
from django.utils import translation

from core.tabular import ImportResult, RowError
from imports.messages import (
    COMMAND_HINTS,
    PAGE_HINTS,
    import_errors_message,
    import_errors_report,
    import_summary,
)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


class TestMessages:
    def test_summary(self):
        assert import_summary(ImportResult(created=100, updated=20), noun="customers") == (
            "Imported 120 customers: 100 created, 20 updated, 0 unchanged."
        )
        assert import_summary(ImportResult(created=1, dry_run=True, created_terms=["needs: X"]), noun="managers") == (
            "Dry run, nothing written: 1 managers valid: 1 to create, 0 to update, 0 unchanged. "
            "Terms to create: needs: X."
        )

    def test_error_message_lists_every_line(self):
        result = ImportResult(
            errors=[RowError(2, "age", "bad"), RowError(3, "needs", "unknown term “x”", "unknown_term")]
        )

        assert import_errors_message(
            result, source="f.csv", hints=COMMAND_HINTS
        ).splitlines() == [
            "f.csv: 2 problems; nothing was imported.",
            "line 2: age: bad",
            "line 3: needs: unknown term “x”",
            "Add the unknown terms in the admin, or import again with --create-terms to create them.",
        ]

    def test_a_page_gets_its_own_hint_for_unknown_terms(self):
        result = ImportResult(errors=[RowError(3, "needs", "unknown term “x”", "unknown_term")])

        message = import_errors_message(result, source="f.csv", hints=PAGE_HINTS)

        assert "--create-terms" not in message
        assert message.splitlines()[-1] == (
            "Add the unknown terms in the admin, or tick “Create needs, hobbies and branch codes that do not exist "
            "yet” and upload the file again."
        )

    def test_the_report_gives_the_parts_for_a_page_to_lay_out(self):
        result = ImportResult(errors=[RowError(2, "age", "bad")])

        report = import_errors_report(result, source="upload.csv")

        assert report.heading == "upload.csv: 1 problem; nothing was imported."
        assert [str(problem) for problem in report.problems] == ["line 2: age: bad"]
        assert report.unknown_terms is False

    def test_no_hint_without_unknown_terms(self):
        result = ImportResult(errors=[RowError(2, "age", "bad")])

        assert import_errors_message(
            result, source="f", hints=COMMAND_HINTS
        ).splitlines() == [
            "f: 1 problem; nothing was imported.",
            "line 2: age: bad",
        ]
