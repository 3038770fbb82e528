"""customers.filters: one query string, the same customers on every surface that lists customers.

The console's list and its export, the manager's workspace (within their book), the API's list and
`export_customers` all read `CustomerFilter`; each query below is sent to each of them and must give the
customers written beside it, no more, no fewer.
"""
from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

from accounts.models import Role
from accounts.tests.factories import UserFactory
from customers.filters import CustomerFilter, CustomerSort, day_start
from customers.models import CustomerProfile
from customers.tests.factories import CustomerFactory
from managers.tests.factories import ManagerFactory
from matching.models import Assignment, MatchingRun, Reason, RunKind, RunStatus
from vocabularies.tests.factories import BranchFactory, ServiceFactory

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 3, 10)
ZONE = timezone.get_default_timezone()  # Asia/Shanghai: UTC+8, so a local day starts at 16:00 UTC the day before


def local(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=ZONE)


@pytest.fixture
def bank():
    """Two managers and seven customers; profile ids differ from user ids (unrelated users come first),
    so a filter that mixed them up would show."""
    for n in range(3):
        UserFactory(role=Role.CUSTOMER, username=f"spare_{n}")
    funds, loans = ServiceFactory(name="基金"), ServiceFactory(name="贷款")
    m1, m2 = ManagerFactory(), ManagerFactory()
    beijing, shanghai = BranchFactory(code="BJ"), BranchFactory(code="SH")
    places = {  # username: (branch, total assets); the others have no branch and 0 (the mass tier)
        "ann": (beijing, 500_000), "ben": (shanghai, 0), "cat": (None, 6_000_000), "dan": (beijing, 499_999.99),
        "eve": (shanghai, 7_000_000),
    }
    rows = {
        # username: (manager, class, locked, needs, occupation, created in the bank's time zone)
        "ann": (m1, "A", False, [funds], "教师", local(DAY, 0, 5)),  # the first minutes of DAY
        "ben": (m1, "", True, [loans], "园艺设计师", local(DAY, 23, 55)),  # the last minutes of DAY
        "cat": (m1, "", False, [funds, loans], "医生", local(DAY - dt.timedelta(days=1), 23, 55)),
        "dan": (m2, "B", False, [funds], "律师", local(DAY + dt.timedelta(days=1), 0, 5)),
        "eve": (None, "", False, [], "园艺爱好者", local(DAY, 12)),
        "fay": (None, "A", False, [loans], "教师", local(DAY + dt.timedelta(days=5), 12)),
        "gus": (m2, "", False, [], "会计师", local(DAY - dt.timedelta(days=5), 12)),
    }
    customers = {}
    for username, (manager, letter, locked, needs, occupation, created) in rows.items():
        customer = CustomerFactory(
            user__username=username, user__name=f"{username.title()} 王", manager=manager, needs=needs,
            occupation=occupation,
        )
        branch, assets = places.get(username, (None, 0))
        CustomerProfile.objects.filter(pk=customer.pk).update(  # after the save signals classify
            customer_class=letter, manager_locked=locked, created_at=created, branch=branch, total_assets=assets,
        )
        customers[username] = customer
    assert any(c.pk != c.user_id for c in customers.values())
    assert m1.pk != m1.user_id or m2.pk != m2.user_id
    # A matching run that changed ann's and dan's manager (its history), and an earlier one that changed cat's.
    earlier, run = (MatchingRun.objects.create(kind=RunKind.AUTOMATIC, status=RunStatus.SUCCEEDED) for _n in range(2))
    Assignment.objects.create(run=earlier, customer=customers["cat"], new_manager=m1, reason=Reason.BEST)
    for username, manager in (("ann", m1), ("dan", m2)):
        Assignment.objects.create(run=run, customer=customers[username], new_manager=manager, reason=Reason.BEST)
    return {"m1": m1, "m2": m2, "funds": funds, "loans": loans, "customers": customers, "run": run}


# (query, the customers every surface shows for it); `{m1}`, `{funds}` ... are ids from `bank`.
QUERIES = [
    ({"customer_class": "none"}, {"ben", "cat", "eve", "gus"}),
    ({"customer_class": "A"}, {"ann", "fay"}),
    ({"manager": "{m1}"}, {"ann", "ben", "cat"}),
    ({"manager": "{m2}", "customer_class": "none"}, {"gus"}),
    ({"unassigned": "true"}, {"eve", "fay"}),
    ({"unassigned": "false", "locked": "true"}, {"ben"}),
    ({"need": "{funds}"}, {"ann", "cat", "dan"}),
    ({"need": "{loans}", "customer_class": "none"}, {"ben", "cat"}),
    ({"q": "园艺"}, {"ben", "eve"}),  # in the occupation only: no username or name holds it
    ({"q": "Ann 王"}, {"ann"}),  # the name
    ({"q": "DA"}, {"dan"}),  # the username, whatever the case
    ({"created_after": DAY.isoformat()}, {"ann", "ben", "dan", "eve", "fay"}),
    ({"created_before": DAY.isoformat()}, {"ann", "ben", "cat", "eve", "gus"}),
    ({"created_after": DAY.isoformat(), "created_before": DAY.isoformat()}, {"ann", "ben", "eve"}),
    ({"created_after": DAY.isoformat(), "created_before": DAY.isoformat(), "manager": "{m1}", "need": "{loans}"},
     {"ben"}),
    ({"run": "{run}"}, {"ann", "dan"}),  # the customers whose manager that run changed
    ({"run": "{run}", "manager": "{m2}"}, {"dan"}),
    ({"branch": "BJ"}, {"ann", "dan"}),
    ({"branch": "none"}, {"cat", "fay", "gus"}),
    ({"tier": "vip"}, {"ann"}),  # from 500,000 inclusive
    ({"tier": "mass"}, {"ben", "dan", "fay", "gus"}),  # below 500,000
    ({"tier": "private", "branch": "SH"}, {"eve"}),
]


