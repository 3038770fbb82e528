"""Issue 24's console actions, page by page: plan-wide actions ask with a count before they write and then
offer Undo and the changed customers; runs are named by kind, time and who; a customer is reassigned from
the ranked candidates with a reason and an optional lock; the import page lists its columns, gives
templates that import as they are, names a problem's column in the page's language and leads on."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from audit.models import AuditEvent
from customers.models import CustomerProfile
from customers.selectors import CUSTOMER_IMPORT_COLUMNS
from imports.columns import IMPORTS, column_labels, import_columns
from imports.services import MANAGER_IMPORT_COLUMNS
from matching.models import MatchingRun, PlannedChange, RunKind
from matching.services import run_automatic
from matching.services.previews import preview_create

pytestmark = pytest.mark.django_db


def _zh(client):
    client.cookies["django_language"] = "zh-hans"
    return client


def messages_of(response):
    return [str(m) for m in response.context["messages"]]


def refreshed(obj):
    obj.refresh_from_db()
    return obj


# --- actions that confirm and can be undone ------------------------------------------------------


class TestPlanWideActionsAskWithACount:
    def test_applying_a_plan_without_the_answer_shows_the_question_and_writes_nothing(self, console_admin_client, bank):
        preview = preview_create(actor=None)
        count = PlannedChange.objects.filter(run=preview).count()
        assert count == 3

        response = console_admin_client.post(reverse("console:preview_apply", args=[preview.pk]))

        assert response.status_code == 200
        html = response.content.decode()
        assert "Change the manager of 3 customers?" in html
        assert 'name="confirmed" value="yes"' in html
        assert not MatchingRun.objects.filter(preview=preview).exists()

    def test_the_question_is_in_the_pages_language_and_says_one_customer(self, console_admin_client, bank):
        bank["m2"].capacity = 1  # room for one of the three waiting customers
        bank["m2"].save()
        preview = preview_create(actor=None)
        assert PlannedChange.objects.filter(run=preview).count() == 1

        english = console_admin_client.post(reverse("console:preview_apply", args=[preview.pk])).content.decode()
        chinese = _zh(console_admin_client).post(reverse("console:preview_apply", args=[preview.pk])).content.decode()

        assert "Change the manager of 1 customer?" in english
        assert "将调整 1 位客户的客户经理？" in chinese

    def test_the_plan_page_asks_in_its_dialog_with_the_count(self, console_admin_client, bank):
        preview = preview_create(actor=None)

        html = console_admin_client.get(reverse("console:preview", args=[preview.pk])).content.decode()

        assert 'data-confirm="Change the manager of 3 customers?"' in html
        assert 'id="confirm-dialog"' in html and "onclick" not in html and "<script>" not in html

    def test_once_confirmed_the_plan_is_applied_and_the_runs_page_offers_undo_and_the_changes(
        self, console_admin_client, bank,
    ):
        preview = preview_create(actor=None)

        response = console_admin_client.post(
            reverse("console:preview_apply", args=[preview.pk]), {"confirmed": "yes"}, follow=True
        )

        run = MatchingRun.objects.get(preview=preview)
        assert response.context["run"] == run
        assert messages_of(response) == ["Done: the manager of 3 customers changed."]
        html = response.content.decode()
        assert 'data-testid="run-notice"' in html
        assert f'action="{reverse("console:run_undo", args=[run.pk])}"' in html
        assert 'data-confirm="Undo this run and give 3 customers their previous manager back?"' in html
        assert f'href="{reverse("console:customers")}?run={run.pk}"' in html

    def test_view_changes_lists_exactly_the_customers_the_run_changed(self, console_admin_client, bank):
        report = run_automatic()
        changed = {a.customer.user.username for a in report.run.assignments.select_related("customer__user")}
        assert changed == {"carol", "dave", "erin"}

        response = console_admin_client.get(reverse("console:customers"), {"run": report.run.pk})

        assert {c.user.username for c, _score in response.context["rows"]} == changed
        assert response.context["run"] == report.run
        assert report.run.title in response.content.decode()

    def test_undo_from_the_notice_asks_then_restores_and_says_so(self, console_admin_client, bank):
        report = run_automatic()
        url = reverse("console:run_undo", args=[report.run.pk])

        asked = console_admin_client.post(url)
        assert "Undo this run and give 3 customers their previous manager back?" in asked.content.decode()
        assert not MatchingRun.objects.filter(kind=RunKind.UNDO).exists()

        response = console_admin_client.post(url, {"confirmed": "yes"}, follow=True)
        undo = MatchingRun.objects.get(kind=RunKind.UNDO)
        assert response.context["run"] == undo
        assert messages_of(response) == ["Undone: 3 customers have their previous manager again."]
        assert CustomerProfile.objects.filter(manager__isnull=True).count() == 3
        assert 'data-testid="notice-undo"' not in response.content.decode()  # an undo is not undone

    def test_reassigning_ticked_customers_asks_first_with_their_count(self, console_admin_client, bank):
        c = bank["customers"]
        body = {"ids": [c["carol"].pk, c["dave"].pk], "action": "reassign", "manager": "m2", "reason": "closer"}

        asked = console_admin_client.post(reverse("console:customer_bulk"), body)

        html = asked.content.decode()
        assert "Change the manager of 2 customers?" in html
        assert f'name="ids" value="{c["carol"].pk}"' in html and 'name="reason" value="closer"' in html
        assert refreshed(c["carol"]).manager is None
        listing = console_admin_client.get(reverse("console:customers")).content.decode()
        assert 'data-confirm-one="Change the manager of %(count)d customer?"' in listing
        assert 'data-confirm-other="Change the manager of %(count)d customers?"' in listing


class TestManualReassignmentIsARunThatCanBeUndone:
    """Reassigning ticked customers by hand ends like a plan-wide run: a notice with Undo and "View changes",
    the run's page named by kind, time and who, and Undo giving back the managers and locks they had."""

    def _reassign(self, client, bank, **extra):
        c = bank["customers"]
        body = {"ids": [c["carol"].pk, c["dave"].pk], "action": "reassign", "manager": "m2", "reason": "closer",
                "confirmed": "yes", **extra}
        return client.post(reverse("console:customer_bulk"), body, follow=True)

    @pytest.mark.parametrize("language, done, undone, kind", [
        ("en", "2 customers assigned to m2.", "Undone: 2 customers have their previous manager again.",
         "Manual reassignment"),
        ("zh-hans", "已将 2 名客户分配给 m2。", "已撤销：2 位客户已恢复原客户经理。", "手动调整客户经理"),
    ])
    def test_bulk_reassign_leaves_a_notice_with_undo_and_the_changes_and_undo_restores(
        self, console_admin_client, bank, language, done, undone, kind,
    ):
        console_admin_client.cookies["django_language"] = language
        c = bank["customers"]
        response = self._reassign(console_admin_client, bank)

        run = MatchingRun.objects.get(kind=RunKind.MANUAL)
        assert messages_of(response) == [done]
        html = response.content.decode()
        assert 'data-testid="run-notice"' in html
        assert f'action="{reverse("console:run_undo", args=[run.pk])}"' in html
        assert f'href="{reverse("console:customers")}?run={run.pk}"' in html
        assert run.actor.username == "boss"
        assert run.title.startswith(kind) and run.title.endswith(run.actor.display_name)
        assert {a.customer_id for a in run.assignments.all()} == {c["carol"].pk, c["dave"].pk}

        listing = console_admin_client.get(reverse("console:customers"), {"run": run.pk})
        assert {customer.pk for customer, _score in listing.context["rows"]} == {c["carol"].pk, c["dave"].pk}
        page = console_admin_client.get(reverse("console:run", args=[run.pk])).content.decode()
        assert run.title in page and 'data-testid="undo"' in page

        restored = console_admin_client.post(
            reverse("console:run_undo", args=[run.pk]), {"confirmed": "yes"}, follow=True
        )
        assert messages_of(restored) == [undone]
        assert refreshed(c["carol"]).manager is None and refreshed(c["dave"]).manager is None

    def test_undo_gives_back_the_locks_the_customers_had(self, console_admin_client, bank):
        c = bank["customers"]
        CustomerProfile.objects.filter(pk=c["carol"].pk).update(manager_locked=True)
        self._reassign(console_admin_client, bank, lock="on")
        assert refreshed(c["dave"]).manager_locked

        run = MatchingRun.objects.get(kind=RunKind.MANUAL)
        console_admin_client.post(reverse("console:run_undo", args=[run.pk]), {"confirmed": "yes"})

        assert refreshed(c["carol"]).manager_locked and not refreshed(c["dave"]).manager_locked

    def test_a_refused_reassignment_records_no_run(self, console_admin_client, bank):
        bank["m2"].capacity = 1
        bank["m2"].save()

        response = self._reassign(console_admin_client, bank)

        assert "has room for" in " ".join(messages_of(response))
        assert not MatchingRun.objects.filter(kind=RunKind.MANUAL).exists()


