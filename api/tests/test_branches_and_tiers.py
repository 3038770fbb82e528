"""Branch and service tiers through the API (issue 21.6): written by admins where the API writes customers
and managers, through the owning apps' services and the models' validators; the manager list's `branch`
filter; the schema documents both."""
import pytest
from rest_framework.test import APIClient

from audit.models import AuditEvent
from customers.models import CustomerProfile
from managers.models import ManagerProfile
from vocabularies.tests.factories import BranchFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def branches():
    return BranchFactory(code="BJ"), BranchFactory(code="SH")


def manager_path(manager) -> str:
    return f"/api/managers/{manager.user_id}/profile"


def customer_path(customer) -> str:
    return f"/api/customers/{customer.user_id}/profile"


class TestManagers:
    def test_an_admin_sets_the_branch_and_tiers_a_manager_serves(self, two_books, branches, api):
        response = api(two_books.admin).patch(
            manager_path(two_books.manager), {"branch": "BJ", "tiers": ["private", "vip"]}, format="json"
        )
        assert response.status_code == 200, response.json()
        assert (response.json()["branch"], response.json()["tiers"]) == ("BJ", ["private", "vip"])
        manager = ManagerProfile.objects.get(pk=two_books.manager.pk)
        assert (manager.branch.code, manager.tiers) == ("BJ", ["private", "vip"])
        event = AuditEvent.objects.get(action="manager.service_area_updated")
        assert event.actor == two_books.admin and event.changes["branch"] == [None, "BJ"]

    def test_null_and_empty_mean_every_branch_and_every_tier(self, two_books, branches, api):
        ManagerProfile.objects.filter(pk=two_books.manager.pk).update(branch=branches[0], tiers=["vip"])
        response = api(two_books.admin).patch(
            manager_path(two_books.manager), {"branch": None, "tiers": []}, format="json"
        )
        assert response.status_code == 200, response.json()
        manager = ManagerProfile.objects.get(pk=two_books.manager.pk)
        assert (manager.branch, manager.tiers) == (None, [])

    @pytest.mark.parametrize(
        ("body", "field"),
        [({"branch": "NOPE"}, "branch"), ({"tiers": ["gold"]}, "tiers"), ({"tiers": ["vip", "vip"]}, "tiers")],
    )
    def test_unknown_codes_are_refused_by_field(self, two_books, branches, api, body, field):
        response = api(two_books.admin).patch(manager_path(two_books.manager), body, format="json")
        assert response.status_code == 400
        assert field in response.json()["errors"]
        assert not AuditEvent.objects.filter(action="manager.service_area_updated").exists()

    def test_a_manager_may_not_change_their_branch_or_tiers(self, two_books, branches, api):
        client = api(two_books.manager.user)
        assert client.patch(manager_path(two_books.manager), {"branch": "SH"}, format="json").status_code == 403
        refused = client.patch(manager_path(two_books.manager), {"tiers": ["mass"]}, format="json")
        assert refused.status_code == 403 and "tiers" in refused.json()["errors"]
        assert ManagerProfile.objects.get(pk=two_books.manager.pk).branch is None

    def test_a_manager_may_send_back_what_they_read(self, two_books, branches, api):
        ManagerProfile.objects.filter(pk=two_books.manager.pk).update(branch=branches[0], tiers=["vip"])
        client = api(two_books.manager.user)
        body = client.get(manager_path(two_books.manager)).json()
        body = {key: body[key] for key in ("capabilities", "hobbies", "accepting_customers", "branch", "tiers")}
        assert client.put(manager_path(two_books.manager), body, format="json").status_code == 200

    def test_the_list_filters_by_branch(self, two_books, branches, api):
        ManagerProfile.objects.filter(pk=two_books.manager.pk).update(branch=branches[0])
        client = api(two_books.admin)
        in_bj = client.get("/api/managers", {"branch": "BJ"}).json()["results"]
        assert [row["id"] for row in in_bj] == [two_books.manager.user_id]
        without = client.get("/api/managers", {"branch": "none"}).json()["results"]
        assert [row["id"] for row in without] == [two_books.other_manager.user_id]
        assert client.get("/api/managers", {"branch": "NOPE"}).status_code == 400


class TestCustomers:
    def test_an_admin_puts_a_customer_in_a_branch(self, two_books, branches, api):
        response = api(two_books.admin).patch(customer_path(two_books.customer), {"branch": "SH"}, format="json")
        assert response.status_code == 200, response.json()
        assert response.json()["branch"] == "SH"
        assert CustomerProfile.objects.get(pk=two_books.customer.pk).branch.code == "SH"
        event = AuditEvent.objects.get(action="customer.branch_changed")
        assert event.actor == two_books.admin and event.changes["branch"] == [None, "SH"]
        cleared = api(two_books.admin).patch(customer_path(two_books.customer), {"branch": None}, format="json")
        assert cleared.json()["branch"] is None

    def test_a_customer_may_not_change_their_branch_but_may_send_it_back(self, two_books, branches, api):
        CustomerProfile.objects.filter(pk=two_books.customer.pk).update(branch=branches[0])
        client = api(two_books.customer.user)
        refused = client.patch(customer_path(two_books.customer), {"branch": "SH"}, format="json")
        assert refused.status_code == 403 and "branch" in refused.json()["errors"]
        same = client.patch(customer_path(two_books.customer), {"branch": "BJ", "age": 41}, format="json")
        assert same.status_code == 200 and same.json()["age"] == 41
        assert CustomerProfile.objects.get(pk=two_books.customer.pk).branch.code == "BJ"

    def test_an_unknown_branch_code_is_refused(self, two_books, branches, api):
        response = api(two_books.admin).patch(customer_path(two_books.customer), {"branch": "NOPE"}, format="json")
        assert response.status_code == 400 and "branch" in response.json()["errors"]


def test_the_schema_documents_the_writable_fields_and_the_filter():
    schema = APIClient().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    components = schema["components"]["schemas"]
    for name in ("PatchedManagerRequest", "PatchedCustomerRequest"):
        assert "branch" in components[name]["properties"], name
    assert "tiers" in components["PatchedManagerRequest"]["properties"]
    managers = {parameter["name"] for parameter in schema["paths"]["/api/managers"]["get"]["parameters"]}
    customers = {parameter["name"] for parameter in schema["paths"]["/api/customers"]["get"]["parameters"]}
    assert "branch" in managers and {"branch", "tier"} <= customers


def test_the_dashboard_gives_one_branchs_figures(two_books, branches, api):
    CustomerProfile.objects.filter(pk=two_books.customer.pk).update(branch=branches[0])
    ManagerProfile.objects.filter(pk=two_books.manager.pk).update(branch=branches[0])
    client = api(two_books.admin)
    body = client.get("/api/admin/dashboard", {"branch": "BJ"}).json()
    assert (body["kpis"]["customers"], body["kpis"]["managers"]) == (1, 1)
    assert client.get("/api/admin/dashboard").json()["kpis"]["customers"] == 2
    refused = client.get("/api/admin/dashboard", {"branch": "NOPE"})
    assert refused.status_code == 400 and "branch" in refused.json()["errors"]