def resolved(query: dict, bank) -> dict[str, str]:
    ids = {"m1": bank["m1"].user_id, "m2": bank["m2"].user_id, "funds": bank["funds"].pk, "loans": bank["loans"].pk,
           "run": bank["run"].pk}
    return {name: value.format(**ids) for name, value in query.items()}


def console_list(query) -> set[str]:
    client = Client()
    client.force_login(UserFactory(admin=True))
    response = client.get(reverse("console:customers"), query)
    assert response.status_code == 200 and not response.context["form"].errors
    return {customer.user.username for customer, _score in response.context["rows"]}


def console_export(query) -> set[str]:
    client = Client()
    client.force_login(UserFactory(admin=True))
    response = client.get(reverse("console:customer_export"), {**query, "format": "csv"})
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return {row["username"] for row in csv.DictReader(io.StringIO(text))}


def workspace(query, manager) -> set[str]:
    client = Client()
    client.force_login(manager.user)
    response = client.get(reverse("portal:workspace"), query)
    assert response.status_code == 200 and not response.context["form"].errors
    return {customer.user.username for customer in response.context["page"].object_list}


def api_list(query, user) -> set[str]:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {RefreshToken.for_user(user).access_token}")
    response = client.get("/api/customers", query)
    assert response.status_code == 200, response.json()
    return {row["username"] for row in response.json()["results"]}


def export_command(query) -> set[str]:
    options = [part for name, value in query.items() for part in (f"--{name.replace('_', '-')}", value)]
    out = io.StringIO()
    call_command("export_customers", *options, stdout=out)
    return {row["username"] for row in csv.DictReader(io.StringIO(out.getvalue().lstrip("\ufeff")))}


@pytest.mark.parametrize(("query", "expected"), QUERIES, ids=[str(query) for query, _ in QUERIES])
class TestOneQueryStringEverywhere:
    def test_the_console_list(self, bank, query, expected):
        assert console_list(resolved(query, bank)) == expected

    def test_the_console_export(self, bank, query, expected):
        assert console_export(resolved(query, bank)) == expected

    def test_the_workspace_within_the_managers_book(self, bank, query, expected):
        book = {"ann", "ben", "cat"}
        assert workspace(resolved(query, bank), bank["m1"]) == expected & book

    def test_the_api_list_for_an_admin(self, bank, query, expected):
        assert api_list(resolved(query, bank), UserFactory(admin=True)) == expected

    def test_the_api_list_within_the_managers_book(self, bank, query, expected):
        assert api_list(resolved(query, bank), bank["m2"].user) == expected & {"dan", "gus"}

    def test_export_customers(self, bank, query, expected):
        assert export_command(resolved(query, bank)) == expected


class TestDates:
    def test_a_day_starts_at_midnight_in_the_banks_time_zone(self):
        assert day_start(DAY) == dt.datetime(2026, 3, 9, 16, tzinfo=dt.UTC)

    def test_an_empty_parameter_filters_nothing(self, bank):
        empty = {name: "" for name in CustomerFilter.base_filters}
        assert console_list(empty) == api_list(empty, UserFactory(admin=True)) == set(bank["customers"])


class TestRefusals:
    def test_a_bad_value_is_a_400_on_the_api_and_shown_beside_its_field_on_pages(self, bank):
        client = APIClient()
        client.credentials(
            HTTP_AUTHORIZATION=f"Bearer {RefreshToken.for_user(UserFactory(admin=True)).access_token}"
        )
        response = client.get("/api/customers", {"customer_class": "Z", "need": 999999, "created_after": "soon",
                                                  "branch": "XX", "tier": "gold"})

        assert response.status_code == 400
        assert {"customer_class", "need", "created_after", "branch", "tier"} <= set(response.json()["errors"])
        filters = CustomerFilter({"customer_class": "Z", "age_min": "30"}, queryset=CustomerProfile.objects.all())
        assert set(filters.errors) == {"customer_class"}
        assert filters.qs.count() == CustomerProfile.objects.filter(age__gte=30).count()

    def test_export_customers_names_the_option_it_refuses(self, bank):
        with pytest.raises(CommandError, match="--manager"):
            call_command("export_customers", "--manager", "someone", stdout=io.StringIO())


@pytest.mark.parametrize(("sort", "first"), [("username", "ann"), ("-username", "gus"), ("-created", "fay")])
def test_one_sort_key_orders_the_console_and_the_workspace_alike(bank, sort, first):
    assert [c.user.username for c in CustomerSort({"sort": sort}).order(CustomerProfile.objects.all())][0] == first
    client = Client()
    client.force_login(UserFactory(admin=True))
    rows = client.get(reverse("console:customers"), {"sort": sort}).context["rows"]
    assert rows[0][0].user.username == first


def test_lists_and_pages_show_and_offer_tier_and_branch(bank):
    admin = Client()
    admin.force_login(UserFactory(admin=True))
    page = admin.get(reverse("console:customers")).content.decode()
    assert 'name="tier"' in page and 'name="branch"' in page and "VIP customers" in page
    detail = admin.get(reverse("console:customer", args=[bank["customers"]["eve"].pk])).content.decode()
    assert "Private banking customers" in detail
    manager = Client()
    manager.force_login(bank["m1"].user)
    workspace_page = manager.get(reverse("portal:workspace")).content.decode()
    assert 'name="tier"' in workspace_page and 'name="branch"' in workspace_page
    assert "VIP customers" in workspace_page  # ann's tier, under her assets