class TestRunsAreNamedByKindTimeAndWho:
    def test_every_page_that_shows_a_run_names_it_the_same_way(self, console_admin_client, bank):
        report = run_automatic(actor=None)
        run = report.run
        when = timezone.localtime(run.started_at)
        assert run.title == f"Automatic assignment · {when:%B} {when.day} {when:%H:%M} · the system"
        carol = refreshed(bank["customers"]["carol"])

        pages = [
            reverse("console:matching"), reverse("console:run", args=[run.pk]),
            reverse("console:customer", args=[carol.pk]), reverse("console:manager", args=[carol.manager_id]),
        ]
        for url in pages:
            html = console_admin_client.get(url).content.decode()
            assert run.title in html, url
            assert f"run #{run.pk}" not in html, url

    def test_in_chinese_with_the_month_and_day_as_chinese_pages_write_them(self, console_admin_client, bank):
        run = run_automatic().run
        when = timezone.localtime(run.started_at)

        html = _zh(console_admin_client).get(reverse("console:run", args=[run.pk])).content.decode()

        assert f"自动分配 · {when:%m}月{when.day}日 {when:%H:%M} · 系统" in html

    def test_the_run_page_reads_a_constant_number_of_queries(
        self, console_admin_client, bank, django_assert_max_num_queries,
    ):
        run = run_automatic().run
        with django_assert_max_num_queries(12):
            response = console_admin_client.get(reverse("console:run", args=[run.pk]))
        assert len(response.context["page"].object_list) == 3
        for n in range(6):
            bank["portraits"].customer(f"late{n}", needs=[], age=40)
        bank["m2"].capacity = 20
        bank["m2"].save()
        run = run_automatic().run
        with django_assert_max_num_queries(12):
            response = console_admin_client.get(reverse("console:run", args=[run.pk]))
        assert len(response.context["page"].object_list) == 6


