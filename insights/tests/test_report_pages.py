"""The report pages: an admin's for every manager and the overview, a manager's own in the workspace; the
figures on screen and in the .xlsx, the download in the audit log, constant queries, both languages."""
import io
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from accounts.models import Role
from accounts.tests.factories import UserFactory
from audit.models import AuditEvent
from customers.models import CustomerProfile
from insights.reports import MONTHS
from managers.models import ManagerProfile
from vocabularies.tests.factories import BranchFactory

from .test_reports import change, contact, request_

pytestmark = pytest.mark.django_db


@pytest.fixture
def book(portraits):
    """m1 gained two customers this month (fits A and C, scores 4 and 2), one asked for another manager
    and was called; m2 has one customer."""
    m1, m2 = portraits.manager("m1"), portraits.manager("m2")
    now = timezone.now()
    first, second, third = portraits.customer("c1"), portraits.customer("c2"), portraits.customer("c3")
    change(first, to=m1, when=now - timedelta(seconds=5), fit="A", total=4)
    change(second, to=m1, when=now - timedelta(seconds=5), fit="C", total=2)
    change(third, to=m2, when=now - timedelta(seconds=5), fit="B", total=3)
    request_(first, manager=m1, asked=now - timedelta(seconds=4))
    contact(second, manager=m1, when=now - timedelta(seconds=3))
    return m1, m2


@pytest.fixture
def branch(book, portraits):
    """m1 and m2 work at the Beijing branch; m3, at Shanghai's, has one customer (private banking)."""
    beijing, shanghai = BranchFactory(code="BJ", name="北京分行"), BranchFactory(code="SH", name="上海分行")
    ManagerProfile.objects.filter(pk__in=[manager.pk for manager in book]).update(branch=beijing)
    m3 = portraits.manager("m3", branch=shanghai)
    change(portraits.customer("c4", assets="7000000.00"), to=m3, when=timezone.now() - timedelta(seconds=5),
           fit="D", total=1)
    return beijing


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(username="bank_admin", role=Role.ADMIN, is_staff=True))
    return client


def this_month(html: str) -> dict[str, str]:
    """The figures of this month's row of the report table: {figure: text}."""
    month = timezone.localdate().strftime("%Y-%m")
    row = html[html.index(f'data-month="{month}"'):]
    row = row[: row.index("</tr>")]
    return dict(re.findall(r'data-figure="([a-z_A-E]+)">([^<]*)<', row))


def this_month_row(months: dict) -> dict:
    return months[timezone.localdate().strftime("%Y-%m")]


