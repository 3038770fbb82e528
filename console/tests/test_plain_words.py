"""Issue 24 (words, one look, audit): the console says what things are, in both languages.

The audit log answers "who moved this customer, and why?"; managers over capacity show as such; job steps,
strategies and the match fit have plain names; amounts are formatted once.
"""
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from audit.models import AuditEvent
from customers.models import CustomerProfile
from managers.models import ManagerProfile
from matching.services import customer_assign

pytestmark = pytest.mark.django_db

AUDIT = reverse("console:audit")


def _zh(client):
    client.cookies["django_language"] = "zh-hans"
    return client


def _assign_bob_to_m2(bank, actor):
    bob = bank["customers"]["bob"]
    customer_assign(customer=bob, manager=bank["m2"], actor=actor, note="moved at the customer's request")
    return bob


class TestAuditLogReadable:
    def test_a_reassignment_is_listed_under_the_customer_with_the_manager_before_and_after(self, admin_client, bank):
        _assign_bob_to_m2(bank, actor=None)

        html = admin_client.get(AUDIT).content.decode()

        row = next(row for row in html.split("<tr>") if "Manager assigned by hand" in row)
        assert "Customer bob" in row
        assert "Manager: m1 → m2" in row
        assert "customer.assigned" not in re.sub(r'title="[^"]*"', "", row)  # the code only on hover

    def test_actions_and_subjects_read_in_chinese(self, admin_client, bank):
        _assign_bob_to_m2(bank, actor=None)

        html = _zh(admin_client).get(AUDIT).content.decode()

        assert "手动分配客户经理" in html and "客户 bob" in html and "客户经理: m1 → m2" in html
        assert "起始日期" in html and "截止日期" in html  # the date range's own words, not 原/新客户经理
        assert "原客户经理" not in html.split("<table")[0]

    def test_a_customer_is_found_by_name_or_username(self, admin_client, bank):
        bob = _assign_bob_to_m2(bank, actor=None)
        bob.user.name = "王小明"
        bob.user.save(update_fields=["name"])

        for text in ("bob", "王小明"):
            page = admin_client.get(AUDIT, {"person": text}).context["page"]
            events = [event.action for event in page]
            assert "customer.assigned" in events, text
            assert all(event.target_id == str(bob.pk) or "bob" in (event.summary + event.actor_username)
                       for event in page)

    def test_the_action_filter_takes_words(self, admin_client, bank):
        _assign_bob_to_m2(bank, actor=None)

        page = admin_client.get(AUDIT, {"action": "assigned by hand"}).context["page"]

        assert [event.action for event in page] == ["customer.assigned"]

    def test_a_console_export_of_customers_is_recorded(self, admin_client, bank):
        response = admin_client.get(reverse("console:customer_export"), {"format": "csv"})
        b"".join(response.streaming_content)

        event = AuditEvent.objects.get(action="customers.exported")
        assert event.actor == response.wsgi_request.user
        assert event.data["count"] == 5 and event.data["format"] == "csv"
        assert event.summary.startswith("customers-") and event.summary.endswith(".csv")
        assert "Customers exported" in admin_client.get(AUDIT).content.decode()

    def test_the_export_command_is_recorded_as_the_system(self, bank, tmp_path):
        target = tmp_path / "out.csv"
        call_command("export_customers", "--output", str(target), stdout=io.StringIO())

        event = AuditEvent.objects.get(action="customers.exported")
        assert event.actor is None and event.data["count"] == 5 and event.summary == str(target)

    def test_an_import_is_listed_under_the_uploaded_file_name(self, admin_client, bank, settings, tmp_path):
        settings.MEDIA_ROOT = tmp_path
        rows = "username,name,age,occupation,total_assets,needs,hobbies\nnewbie,New Bie,33,,1000,,\n"
        upload = SimpleUploadedFile("客户名单-十二月.csv", rows.encode("utf-8"), content_type="text/csv")

        admin_client.post(reverse("console:import"), {"target": "customers", "file": upload, "dry_run": "on"})

        event = AuditEvent.objects.filter(action__startswith="customers.imported").latest("id")
        assert event.summary == "客户名单-十二月.csv"

    def test_a_long_summary_is_folded_with_the_full_text_one_click_away(self, admin_client, bank):
        from audit.services import audit_record

        audit_record(actor=None, action="demo.seeded", summary="x" * 400)

        html = admin_client.get(AUDIT).content.decode()

        assert "<details><summary>" + "x" * 119 + "…</summary>" + "x" * 400 + "</details>" in html
        assert 'class="table-responsive" tabindex="0"' in html  # the scrolling table is reachable by keyboard


