"""What an administrator does in the console, page by page, and what it writes."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from audit.models import AuditEvent
from audit.services import audit_record
from customers.models import CustomerProfile
from matching.tests.conftest import Portraits
from jobs.models import BackgroundJob, JobStatus
from matching.models import Assignment, JobKind, MatchingRun, PlannedChange, RunKind
from matching.services import customer_assign, run_automatic

pytestmark = pytest.mark.django_db


def refreshed(obj):
    obj.refresh_from_db()
    return obj


def csv_rows(response):
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def messages_of(response):
    return [str(m) for m in response.context["messages"]]


# --- dashboard ---------------------------------------------------------------------------------


def test_dashboard_shows_the_figures_and_embeds_the_chart_data(
    console_admin_client, bank, django_assert_max_num_queries,
):
    with django_assert_max_num_queries(14):
        response = console_admin_client.get(reverse("console:dashboard"))
    assert response.status_code == 200
    kpis = response.context["kpis"]
    assert kpis["customers"] == 5 == CustomerProfile.objects.count()
    assert kpis["unassigned"] == 3 == CustomerProfile.objects.filter(manager__isnull=True).count()
    html = response.content.decode()
    assert 'id="dashboard-data"' in html and "chart.umd.min.js" in html
    assert '<canvas id="chart-classes"' in html


# --- customers ---------------------------------------------------------------------------------


def test_customer_filters_combine(console_admin_client, bank):
    response = console_admin_client.get(reverse("console:customers"), {"unassigned": "true", "age_min": 50})
    assert [c.user.username for c, _score in response.context["rows"]] == ["carol", "erin"]
    query = {"manager": bank["m1"].user_id, "assets_min": "100000"}
    response = console_admin_client.get(reverse("console:customers"), query)
    assert [c.user.username for c, _score in response.context["rows"]] == ["bob"]
    response = console_admin_client.get(reverse("console:customers"), {"q": "car"})
    assert [c.user.username for c, _score in response.context["rows"]] == ["carol"]


def test_customer_list_sorts_and_paginates_in_bounded_queries(
    console_admin_client, bank, django_assert_max_num_queries,
):
    for i in range(60):
        bank["portraits"].customer(f"zz{i:02d}", needs=["S00"])
    with django_assert_max_num_queries(14):
        response = console_admin_client.get(reverse("console:customers"), {"sort": "-age"})
    page = response.context["page"]
    assert page.paginator.count == 65 and len(page.object_list) == 50
    ages = [c.age for c, _ in response.context["rows"]]
    assert ages == sorted(ages, reverse=True)


def test_export_holds_exactly_the_filtered_rows(console_admin_client, bank):
    filters = {"unassigned": "true", "age_min": 50}
    page_rows = console_admin_client.get(reverse("console:customers"), filters).context["rows"]
    shown = [c.user.username for c, _ in page_rows]
    rows = csv_rows(console_admin_client.get(reverse("console:customer_export"), {**filters, "format": "csv"}))
    assert [row["username"] for row in rows] == shown == ["carol", "erin"]
    response = console_admin_client.get(reverse("console:customer_export"), {**filters, "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == shown


def test_export_escapes_formulas(console_admin_client, bank):
    CustomerProfile.objects.filter(user__username="dave").update(occupation="=HYPERLINK(1)")
    rows = csv_rows(console_admin_client.get(reverse("console:customer_export"), {"q": "dave", "format": "csv"}))
    assert rows[0]["occupation"].startswith("'=")


def test_selected_rows_export_and_reassign(console_admin_client, bank):
    c = bank["customers"]
    ids = [c["carol"].pk, c["dave"].pk]
    response = console_admin_client.post(reverse("console:customer_bulk"), {"ids": ids, "action": "export_csv"})
    assert sorted(row["username"] for row in csv_rows(response)) == ["carol", "dave"]
    response = console_admin_client.post(
        reverse("console:customer_bulk"),
        {
            "ids": ids,
            "action": "reassign",
            "manager": "m2",
            "reason": "closer to their needs",
            "lock": "on",
            "confirmed": "yes",
        },
        follow=True,
    )
    assert "2 customers assigned to m2 and locked." in " ".join(messages_of(response))
    assert refreshed(c["carol"]).manager == bank["m2"] and c["carol"].manager_locked
    assert Assignment.objects.filter(customer=c["dave"], note="closer to their needs").exists()


def test_bulk_reassign_over_capacity_is_refused_and_writes_nothing(console_admin_client, bank):
    c = bank["customers"]
    ids = [c["carol"].pk, c["dave"].pk, c["erin"].pk]
    response = console_admin_client.post(
        reverse("console:customer_bulk"),
        {
            "ids": ids,
            "action": "reassign",
            "manager": "m1",
            "reason": "x",
            "confirmed": "yes",
        },
        follow=True,
    )
    assert "has room for 0 more" in " ".join(messages_of(response))
    assert not CustomerProfile.objects.filter(pk__in=ids, manager__isnull=False).exists()


def test_a_manager_is_typed_by_username_in_any_case_and_an_unknown_one_is_refused(console_admin_client, bank):
    dave = bank["customers"]["dave"]
    url = reverse("console:customer_assign", args=[dave.pk])

    response = console_admin_client.post(url, {"manager": "nobody", "reason": "x"}, follow=True)
    assert "No manager has this username." in messages_of(response)
    assert refreshed(dave).manager is None

    console_admin_client.post(url, {"manager": " M2 ", "reason": "x"})
    assert refreshed(dave).manager == bank["m2"]


def test_the_manager_box_suggests_matching_active_managers_with_their_load(console_admin_client, bank):
    response = console_admin_client.get(reverse("console:manager_suggestions"), {"manager": "m2"})

    html = response.content.decode()
    assert '<option value="m2">' in html and "0/3" in html and 'value="m1"' not in html


def test_the_customer_list_filters_by_a_manager_picked_by_username_and_reassigns_by_suggestion(
    console_admin_client, bank,
):
    """The filter's parameter is the manager's user id (as on every surface), shown and typed as a username
    with suggestions; "Unassigned" is a choice of its own. Reassigning still suggests managers as one types."""
    m1 = bank["m1"]
    response = console_admin_client.get(reverse("console:customers"), {"manager": m1.user_id})
    html = response.content.decode()

    assert 'name="manager" value="m1"' in html and 'list="id_manager-suggestions"' in html
    assert 'name="unassigned"' in html
    assert 'list="id_bulk_manager-suggestions"' in html
    assert [c.user.username for c, _score in response.context["rows"]] == ["alice", "bob"]


def test_customer_page_shows_candidates_and_history(console_admin_client, bank, django_assert_max_num_queries):
    alice = bank["customers"]["alice"]
    customer_assign(customer=alice, manager=bank["m2"], actor=None, note="test")
    type(bank["m1"].user).objects.filter(pk=bank["m1"].user_id).update(name="Wang Li")
    with django_assert_max_num_queries(20):
        response = console_admin_client.get(reverse("console:customer", args=[alice.pk]))
    match = response.context["match"]
    assert match["best"]["username"] == "m1"
    assert [row["username"] for row in match["candidates"]] == ["m1", "m2"]
    assert match["candidates"][0] == {**match["candidates"][0], "needs": 3, "hobbies": 2, "total": 5, "room": 1}
    assert [a.note for a in response.context["history"]] == ["test"]
    # Names where people read (issue 24, finding 12): the best manager and each candidate by name, linked.
    names = [row["name"] for row in match["candidates"]]
    assert names == ["Wang Li", "m2"] and match["best"]["name"] == "Wang Li"
    candidates = response.content.decode().split('data-testid="candidates"')[1].split("</table>")[0]
    for row in match["candidates"]:
        assert f'href="{reverse("console:manager", args=[row["id"]])}">{row["name"]}</a>' in candidates


def test_manual_assignment_locks_and_over_capacity_is_refused(console_admin_client, bank):
    carol, dave = bank["customers"]["carol"], bank["customers"]["dave"]
    url = reverse("console:customer_assign", args=[carol.pk])
    response = console_admin_client.post(url, {"manager": "m1", "reason": "asked for"}, follow=True)
    assert "room for 0 more" in " ".join(messages_of(response))
    assert refreshed(carol).manager is None
    console_admin_client.post(url, {"manager": "m2", "reason": "asked for", "lock": "on"})
    assert refreshed(carol).manager == bank["m2"] and carol.manager_locked
    console_admin_client.post(reverse("console:customer_unlock", args=[carol.pk]))
    assert not refreshed(carol).manager_locked
    response = console_admin_client.post(
        reverse("console:customer_assign", args=[dave.pk]), {"manager": "m2", "reason": ""}, follow=True
    )
    assert refreshed(dave).manager is None  # a reason is required


def test_deactivate_asks_for_confirmation(console_admin_client, bank):
    dave = bank["customers"]["dave"]
    url = reverse("console:customer_deactivate", args=[dave.pk])
    assert console_admin_client.get(url).status_code == 200
    console_admin_client.post(url, {})
    assert refreshed(dave.user).is_active
    console_admin_client.post(url, {"confirm": "on"})
    assert not refreshed(dave.user).is_active
    assert AuditEvent.objects.filter(action="customer.deactivated", actor_username="boss").exists()


# --- managers ----------------------------------------------------------------------------------


def test_manager_list_in_bounded_queries(console_admin_client, bank, django_assert_max_num_queries):
    with django_assert_max_num_queries(10):
        response = console_admin_client.get(reverse("console:managers"))
    rows = {m.user.username: (m.load, mean) for m, mean in response.context["rows"]}
    assert rows == {"m1": (2, 3.5), "m2": (0, None)}  # alice 3+2, bob 2+0


def test_capacity_below_the_book_warns_then_saves_when_confirmed(console_admin_client, bank):
    m1 = bank["m1"]
    url = reverse("console:manager", args=[m1.pk])
    response = console_admin_client.post(url, {"capacity": 1, "accepting_customers": "on"})
    assert "serves 2 customers" in response.context["overflow"]
    assert refreshed(m1).capacity == 2
    console_admin_client.post(url, {"capacity": 1, "accepting_customers": "on", "confirm_overflow": "on"})
    assert refreshed(m1).capacity == 1
    console_admin_client.post(url, {"capacity": 3})
    assert not refreshed(m1).accepting_customers


def test_the_manager_page_shows_and_edits_the_phone(console_admin_client, bank):
    m1 = bank["m1"]
    url = reverse("console:manager", args=[m1.pk])

    refused = console_admin_client.post(url, {"capacity": m1.capacity, "accepting_customers": "on", "phone": "x"})
    console_admin_client.post(url, {"capacity": m1.capacity, "accepting_customers": "on", "phone": "010-65528888"})

    assert "phone" in refused.context["form"].errors
    assert refreshed(m1).phone == "010-65528888"
    assert '<a href="tel:01065528888">010-65528888</a>' in console_admin_client.get(url).content.decode()


def test_move_book_previews_first_then_applies(console_admin_client, bank):
    m1 = bank["m1"]
    response = console_admin_client.post(reverse("console:manager_transfer", args=[m1.pk]), follow=True)
    preview = response.context["preview"]
    assert preview.options["transfer_of"] == m1.pk
    assert refreshed(bank["customers"]["alice"]).manager == m1  # nothing moved yet
    console_admin_client.post(reverse("console:preview_apply", args=[preview.pk]), {"confirmed": "yes"})
    assert CustomerProfile.objects.filter(manager=m1).count() == 0
    assert not refreshed(m1).accepting_customers


# --- matching ----------------------------------------------------------------------------------


def test_preview_then_apply_writes_exactly_the_plan(console_admin_client, bank):
    response = console_admin_client.post(reverse("console:preview_start"), {"strategy": "optimal"}, follow=True)
    preview = response.context["preview"]
    planned = {(p.customer_id, p.new_manager_id) for p in PlannedChange.objects.filter(run=preview)}
    assert planned and not Assignment.objects.exists()
    assert [label for label, _ in response.context["compare"]] == ["Optimal", "Greedy"]
    console_admin_client.post(reverse("console:preview_apply", args=[preview.pk]), {"confirmed": "yes"})
    run = MatchingRun.objects.get(preview=preview)
    assert {(a.customer_id, a.new_manager_id) for a in run.assignments.all()} == planned
    assert {(c.pk, c.manager_id) for c in CustomerProfile.objects.filter(pk__in=[c for c, _m in planned])} == planned


def test_apply_after_a_change_is_refused_with_the_reason(console_admin_client, bank):
    preview = console_admin_client.post(reverse("console:preview_start"), {"strategy": "greedy"}, follow=True).context[
        "preview"
    ]
    customer_assign(customer=bank["customers"]["dave"], manager=bank["m2"], actor=None)
    response = console_admin_client.post(
        reverse("console:preview_apply", args=[preview.pk]), {"confirmed": "yes"}, follow=True
    )
    job = response.context["job"]
    assert job.status == JobStatus.FAILED and "dave" in job.error
    assert "dave" in response.content.decode()
    assert not MatchingRun.objects.filter(preview=preview).exists()


def test_plan_table_filters(console_admin_client, bank):
    preview = console_admin_client.post(
        reverse("console:preview_start"), {"strategy": "optimal", "rebalance": "on"}, follow=True
    ).context["preview"]
    response = console_admin_client.get(reverse("console:preview", args=[preview.pk]), {"q": "carol"})
    assert [c.customer.user.username for c in response.context["page"]] == ["carol"]


def test_matching_page_lists_runs_and_undo_restores(console_admin_client, bank, django_assert_max_num_queries):
    report = run_automatic()
    with django_assert_max_num_queries(12):
        response = console_admin_client.get(reverse("console:matching"))
    assert report.run in list(response.context["page"])
    response = console_admin_client.post(
        reverse("console:run_undo", args=[report.run.pk]), {"confirmed": "yes"}, follow=True
    )
    assert response.context["run"].undo_of == report.run
    assert CustomerProfile.objects.filter(manager__isnull=True).count() == 3
    assert MatchingRun.objects.filter(kind=RunKind.UNDO, undo_of=report.run).exists()


def test_segment_reruns_kmeans(console_admin_client, bank):
    response = console_admin_client.post(reverse("console:segment_start"), {"k": 2, "confirmed": "yes"}, follow=True)
    assert response.context["job"].result["k"] == 2
    assert CustomerProfile.objects.filter(segment__isnull=False).count() == 5


def test_job_page_polls_with_htmx_until_done(console_admin_client, bank):
    job = BackgroundJob.objects.create(
        kind="run", status=JobStatus.RUNNING, phase="score", phases=["load", "score"], progress=25
    )
    response = console_admin_client.get(reverse("console:job", args=[job.pk]), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert 'hx-trigger="every 1s"' in html and "score" in html


# --- import ------------------------------------------------------------------------------------

HEADER = "username,name,age,occupation,total_assets,needs,hobbies\n"


def upload(client, text, name="people.csv", target="customers", **options):
    return client.post(
        reverse("console:import"),
        {
            "target": target,
            "file": SimpleUploadedFile(name, text.encode()),
            **options,
        },
        follow=True,
    )


def test_import_reports_every_bad_line_and_writes_nothing(console_admin_client, bank, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    response = upload(console_admin_client, HEADER + "new1,N,12,,100,S00,\nnew2,M,40,,abc,S00,\n")
    result = response.context["result"]
    assert not result["ok"] and [e["line"] for e in result["errors"]] == [2, 3]
    assert not CustomerProfile.objects.filter(user__username__startswith="new").exists()
    assert "import-errors" in response.content.decode()


def test_import_validates_then_imports_on_confirmation(console_admin_client, bank, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    response = upload(console_admin_client, HEADER + "new1,N,33,教师,100,S00,H01\n")
    job = response.context["job"]
    assert response.context["result"]["ok"] and not CustomerProfile.objects.filter(user__username="new1").exists()
    response = console_admin_client.post(
        reverse("console:import_confirm", args=[job.pk]), {"confirmed": "yes"}, follow=True
    )
    assert response.context["result"]["created"] == 1
    assert CustomerProfile.objects.get(user__username="new1").age == 33


def test_import_refuses_other_files_and_large_ones(console_admin_client, bank, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    response = upload(console_admin_client, "x", name="people.txt")
    assert "Upload a .csv or .xlsx file." in response.content.decode()
    settings.PORTRAIT_IMPORT_MAX_BYTES = 1024 * 1024
    response = upload(console_admin_client, HEADER + "x" * (1024 * 1024))
    assert "larger than 1 MB" in response.content.decode()
    assert not BackgroundJob.objects.filter(kind="import").exists()


MANAGERS_HEADER = "username,name,capabilities,hobbies,capacity\n"


def test_a_managers_import_lowering_a_capacity_below_the_book_is_refused_with_the_pages_hint(
    console_admin_client, bank, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    response = upload(console_admin_client, MANAGERS_HEADER + "m1,M1,S00,H00,1\n", target="managers")

    result = response.context["result"]
    assert not result["ok"] and [(e["line"], e["field"]) for e in result["errors"]] == [(2, "capacity")]
    assert "serves 2 customers" in result["errors"][0]["message"]
    assert "tick “Keep customers above a lowered capacity”" in response.content.decode()
    bank["m1"].refresh_from_db()
    assert bank["m1"].capacity == 2


def test_a_managers_import_with_the_box_ticked_keeps_the_customers_and_warns(
    console_admin_client, bank, settings, tmp_path,
):
    settings.MEDIA_ROOT = tmp_path
    response = upload(
        console_admin_client, MANAGERS_HEADER + "m1,M1,S00,H00,1\n", target="managers", confirm_overflow="on"
    )
    assert response.context["result"]["ok"] and len(response.context["result"]["warnings"]) == 1

    confirm = reverse("console:import_confirm", args=[response.context["job"].pk])
    response = console_admin_client.post(confirm, {"confirmed": "yes"}, follow=True)

    assert response.context["result"]["updated"] == 1
    bank["m1"].refresh_from_db()
    assert bank["m1"].capacity == 1 and bank["m1"].customers.count() == 2


# --- audit -------------------------------------------------------------------------------------


def test_audit_filters_newest_first_and_csv(console_admin_client, bank, django_assert_max_num_queries):
    alice = bank["customers"]["alice"]
    audit_record(actor=None, action="customer.portrait_updated", target=alice, summary="first", ip_address="10.0.0.1")
    audit_record(actor=None, action="customer.portrait_updated", target=alice, summary="second")
    audit_record(actor=None, action="manager.availability_updated", target=bank["m1"], summary="other")
    with django_assert_max_num_queries(8):
        response = console_admin_client.get(reverse("console:audit"), {"action": "portrait"})
    assert [e.summary for e in response.context["page"]] == ["second", "first"]
    rows = csv_rows(
        console_admin_client.get(
            reverse("console:audit"), {"target": f"customers.customerprofile:{alice.pk}", "format": "csv"}
        )
    )
    assert [row["summary"] for row in rows] == ["second", "first"] and rows[1]["ip"] == "10.0.0.1"


def test_the_customer_list_orders_by_the_username_alone(console_admin_client, bank):
    """The username is unique: with the key after it, MariaDB sorted every customer for each page (1.4 s at
    100k customers) instead of reading the username index and stopping after one page (12 ms)."""
    with CaptureQueriesContext(connection) as queries:
        console_admin_client.get(reverse("console:customers"))

    page = [q["sql"] for q in queries if "LIMIT" in q["sql"] and "FROM `customers_customerprofile`" in
            q["sql"].replace('"', "`")]
    assert page, "the page's query"
    order = page[0].rsplit("ORDER BY", 1)[1].split("LIMIT")[0]
    assert "username" in order and "," not in order


def test_a_deep_page_skips_keys_and_then_reads_its_rows_in_order(console_admin_client, bank):
    """The offset runs on the customers' keys alone (page 200 of 100k: 126 ms as one joined query, 20 ms so)."""
    portraits = Portraits()
    for number in range(55):
        portraits.customer(f"zz{number:02d}")
    expected = sorted(CustomerProfile.objects.values_list("user__username", flat=True))[50:]

    with CaptureQueriesContext(connection) as queries:
        response = console_admin_client.get(reverse("console:customers"), {"page": 2})

    assert [c.user.username for c, _score in response.context["rows"]] == expected
    offset = [q["sql"] for q in queries if "OFFSET" in q["sql"]]
    assert len(offset) == 1 and offset[0].split("FROM")[0].count(",") == 0  # one column: the key