def test_the_admin_reads_a_managers_report_with_its_chart_and_table(admin_client, book):
    m1, _m2 = book
    response = admin_client.get(reverse("console:manager_report", args=[m1.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="report-book"' in html and 'aria-describedby="report-table"' in html and 'id="report-data"' in html
    assert "insights/book_report.js" in html and "chart.umd.min.js" in html
    figures = this_month(html)
    assert figures["customers"] == "2" and figures["fit_A"] == "1" and figures["fit_C"] == "1"
    assert figures["mean_score"] == "3.0" and figures["gained"] == "2" and figures["lost"] == "0"
    assert figures["requests_opened"] == "1" and figures["contacts"] == "1"
    assert html.count("<tr data-month=") == MONTHS


def test_the_report_speaks_chinese(admin_client, book):
    response = admin_client.get(reverse("console:manager_report", args=[book[0].pk]), HTTP_ACCEPT_LANGUAGE="zh-hans")
    html = response.content.decode()
    assert "月末客户数" in html and "下载" in html


def test_the_overview_sums_every_book_and_lists_each_manager(admin_client, book):
    response = admin_client.get(reverse("console:report_overview"))
    html = response.content.decode()
    assert this_month(html)["customers"] == "3" and this_month(html)["gained"] == "3"
    for manager in book:
        assert f'data-manager="{manager.user.username}"' in html
        assert reverse("console:manager_report", args=[manager.pk]) in html


def test_the_managers_list_and_a_managers_page_link_to_the_reports(admin_client, book):
    m1 = book[0]
    listing = admin_client.get(reverse("console:managers")).content.decode()
    assert reverse("console:manager_report", args=[m1.pk]) in listing and reverse("console:report_overview") in listing
    page = admin_client.get(reverse("console:manager", args=[m1.pk])).content.decode()
    assert reverse("console:manager_report", args=[m1.pk]) in page


def test_a_manager_reads_their_own_books_report_in_the_workspace(client, book):
    m1, _m2 = book
    client.force_login(m1.user)
    assert reverse("portal:workspace_report") in client.get(reverse("portal:workspace")).content.decode()
    figures = this_month(client.get(reverse("portal:workspace_report")).content.decode())
    assert figures["customers"] == "2" and figures["gained"] == "2"
    assert client.get(reverse("console:manager_report", args=[m1.pk])).status_code == 403


def test_a_customer_reads_no_report(client, book):
    client.force_login(book[0].customers.first().user)
    for url in (reverse("portal:workspace_report"), reverse("portal:workspace_report_export"),
                reverse("console:report_overview"), reverse("console:manager_report", args=[book[0].pk])):
        assert client.get(url).status_code == 403


def _sheet(response):
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    return rows[0], {row[0]: dict(zip(rows[0], row)) for row in rows[1:]}


def test_a_download_holds_the_report_and_is_audited(admin_client, book):
    m1 = book[0]
    response = admin_client.get(reverse("console:manager_report_export", args=[m1.pk]))
    header, months = _sheet(response)
    row = months[timezone.localdate().strftime("%Y-%m")]
    assert len(months) == MONTHS
    assert row["Customers at the month's end"] == 2 and row["Match fit A"] == 1 and row["Customers gained"] == 2
    event = AuditEvent.objects.get(action="reports.exported")
    assert event.actor.username == "bank_admin" and event.target_id == str(m1.pk)
    assert event.summary == response["Content-Disposition"].split('"')[1] and event.summary.endswith(".xlsx")


def test_a_managers_own_download_is_in_their_language_and_audited(client, book):
    m1 = book[0]
    client.force_login(m1.user)
    header, _months = _sheet(client.get(reverse("portal:workspace_report_export"), HTTP_ACCEPT_LANGUAGE="zh-hans"))
    assert header[:2] == ("月份", "月末客户数")
    assert AuditEvent.objects.get(action="reports.exported").actor == m1.user


def test_the_overview_download_is_every_book(admin_client, book):
    _header, months = _sheet(admin_client.get(reverse("console:report_overview_export")))
    assert months[timezone.localdate().strftime("%Y-%m")]["Customers at the month's end"] == 3
    assert AuditEvent.objects.get(action="reports.exported").target_id == ""


@pytest.mark.parametrize("extra", [0, 20])
def test_the_report_pages_take_the_same_queries_whatever_the_book(
    admin_client, book, branch, portraits, extra, django_assert_max_num_queries
):
    m1 = book[0]
    now = timezone.now()
    for i in range(extra):
        customer = portraits.customer(assets=("100000.00", "800000.00", "7000000.00")[i % 3])
        change(customer, to=m1, when=now - timedelta(days=40 * (i % 9)), fit="ABCDE"[i % 5], total=i % 6)
        contact(customer, manager=m1, when=now - timedelta(days=i), follow_up=timezone.localdate() - timedelta(days=1))
    # The report's six, the session and user, the console's open-request count, the bell's unread count.
    with django_assert_max_num_queries(10):
        assert admin_client.get(reverse("console:manager_report", args=[m1.pk])).status_code == 200
    with django_assert_max_num_queries(11):  # and the branch
        assert admin_client.get(reverse("console:branch_report", args=[branch.pk])).status_code == 200
    # With the branches (listed, and the branch filter's choices).
    with django_assert_max_num_queries(19):
        assert admin_client.get(reverse("console:report_overview"), {"branch": branch.code}).status_code == 200


def test_every_report_shows_the_tier_mix_and_says_the_tier_is_todays(admin_client, book):
    CustomerProfile.objects.filter(user__username="c2").update(total_assets="800000.00")
    html = admin_client.get(reverse("console:manager_report", args=[book[0].pk])).content.decode()
    figures = this_month(html)
    assert (figures["tier_mass"], figures["tier_vip"], figures["tier_private"]) == ("1", "1", "0")
    assert "VIP customers" in html and 'data-testid="tier-note"' in html
    assert "the assignment history does not record assets" in html
    chinese = admin_client.get(reverse("console:manager_report", args=[book[0].pk]), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "按今天的服务层级计数" in chinese.content.decode()
    _header, months = _sheet(admin_client.get(reverse("console:manager_report_export", args=[book[0].pk])))
    row = this_month_row(months)
    assert (row["Mass customers"], row["VIP customers"], row["Private banking customers"]) == (1, 1, 0)


def test_the_admin_reads_a_branchs_report_the_sum_of_its_managers_books(admin_client, book, branch):
    response = admin_client.get(reverse("console:branch_report", args=[branch.pk]))
    html = response.content.decode()
    assert response.status_code == 200 and "北京分行" in html and 'id="report-book"' in html
    figures = this_month(html)  # m1's two customers and m2's one; not m3's, at another branch
    assert figures["customers"] == "3" and figures["gained"] == "3" and figures["fit_D"] == "0"
    assert figures["tier_mass"] == "3" and figures["tier_private"] == "0"
    assert figures["requests_opened"] == "1" and figures["contacts"] == "1"
    assert f"{reverse('console:report_overview')}?branch=BJ" in html


def test_a_branchs_download_holds_its_report_and_is_audited_as_the_branchs(admin_client, book, branch):
    response = admin_client.get(reverse("console:branch_report_export", args=[branch.pk]))
    _header, months = _sheet(response)
    row = this_month_row(months)
    assert row["Customers at the month's end"] == 3 and row["Match fit B"] == 1 and row["Mass customers"] == 3
    event = AuditEvent.objects.get(action="reports.exported")
    assert (event.target_type, event.target_id) == ("vocabularies.branch", str(branch.pk))
    assert event.data["branch"] == branch.pk and event.data["manager"] is None
    assert event.summary.startswith("report-branch-BJ-") and event.summary in response["Content-Disposition"]


def test_the_overview_lists_the_branches_and_filters_its_managers_by_branch(admin_client, book, branch):
    url = reverse("console:report_overview")
    html = admin_client.get(url).content.decode()
    report = reverse("console:branch_report", args=[branch.pk])
    assert 'data-branch="BJ"' in html and 'data-branch="SH"' in html and report in html
    assert html.count('data-testid="manager-branch"') == 3
    assert this_month(html)["customers"] == "4"  # every manager's book, whatever the filter below
    filtered = admin_client.get(url, {"branch": "BJ"}).content.decode()
    assert 'data-manager="m1"' in filtered and 'data-manager="m2"' in filtered and 'data-manager="m3"' not in filtered
    assert 'data-testid="chosen-branch-report"' in filtered and this_month(filtered)["customers"] == "4"
    ManagerProfile.objects.filter(user__username="m2").update(branch=None)
    without = admin_client.get(url, {"branch": "none"}).content.decode()
    assert 'data-manager="m2"' in without and 'data-manager="m1"' not in without


def test_the_customers_branch_links_to_its_report(admin_client, book, branch):
    customer = CustomerProfile.objects.get(user__username="c1")
    customer.branch = branch
    customer.save(update_fields=["branch"])
    report = reverse("console:branch_report", args=[branch.pk])
    assert report in admin_client.get(reverse("console:customers")).content.decode()
    assert report in admin_client.get(reverse("console:customer", args=[customer.pk])).content.decode()


def test_a_manager_reads_no_branch_report_not_even_their_own_branchs(client, book, branch):
    client.force_login(book[0].user)
    for name in ("console:branch_report", "console:branch_report_export"):
        assert client.get(reverse(name, args=[branch.pk])).status_code == 403
    assert not AuditEvent.objects.filter(action="reports.exported").exists()


def test_the_tier_mix_is_coloured_by_the_configured_tiers_palette(admin_client, book):
    import json

    from portrait.display import tier_palette

    m1, _m2 = book
    html = admin_client.get(reverse("console:manager_report", args=[m1.pk])).content.decode()

    def embedded(name):
        start = html.index(">", html.index(f'id="{name}"')) + 1
        return json.loads(html[start:html.index("</script>", start)])

    tiers = [tier["code"] for tier in embedded("report-data")["tiers"]]
    assert tiers == ["mass", "vip", "private"]
    assert embedded("fit-palette")["tier"] == tier_palette() and list(tier_palette()) == tiers