class TestOverCapacity:
    def test_an_over_full_manager_is_not_shown_as_accepting(self, admin_client, bank):
        ManagerProfile.objects.filter(pk=bank["m1"].pk).update(capacity=1)  # serves 2

        html = admin_client.get(reverse("console:managers")).content.decode()
        row = next(row for row in html.split("<tr>") if ">m1<" in row)

        assert "over capacity by 1" in row and "yes" not in row

    def test_in_chinese(self, admin_client, bank):
        ManagerProfile.objects.filter(pk=bank["m1"].pk).update(capacity=1)

        html = _zh(admin_client).get(reverse("console:managers")).content.decode()

        assert "超出上限 1 位" in html


class TestPlainWords:
    def test_the_match_fit_is_named_as_such_with_coloured_badges(self, admin_client, bank):
        CustomerProfile.objects.filter(pk=bank["customers"]["alice"].pk).update(customer_class="D")

        html = admin_client.get(reverse("console:customers")).content.decode()

        assert "Match fit" in html and ">Class<" not in html
        assert 'class="badge fit-badge fit-D ' in html
        assert _zh(admin_client).get(reverse("console:customers")).content.decode().count("匹配等级") >= 1

    def test_strategies_in_plain_words_with_the_technical_term_in_help(self, admin_client, bank):
        html = admin_client.get(reverse("console:matching")).content.decode()

        assert "Best overall" in html and "One by one in order" in html
        assert "greedy" in html and "Greedy" not in html  # the technical word in the help text only
        zh = _zh(admin_client).get(reverse("console:matching")).content.decode()
        assert "整体最优" in zh and "按顺序逐个分配" in zh and "重新分群" in zh and "Rerun K-Means++" not in zh

    def test_job_steps_are_named_in_words(self, admin_client, bank):
        from jobs.models import BackgroundJob

        job = BackgroundJob.objects.create(kind="apply", phases=["check", "write"], phase="write")

        html = admin_client.get(reverse("console:job", args=[job.pk])).content.decode()
        zh = _zh(admin_client).get(reverse("console:job", args=[job.pk])).content.decode()

        assert "Checking nothing changed since the preview" in html and "Saving the changes" in html
        assert ">check<" not in html and ">write<" not in html
        assert "保存变更" in zh

    def test_amounts_have_a_currency_and_thousands_separators(self, admin_client, bank):
        customer = bank["customers"]["carol"]
        CustomerProfile.objects.filter(pk=customer.pk).update(total_assets="5937700.73")

        detail = admin_client.get(reverse("console:customer", args=[customer.pk])).content.decode()
        listing = admin_client.get(reverse("console:customers")).content.decode()

        assert "¥5,937,701" in detail and "¥5,937,701" in listing
        assert "5937700.73" not in detail

    def test_the_dashboard_passes_the_fit_palette_to_its_charts(self, admin_client, bank):
        from portrait.display import FIT_PALETTE

        response = admin_client.get(reverse("console:dashboard"))

        assert response.status_code == 200
        assert '<script id="fit-palette" type="application/json">' in response.content.decode()
        for colour in FIT_PALETTE.values():
            assert colour in response.content.decode()
