"""A file is checked and written a chunk of rows at a time (`pipeline.CHUNK_ROWS`) inside one transaction: the
answers, counts, terms and query counts per chunk are those of a file checked whole, and a problem anywhere
writes nothing, not even the chunks written before it."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

import imports.pipeline
from accounts.models import User
from audit.models import AuditEvent
from customers.models import CustomerProfile
from imports.services import customers_import, managers_import
from managers.models import ManagerProfile
from vocabularies.models import Service

from .test_customers_import_export import HEADER, make_customer, portrait, write_file

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_and_quiet_signal")]


@pytest.fixture
def chunks_of_three(monkeypatch):
    monkeypatch.setattr(imports.pipeline, "CHUNK_ROWS", 3)


def customers_csv(tmp_path, lines: list[str]):
    return write_file(tmp_path, HEADER + "\n" + "\n".join(lines) + "\n")


class TestImportRejectsAcrossChunks:
    def test_a_problem_on_the_last_line_writes_nothing_of_the_chunks_before(self, tmp_path, vocab, chunks_of_three):
        lines = [f"c{i},,40,,1000.00,Funds,Golf" for i in range(7)] + ["c7,,17,,1000.00,Funds,Golf"]

        result = customers_import(file=customers_csv(tmp_path, lines))

        assert [str(error) for error in result.errors] == [
            "line 9: age: Ensure this value is greater than or equal to 18."
        ]
        assert not User.objects.exists() and not CustomerProfile.objects.exists()
        assert not AuditEvent.objects.filter(action="customers.imported").exists()

    def test_a_username_repeated_chunks_later_is_reported_with_its_first_line(self, tmp_path, vocab, chunks_of_three):
        lines = [f"c{i},,40,,1000.00,Funds,Golf" for i in range(7)] + ["C1,,40,,1000.00,Funds,Golf"]

        result = customers_import(file=customers_csv(tmp_path, lines))

        assert [str(error) for error in result.errors] == ["line 9: username: “C1” appears again (first on line 3)"]
        assert not User.objects.exists()

    def test_a_file_refused_whole_halfway_reports_only_that(self, tmp_path, vocab, chunks_of_three, settings):
        settings.PORTRAIT_IMPORT_MAX_ROWS = 5
        lines = [f"c{i},,40,,1000.00,Funds,Golf" for i in range(5)] + ["c5,,17,,1000.00,Funds,Golf"]

        result = customers_import(file=customers_csv(tmp_path, lines))

        assert [error.code for error in result.errors] == ["too_many_rows"]
        assert not User.objects.exists()

    def test_a_new_term_in_a_later_chunk_without_create_terms_refuses_the_file(self, tmp_path, vocab, chunks_of_three):
        lines = [f"c{i},,40,,1000.00,Funds,Golf" for i in range(6)] + ["c6,,40,,1000.00,Pensions,Golf"]

        result = customers_import(file=customers_csv(tmp_path, lines))

        assert [str(error) for error in result.errors] == ["line 8: needs: unknown term “Pensions”"]
        assert not CustomerProfile.objects.exists()


def test_a_file_in_chunks_gives_what_it_gives_whole(tmp_path, vocab, monkeypatch):
    make_customer("c4", age=41, needs=[vocab["Funds"]])
    make_customer("c5", age=40, needs=[vocab["Funds"]], hobbies=[vocab["Golf"]])
    lines = [
        "c0,Ann,40,,1000.00,Funds;pensions,Golf", "c1,,40,,1000.00,Pensions,Chess", "c2,,40,,1000.00,,",
        "c3,,40,,1000.00,Wills;PENSIONS,chess", "c4,,40,,1000.00,Funds,", "c5,,40,,1000.00,Funds,Golf",
        "c6,,40,,1000.00,Wills,Chess",
    ]
    answers = []
    for size in (2, 3, 1000):
        monkeypatch.setattr(imports.pipeline, "CHUNK_ROWS", size)
        dry = customers_import(file=customers_csv(tmp_path, lines), create_terms=True, dry_run=True)
        result = customers_import(file=customers_csv(tmp_path, lines), create_terms=True)
        answers.append((
            dry.created, dry.updated, dry.unchanged, dry.created_terms,
            result.created, result.updated, result.unchanged, result.created_terms,
            [portrait(f"c{i}") for i in range(7)],
        ))
        CustomerProfile.objects.filter(user__username__in=["c0", "c1", "c2", "c3", "c6"]).delete()
        User.objects.filter(username__in=["c0", "c1", "c2", "c3", "c6"]).delete()
        CustomerProfile.objects.filter(user__username="c4").update(age=41)
        Service.objects.filter(name__in=["pensions", "Wills"]).delete()
        vocab["Golf"].__class__.objects.filter(name="Chess").delete()

    assert answers[0] == answers[1] == answers[2]
    assert answers[0][:4] == (5, 1, 1, ["needs: pensions", "needs: Wills", "hobbies: Chess"])
    portraits = answers[0][8]
    assert (portraits[1]["needs"], portraits[1]["hobbies"]) == (["pensions"], ["Chess"])  # the first spellings
    assert (portraits[4]["age"], portraits[5]["age"]) == (40, 40)


def _queries(tmp_path, rows: int, *, offset: int) -> int:
    lines = [f"m{offset + i:04d},Manager {i},Funds;Insurance,Golf,{i + 1}" for i in range(rows)]
    path = write_file(tmp_path, "username,name,capabilities,hobbies,capacity\n" + "\n".join(lines) + "\n")
    with CaptureQueriesContext(connection) as context:
        result = managers_import(file=path)
    assert result.created == rows, result.errors
    return len(context)


def test_the_queries_grow_with_the_chunks_not_the_rows(tmp_path, monkeypatch):
    for name in ("Funds", "Insurance"):
        Service.objects.create(name=name)
    from vocabularies.models import Hobby

    Hobby.objects.create(name="Golf")
    monkeypatch.setattr(imports.pipeline, "CHUNK_ROWS", 10)
    _queries(tmp_path, 1, offset=900)  # the run lock's row is created on first use
    one, two, four = (_queries(tmp_path, rows, offset=offset) for rows, offset in ((10, 0), (20, 100), (40, 200)))
    more = _queries(tmp_path, 37, offset=300)  # four chunks, the last one short

    assert four - two == 2 * (two - one) > 0
    assert more == four
    assert ManagerProfile.objects.count() == 1 + 10 + 20 + 40 + 37