class TestPagesRefuseObjectsOfAnotherKind:
    """A page for one kind of object answers 404 for an id of another kind, and starts nothing."""

    def test_applying_a_run_that_is_not_a_stored_plan(self, console_admin_client, bank):
        run = MatchingRun.objects.create(kind=RunKind.AUTOMATIC, status="succeeded")
        jobs_before = BackgroundJob.objects.count()

        response = console_admin_client.post(reverse("console:preview_apply", args=[run.pk]), {"confirmed": "yes"})

        assert response.status_code == 404
        assert BackgroundJob.objects.count() == jobs_before

    @pytest.mark.parametrize(("page", "method"), [("console:import_report", "get"), ("console:import_confirm", "post")])
    def test_the_import_pages_on_a_matching_job(self, console_admin_client, bank, page, method):
        job = BackgroundJob.objects.create(kind=JobKind.RUN, options={"strategy": "optimal"}, result={"ok": True})
        jobs_before = BackgroundJob.objects.count()

        response = getattr(console_admin_client, method)(reverse(page, args=[job.pk]))

        assert response.status_code == 404
        assert BackgroundJob.objects.count() == jobs_before


def test_the_preview_form_takes_a_move_cost_and_shows_what_the_moves_gain(console_admin_client, bank):
    response = console_admin_client.post(
        reverse("console:preview_start"), {"strategy": "optimal", "rebalance": "on", "move_cost": "1000"}, follow=True
    )
    preview = response.context["preview"]
    assert preview.options["move_cost"] == 1000
    assert "move cost 1000" in response.content.decode()
    assert "0 customer(s) move; the plan gains" in response.content.decode()
    refused = console_admin_client.post(
        reverse("console:preview_start"), {"strategy": "optimal", "move_cost": "-1"}, follow=True
    )
    assert "a move cost from 0 to 10000" in refused.content.decode()


