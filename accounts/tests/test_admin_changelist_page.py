"""The customer changelist within its query budget shows what staff read: every row, every column, right.

`test_admin.py` pins the number of queries; a page that met the budget by showing less (no manager,
a missing column, fewer rows) would pass it. This reads the rendered table back and compares it
with the database.
"""
import html
import re

import pytest

from accounts.tests.test_admin import admin_url, make_customers
from customers.models import CustomerProfile

pytestmark = pytest.mark.django_db

CELL_RE = re.compile(r'<t[dh] class="field-(\w+)[^"]*">(.*?)</t[dh]>', re.S)
ROW_RE = re.compile(r"<tr>(.*?)</tr>", re.S)
TAG_RE = re.compile(r"<[^>]+>")


def shown_rows(content: str) -> list[dict[str, str]]:
    """Each row of the changelist table as {column: text}, booleans as the icon's alt text."""
    body = content[content.index('<table id="result_list"'):]
    body = body[body.index("<tbody>"):body.index("</tbody>")]
    rows = []
    for row in ROW_RE.findall(body):
        cells = {}
        for name, cell in CELL_RE.findall(row):
            alt = re.search(r'alt="(\w+)"', cell)
            cells[name] = alt.group(1) if alt else html.unescape(TAG_RE.sub("", cell)).strip()
        rows.append(cells)
    return rows


def expected_rows() -> list[dict[str, str]]:
    profiles = CustomerProfile.objects.select_related("user", "manager__user", "branch").order_by("-created_at", "-pk")
    return [
        {
            "username": p.user.username, "display_name": p.user.name, "age": str(p.age), "occupation": p.occupation,
            "total_assets": str(p.total_assets), "tier": str(p.tier.name), "branch": p.branch.name if p.branch else "-",
            "customer_class": p.customer_class, "segment": str(p.segment),
            "manager": str(p.manager), "manager_locked": str(p.manager_locked),
        }
        for p in profiles
    ]


def test_the_customer_changelist_shows_every_row_and_column_within_its_query_budget(
    superuser_client, django_assert_max_num_queries
):
    make_customers(30)

    # session, user, count, page, distinct segments
    with django_assert_max_num_queries(6):
        response = superuser_client.get(admin_url(CustomerProfile, "changelist"))

    assert response.status_code == 200
    content = response.content.decode()
    rows = shown_rows(content)
    assert len(rows) == 30
    assert rows == expected_rows()
    assert {row["manager"] for row in rows} == {str(p.manager) for p in CustomerProfile.objects.all()}
    assert "30 customer profiles" in content
    # the segment filter offers the segments there are (the fifth query)
    assert re.findall(r'href="\?segment=(\d+)"', content) == ["0", "1", "2", "3"]
