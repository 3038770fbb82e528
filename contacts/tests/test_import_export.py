"""export_contacts and import_contacts: the log round-trips, and a bad file is refused whole, every problem
reported by line and column."""
import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from audit.models import AuditEvent
from contacts.models import Channel, Contact
from contacts.selectors import CONTACT_COLUMNS
from core.tabular import write_csv
from imports.contacts import contacts_import

from .factories import ContactFactory

pytestmark = pytest.mark.django_db

HEADER = ",".join(CONTACT_COLUMNS)


def _export(tmp_path, name="contacts.csv", *options) -> str:
    path = tmp_path / name
    call_command("export_contacts", "--output", str(path), *options, stdout=io.StringIO())
    return path


def _rows():
    return [
        (c.customer.user.username, c.manager.user.username, c.contacted_at, c.channel, c.summary, c.next_follow_up)
        for c in Contact.objects.select_related("customer__user", "manager__user").order_by("contacted_at", "pk")
    ]


@pytest.fixture
def log(rm, other_rm, client_of_rm, client_of_other):
    now = timezone.now().replace(microsecond=0)
    return [
        ContactFactory(customer=client_of_rm, contacted_at=now - datetime.timedelta(days=3), channel=Channel.VISIT,
                       summary="第一行\n第二行, 有逗号", next_follow_up=timezone.localdate()),
        ContactFactory(customer=client_of_rm, manager=other_rm, contacted_at=now - datetime.timedelta(days=2),
                       summary='=SUM(A1) "引号"'),
        ContactFactory(customer=client_of_other, contacted_at=now - datetime.timedelta(days=1),
                       channel=Channel.EMAIL, summary="邮件确认"),
    ]


@pytest.mark.parametrize("name", ["contacts.csv", "contacts.xlsx"])
def test_an_export_re_imports_into_an_empty_log_unchanged(tmp_path, log, name):
    before = _rows()
    path = _export(tmp_path, name)
    Contact.objects.all().delete()

    out = io.StringIO()
    call_command("import_contacts", str(path), stdout=out)

    assert _rows() == before
    assert "3" in out.getvalue()
    event = AuditEvent.objects.get(action="contacts.imported")
    assert event.actor is None and event.data["created"] == 3


def test_re_importing_an_export_into_the_same_log_changes_nothing(tmp_path, log):
    path = _export(tmp_path)

    result = contacts_import(file=path)

    assert (result.created, result.unchanged, result.errors) == (0, 3, [])
    assert Contact.objects.count() == 3


def test_the_export_is_the_import_format_with_times_in_the_bank_zone(tmp_path, log):
    text = _export(tmp_path).read_text(encoding="utf-8-sig")

    assert text.splitlines()[0] == HEADER
    assert "+08:00" in text and "zhang_san,rm_wang," in text
    assert "'=SUM(A1)" in text  # a formula is escaped for spreadsheets


def test_the_export_filters_by_customer_and_to_standard_output(log, client_of_other):
    out = io.StringIO()
    call_command("export_contacts", "--customer", client_of_other.user.username, stdout=out)

    lines = out.getvalue().lstrip("\ufeff").splitlines()
    assert lines[0] == HEADER and len(lines) == 2 and "邮件确认" in lines[1]


def _write(tmp_path, rows):
    path = tmp_path / "in.csv"
    write_csv(path, header=CONTACT_COLUMNS, rows=rows)
    return path


class TestImportRejectsBadFiles:
    def test_every_problem_is_reported_by_line_and_column_and_nothing_is_written(self, tmp_path, rm, client_of_rm):
        good = ["zhang_san", "rm_wang", "2026-01-05T10:00:00", "phone", "电话", ""]
        path = _write(tmp_path, [
            good,
            ["nobody", "rm_wang", "2026-01-05T11:00:00", "phone", "电话", ""],
            ["zhang_san", "zhang_san", "2026-01-05 12:00", "fax", "", "2026-13-01"],
            ["zhang_san", "rm_wang", "2999-01-01T10:00:00", "visit", "未来", ""],
            ["zhang_san", "rm_wang", "2026-01-05T10:00:00", "wechat", "早于联系", "2026-01-01"],
            good,
        ])

        with pytest.raises(CommandError) as refused:
            call_command("import_contacts", str(path), stdout=io.StringIO())

        message = str(refused.value)
        for expected in (
            "line 3: customer:", "line 4: manager:", "line 4: channel:", "line 4: summary:", "line 4: next_follow_up:",
            "line 5: contacted_at:", "line 6: next_follow_up:", "line 7: row:",
        ):
            assert expected in message, expected
        assert not Contact.objects.exists()
        assert not AuditEvent.objects.filter(action="contacts.imported").exists()

    def test_a_row_that_contradicts_a_recorded_contact_is_refused(self, tmp_path, log):
        first = log[0]
        moment = timezone.localtime(first.contacted_at).isoformat()
        path = _write(tmp_path, [["zhang_san", "rm_wang", moment, "visit", "改写的摘要", ""]])

        result = contacts_import(file=path)

        assert [(e.line, e.field, e.code) for e in result.errors] == [(2, "row", "conflict")]
        first.refresh_from_db()
        assert first.summary.startswith("第一行")

    def test_a_wrong_header_is_refused(self, tmp_path, rm):
        path = tmp_path / "in.csv"
        path.write_text("customer,manager,when,channel,summary\n", encoding="utf-8")

        result = contacts_import(file=path)

        assert {e.field for e in result.errors} >= {"when", "contacted_at"}

    def test_the_import_limits_apply_and_the_command_lifts_them(self, tmp_path, rm, client_of_rm):
        path = _write(tmp_path, [
            ["zhang_san", "rm_wang", f"2026-01-0{day}T10:00:00", "phone", "电话", ""] for day in (5, 6)
        ])

        with pytest.raises(CommandError, match="--max-rows"):
            call_command("import_contacts", str(path), "--max-rows", "1", stdout=io.StringIO())
        assert not Contact.objects.exists()

        call_command("import_contacts", str(path), "--no-limit", stdout=io.StringIO())
        assert Contact.objects.count() == 2

    def test_the_command_has_no_terms_to_create(self, tmp_path, rm):
        with pytest.raises(CommandError, match="create-terms"):
            call_command("import_contacts", str(tmp_path / "x.csv"), "--create-terms", stdout=io.StringIO())

    def test_a_dry_run_checks_and_writes_nothing(self, tmp_path, rm, client_of_rm):
        path = _write(tmp_path, [["zhang_san", "rm_wang", "2026-01-05T10:00:00", "phone", "电话", "2026-01-09"]])

        out = io.StringIO()
        call_command("import_contacts", str(path), "--dry-run", stdout=out)

        assert not Contact.objects.exists() and "Dry run" in out.getvalue()
        assert AuditEvent.objects.filter(action="contacts.imported_checked").exists()


def test_an_imported_time_without_offset_is_the_banks(tmp_path, rm, client_of_rm):
    path = _write(tmp_path, [["zhang_san", "rm_wang", "2026-01-05T10:00:00", "branch", "网点面谈", "2026-01-09"]])

    contacts_import(file=path)

    contact = Contact.objects.get()
    assert timezone.localtime(contact.contacted_at).isoformat() == "2026-01-05T10:00:00+08:00"
    assert contact.next_follow_up == datetime.date(2026, 1, 9) and contact.channel == Channel.BRANCH