# --- manual reassignment from the candidates -----------------------------------------------------


class TestAssignFromTheCandidates:
    def test_each_candidate_row_but_the_current_manager_has_an_assign_button(self, console_admin_client, bank):
        alice = bank["customers"]["alice"]  # served by m1

        html = console_admin_client.get(reverse("console:customer", args=[alice.pk])).content.decode()

        m2 = bank["m2"]
        assert f'form="assign-form" name="candidate" value="{m2.pk}"' in html
        assert f'name="candidate" value="{bank["m1"].pk}"' not in html
        carol = bank["customers"]["carol"]  # m1 is full: no button that could only be refused
        html = console_admin_client.get(reverse("console:customer", args=[carol.pk])).content.decode()
        assert f'name="candidate" value="{bank["m1"].pk}"' not in html and f'value="{m2.pk}"' in html
        assert 'name="lock"' in html and 'name="lock" checked' not in html  # off unless ticked

    def test_assigning_a_candidate_with_a_reason_does_not_lock_unless_asked(self, console_admin_client, bank):
        carol = bank["customers"]["carol"]
        url = reverse("console:customer_assign", args=[carol.pk])

        response = console_admin_client.post(url, {"candidate": bank["m2"].pk, "reason": "fits her needs"}, follow=True)

        assert messages_of(response) == ["carol is now served by m2."]
        carol = refreshed(carol)
        assert carol.manager == bank["m2"] and not carol.manager_locked
        event = AuditEvent.objects.get(action="customer.assigned")
        assert event.data["note"] == "fits her needs" and event.data["locked"] is False

    def test_the_lock_box_locks(self, console_admin_client, bank):
        dave = bank["customers"]["dave"]

        response = console_admin_client.post(
            reverse("console:customer_assign", args=[dave.pk]),
            {"candidate": bank["m2"].pk, "reason": "asked", "lock": "on"}, follow=True,
        )

        assert messages_of(response) == ["dave is now served by m2 (locked against automatic runs)."]
        assert refreshed(dave).manager_locked

    def test_a_candidate_button_wins_over_text_in_the_manager_box(self, console_admin_client, bank):
        dave = bank["customers"]["dave"]
        console_admin_client.post(
            reverse("console:customer_assign", args=[dave.pk]),
            {"manager": "m1", "candidate": bank["m2"].pk, "reason": "asked"},
        )
        assert refreshed(dave).manager == bank["m2"]

    def test_the_typed_in_manager_still_works(self, console_admin_client, bank):
        dave = bank["customers"]["dave"]
        console_admin_client.post(reverse("console:customer_assign", args=[dave.pk]), {"manager": "M2", "reason": "x"})
        assert refreshed(dave).manager == bank["m2"]

    @pytest.mark.parametrize("language", ["en", "zh-hans"])
    def test_a_reason_is_required_and_the_message_says_why(self, console_admin_client, bank, language):
        dave = bank["customers"]["dave"]
        console_admin_client.cookies["django_language"] = language

        response = console_admin_client.post(
            reverse("console:customer_assign", args=[dave.pk]), {"candidate": bank["m2"].pk, "reason": " "},
            follow=True,
        )

        expected = {
            "en": "Give a reason: it is kept in the customer's history and the audit log.",
            "zh-hans": "请填写原因：它会记入客户的变更历史和审计日志。",
        }[language]
        assert messages_of(response) == [expected]
        assert refreshed(dave).manager is None

    def test_neither_a_candidate_nor_a_manager_is_refused_with_a_hint(self, console_admin_client, bank):
        dave = bank["customers"]["dave"]
        response = console_admin_client.post(
            reverse("console:customer_assign", args=[dave.pk]), {"reason": "x"}, follow=True
        )
        assert messages_of(response) == ["Type a manager's name or username, or use Assign on a candidate's row."]