class TestMoveCostCurve:
    """The rebalance preview's chart of moves against gain: asked for with a button (a job), then a chart with its
    table and a re-preview per point."""

    def _preview(self, client, **data):
        return client.post(
            reverse("console:preview_start"), {"strategy": "optimal", "rebalance": "on", **data}, follow=True
        )

    def _compare(self, client, preview):
        return client.post(reverse("console:preview_curve", args=[preview.pk]), follow=True)

    def test_a_preview_offers_the_comparison_without_computing_it(self, console_admin_client, bank):
        response = self._preview(console_admin_client, move_cost="7")
        html = response.content.decode()
        assert response.context["curve"] == [] and "move_cost_curve" not in response.context["preview"].summary
        assert 'data-testid="curve-compute"' in html and "chart-move-cost" not in html
        assert "console/preview.js" not in html

    def test_comparing_runs_a_job_whose_page_forwards_to_the_chart_and_its_table(self, console_admin_client, bank):
        preview = self._preview(console_admin_client, move_cost="7").context["preview"]
        response = self._compare(console_admin_client, preview)
        job = BackgroundJob.objects.get(kind=JobKind.CURVE)
        assert job.options["preview"] == preview.pk and job.status == "succeeded"
        assert response.redirect_chain[0][0] == reverse("console:job", args=[job.pk])
        assert response.redirect_chain[-1][0] == reverse("console:preview", args=[preview.pk])
        html = response.content.decode()
        points = response.context["curve"]
        assert [point["move_cost"] for point in points] == [0, 5, 7, 10, 20, 40]
        assert [point["chosen"] for point in points].count(True) == 1
        assert 'id="chart-move-cost"' in html and 'aria-describedby="table-move-cost"' in html
        assert 'id="move-cost-data"' in html and "console/preview.js" in html
        assert 'data-testid="curve-computed"' in html
        for point in points:
            assert f'data-move-cost="{point["move_cost"]}"' in html
        # every other point re-previews with its cost; the chosen one is this preview
        assert html.count('data-testid="curve-preview"') == 5 and 'id="curve-preview-7"' not in html
        assert 'id="curve-preview-40"' in html

    def test_the_job_page_polls_then_sends_htmx_to_the_preview(self, console_admin_client, bank):
        preview = self._preview(console_admin_client).context["preview"]
        self._compare(console_admin_client, preview)
        job = BackgroundJob.objects.get(kind=JobKind.CURVE)
        polled = console_admin_client.get(reverse("console:job", args=[job.pk]), HTTP_HX_REQUEST="true")
        assert polled["HX-Redirect"] == reverse("console:preview", args=[preview.pk])

    def test_asking_again_while_a_comparison_is_under_way_follows_it(self, console_admin_client, bank):
        preview = self._preview(console_admin_client).context["preview"]
        queued = BackgroundJob.objects.create(kind=JobKind.CURVE, options={"preview": preview.pk})
        page = console_admin_client.get(reverse("console:preview", args=[preview.pk])).content.decode()
        assert 'data-testid="curve-pending"' in page and reverse("console:job", args=[queued.pk]) in page
        again = console_admin_client.post(reverse("console:preview_curve", args=[preview.pk]))
        assert again.url == reverse("console:job", args=[queued.pk])
        assert BackgroundJob.objects.filter(kind=JobKind.CURVE).count() == 1

    def test_a_point_re_previews_with_its_move_cost(self, console_admin_client, bank):
        self._preview(console_admin_client)
        again = self._preview(console_admin_client, move_cost="20")
        assert again.context["preview"].options == {"strategy": "optimal", "rebalance": True, "move_cost": 20}

    def test_no_curve_without_a_rebalance(self, console_admin_client, bank):
        response = console_admin_client.post(
            reverse("console:preview_start"), {"strategy": "optimal", "move_cost": "0"}, follow=True
        )
        html = response.content.decode()
        assert response.context["curve"] == [] and "chart-move-cost" not in html and "curve-compute" not in html
        refused = self._compare(console_admin_client, response.context["preview"])
        assert not BackgroundJob.objects.filter(kind=JobKind.CURVE).exists()
        assert "rebalance with the optimal rule only" in refused.content.decode()

    def test_the_page_reads_the_stored_curve_in_its_usual_queries(
        self, console_admin_client, bank, django_assert_max_num_queries
    ):
        preview = self._preview(console_admin_client).context["preview"]
        self._compare(console_admin_client, preview)
        with django_assert_max_num_queries(12):
            console_admin_client.get(reverse("console:preview", args=[preview.pk]))


@pytest.mark.parametrize(("language", "every"), [("en", "Every tier"), ("zh-hans", "所有层级")])
def test_the_manager_page_shows_the_branch_and_tiers_served(console_admin_client, bank, language, every):
    from managers.models import ManagerProfile
    from vocabularies.tests.factories import BranchFactory

    m1, m2 = bank["m1"], bank["m2"]
    ManagerProfile.objects.filter(pk=m1.pk).update(branch=BranchFactory(code="BJ", name="北京分行"), tiers=["vip"])
    console_admin_client.cookies["django_language"] = language
    html = console_admin_client.get(reverse("console:manager", args=[m1.pk])).content.decode()
    assert "北京分行" in html[html.index('data-testid="manager-branch"'):][:200]
    assert 'data-tier="vip"' in html[html.index('data-testid="manager-tiers"'):][:300]
    other = console_admin_client.get(reverse("console:manager", args=[m2.pk])).content.decode()
    assert every in other[other.index('data-testid="manager-tiers"'):][:200]