# --- import --------------------------------------------------------------------------------------


def test_every_column_of_every_import_is_described_in_header_order():
    assert [c.name for c in import_columns("customers")] == list(CUSTOMER_IMPORT_COLUMNS)
    assert [c.name for c in import_columns("managers")] == list(MANAGER_IMPORT_COLUMNS)
    assert {c.name: c.required for c in import_columns("managers")}["capacity"] is False
    assert all(c.label and c.takes for target in IMPORTS for c in import_columns(target))


class TestImportPage:
    @pytest.mark.parametrize(("language", "label"), [("en", "Total assets"), ("zh-hans", "总资产")])
    def test_the_page_lists_the_columns_with_what_they_take(self, console_admin_client, bank, language, label):
        console_admin_client.cookies["django_language"] = language

        response = console_admin_client.get(reverse("console:import"))

        html = response.content.decode()
        assert 'data-testid="columns-customers"' in html and 'data-testid="columns-managers"' in html
        assert f"<td>{label}</td><td><code>total_assets</code></td>" in html
        assert reverse("console:import_template", args=["customers", "xlsx"]) in html

    def test_the_csv_template_has_the_header_and_an_example_row(self, console_admin_client, bank):
        response = console_admin_client.get(reverse("console:import_template", args=["customers", "csv"]))

        assert response["Content-Disposition"] == 'attachment; filename="customers-template.csv"'
        text = b"".join(response.streaming_content).decode("utf-8-sig")
        rows = list(csv.DictReader(io.StringIO(text)))
        assert list(rows[0]) == list(CUSTOMER_IMPORT_COLUMNS) and len(rows) == 1
        assert rows[0]["age"] == "35" and rows[0]["needs"]

    def test_the_excel_template_of_managers(self, console_admin_client, bank):
        response = console_admin_client.get(reverse("console:import_template", args=["managers", "xlsx"]))

        sheet = load_workbook(io.BytesIO(response.content)).active
        rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
        assert rows[0] == list(MANAGER_IMPORT_COLUMNS) and len(rows) == 2

    @pytest.mark.parametrize(("target", "file_format"), [("customers", "csv"), ("managers", "xlsx")])
    def test_a_template_imports_as_it_is(self, console_admin_client, bank, settings, tmp_path, target, file_format):
        settings.MEDIA_ROOT = tmp_path
        template = console_admin_client.get(reverse("console:import_template", args=[target, file_format]))
        content = b"".join(template.streaming_content) if template.streaming else template.content

        checked = console_admin_client.post(
            reverse("console:import"),
            {"target": target, "file": SimpleUploadedFile(f"t.{file_format}", content)}, follow=True,
        )
        assert checked.context["result"]["ok"], checked.context["result"]["errors"]
        done = console_admin_client.post(
            reverse("console:import_confirm", args=[checked.context["job"].pk]), {"confirmed": "yes"}, follow=True
        )
        assert done.context["result"]["created"] == 1

    @pytest.mark.parametrize(("target", "file_format"), [("loans", "csv"), ("customers", "pdf")])
    def test_an_unknown_template_is_404(self, console_admin_client, target, file_format):
        url = reverse("console:import_template", args=[target, file_format])
        assert console_admin_client.get(url).status_code == 404

    @pytest.mark.parametrize(("language", "label"), [("en", "Age"), ("zh-hans", "年龄")])
    def test_a_problem_names_its_column_as_the_page_does(
        self, console_admin_client, bank, settings, tmp_path, language, label,
    ):
        settings.MEDIA_ROOT = tmp_path
        console_admin_client.cookies["django_language"] = language
        text = ",".join(CUSTOMER_IMPORT_COLUMNS) + "\nnew1,N,abc,,100,,,\n"

        response = console_admin_client.post(
            reverse("console:import"), {"target": "customers", "file": SimpleUploadedFile("p.csv", text.encode())},
            follow=True,
        )

        assert [(e["line"], e["label"]) for e in response.context["errors"]] == [(2, label)]
        assert column_labels("customers")["age"] == label
        assert f"<td>{label} <code" in response.content.decode()

    def _import(self, client, rows: str):
        text = ",".join(CUSTOMER_IMPORT_COLUMNS) + "\n" + rows
        checked = client.post(
            reverse("console:import"), {"target": "customers", "file": SimpleUploadedFile("p.csv", text.encode())},
            follow=True,
        )
        assert 'data-testid="next-steps"' not in checked.content.decode()  # nothing imported yet
        confirm = reverse("console:import_confirm", args=[checked.context["job"].pk])
        asked = client.post(confirm)
        return asked, client.post(confirm, {"confirmed": "yes"}, follow=True)

    def test_after_an_import_the_page_leads_to_the_new_customers_and_a_preview(
        self, console_admin_client, bank, settings, tmp_path,
    ):
        settings.MEDIA_ROOT = tmp_path
        asked, done = self._import(console_admin_client, "new1,N,33,,100,,,\n")
        assert "Import 1 row of this file (1 new, 0 changed)?" in asked.content.decode()

        html = done.content.decode()
        new1 = CustomerProfile.objects.get(user__username="new1")
        link = f'{reverse("console:customers")}?id_from={new1.pk}&amp;id_to={new1.pk}&amp;sort=-created'
        assert link in html and f'{reverse("console:matching")}#preview' in html
        listed = console_admin_client.get(
            reverse("console:customers"), {"id_from": new1.pk, "id_to": new1.pk, "sort": "-created"}
        )
        assert [customer.user.username for customer, _score in listed.context["rows"]] == ["new1"]
        assert 'data-testid="import-filter"' in listed.content.decode()

    def test_two_imports_of_one_day_each_lead_to_exactly_the_customers_they_created(
        self, console_admin_client, bank, settings, tmp_path,
    ):
        settings.MEDIA_ROOT = tmp_path
        _asked, first = self._import(console_admin_client, "new1,N,33,,100,,,\nnew2,N,34,,100,,,\n")
        # The second file creates two more and changes one the first created: it did not create that one.
        _asked, second = self._import(console_admin_client, "new2,N,35,,100,,,\nnew3,N,36,,100,,,\nnew4,N,37,,100,,,\n")

        def listed(done):
            query = done.context["new_customers"]
            response = console_admin_client.get(f'{reverse("console:customers")}?{query}')
            return sorted(customer.user.username for customer, _score in response.context["rows"])

        assert listed(first) == ["new1", "new2"]
        assert listed(second) == ["new3", "new4"]

    def test_an_import_that_created_nobody_offers_no_new_customers(
        self, console_admin_client, bank, settings, tmp_path,
    ):
        settings.MEDIA_ROOT = tmp_path
        _asked, done = self._import(console_admin_client, "alice,A,31,,100,,,\n")

        assert done.context["new_customers"] == ""
        assert 'data-testid="new-people"' not in done.content.decode()
        assert 'data-testid="make-preview"' in done.content.decode()

    def test_the_hint_names_the_box_by_its_label(self, console_admin_client, bank, settings, tmp_path):
        settings.MEDIA_ROOT = tmp_path
        text = ",".join(CUSTOMER_IMPORT_COLUMNS) + "\nnew1,N,33,,100,未知需求,,\n"
        response = console_admin_client.post(
            reverse("console:import"), {"target": "customers", "file": SimpleUploadedFile("p.csv", text.encode())},
            follow=True,
        )
        html = response.content.decode()
        label = "Create needs, hobbies and branch codes that do not exist yet"
        assert f"tick “{label}”" in html
        assert html.count(label) == 1  # the hint; the upload form is another page
        upload_page = console_admin_client.get(reverse("console:import")).content.decode()
        assert label in upload_page


def test_the_audit_log_names_a_run_as_every_page_does(console_admin_client, bank, django_assert_max_num_queries):
    run = run_automatic().run
    with django_assert_max_num_queries(8):
        response = console_admin_client.get(reverse("console:audit"))
    html = response.content.decode()
    assert f'<a href="{reverse("console:run", args=[run.pk])}">{run.title}</a>' in html


def test_grouping_customers_again_asks_with_their_count(console_admin_client, bank):
    html = console_admin_client.get(reverse("console:matching")).content.decode()
    assert 'data-confirm="Group all 5 customers again? The segments shown now are replaced."' in html

    asked = console_admin_client.post(reverse("console:segment_start"), {"k": 2})

    assert "Group all 5 customers again?" in asked.content.decode()
    assert not CustomerProfile.objects.filter(segment__isnull=False).exists()


def test_without_scripts_the_confirmation_page_sends_the_form_again_with_the_answer(console_admin_client, bank):
    preview = preview_create(actor=None)
    url = reverse("console:preview_apply", args=[preview.pk])

    asked = console_admin_client.post(url)

    assert asked.context["action"] == url
    console_admin_client.post(url, {**dict(asked.context["fields"]), "confirmed": "yes"})
    assert MatchingRun.objects.filter(preview=preview).exists()


def test_the_upload_pages_box_creates_missing_branch_codes_and_says_so(console_admin_client, bank, settings, tmp_path):
    from vocabularies.models import Branch

    settings.MEDIA_ROOT = tmp_path
    header = ",".join(CUSTOMER_IMPORT_COLUMNS)
    cells = {"username": "new1", "name": "N", "age": "33", "total_assets": "100", "branch": "GZ"}
    text = header + "\n" + ",".join(cells.get(column, "") for column in CUSTOMER_IMPORT_COLUMNS) + "\n"
    refused = console_admin_client.post(
        reverse("console:import"), {"target": "customers", "file": SimpleUploadedFile("p.csv", text.encode())},
        follow=True,
    )
    assert "unknown branch code “GZ”" in refused.content.decode()
    checked = console_admin_client.post(
        reverse("console:import"),
        {"target": "customers", "create_terms": "on", "file": SimpleUploadedFile("p.csv", text.encode())},
        follow=True,
    )
    assert checked.context["result"]["ok"] and "branch: GZ" in checked.content.decode()
    assert not Branch.objects.filter(code="GZ").exists()  # checked, not written
    done = console_admin_client.post(
        reverse("console:import_confirm", args=[checked.context["job"].pk]), {"confirmed": "yes"}, follow=True
    )
    assert "branch: GZ" in done.content.decode()
    assert Branch.objects.get(code="GZ").customers.get().user.username == "new1"
