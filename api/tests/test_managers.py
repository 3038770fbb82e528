"""Managers through the API: the admin's list and a manager's profile (capacity: admin only)."""
import pytest

from audit.models import AuditEvent
from customers.tests.factories import CustomerFactory
from managers.models import ManagerProfile
from managers.tests.factories import ManagerFactory

pytestmark = pytest.mark.django_db


def profile_path(manager) -> str:
    return f"/api/managers/{manager.user_id}/profile"


def test_the_admin_list_shows_load_capacity_and_terms(two_books, api):
    response = api(two_books.admin).get("/api/managers")

    assert response.status_code == 200
    rows = {row["id"]: row for row in response.json()["results"]}
    row = rows[two_books.manager.user_id]
    assert (row["load"], row["capacity"], row["accepting_customers"]) == (1, 5, True)
    assert row["capabilities"] == [t.name for t in two_books.manager.capabilities.all()]
    assert response.json()["count"] == 2


@pytest.mark.parametrize("extra", [0, 48])
def test_the_manager_list_queries_do_not_grow_with_the_rows(
    extra, two_books, services, api, django_assert_max_num_queries
):
    for _ in range(extra):
        CustomerFactory(manager=ManagerFactory(capabilities=services[:2]))
    client = api(two_books.admin)

    with django_assert_max_num_queries(5):  # user (JWT), count, page, capabilities, hobbies
        response = client.get("/api/managers")
    assert len(response.json()["results"]) == 2 + extra


def test_a_manager_edits_their_capabilities_hobbies_and_availability(two_books, services, hobbies, api):
    body = {"capabilities": [services[4].name], "hobbies": [hobbies[0].name], "accepting_customers": False}

    client = api(two_books.manager.user)
    response = client.put(profile_path(two_books.manager), body, format="json", REMOTE_ADDR="10.9.8.7")

    assert response.status_code == 200, response.json()
    manager = ManagerProfile.objects.get(pk=two_books.manager.pk)
    assert [t.name for t in manager.capabilities.all()] == [services[4].name]
    assert manager.accepting_customers is False
    events = {e.action: e for e in AuditEvent.objects.all()}
    assert events["manager.profile_updated"].actor == two_books.manager.user
    assert events["manager.availability_updated"].actor == two_books.manager.user
    assert events["manager.availability_updated"].ip_address == "10.9.8.7"


def test_a_manager_cannot_change_their_capacity(two_books, api):
    response = api(two_books.manager.user).patch(profile_path(two_books.manager), {"capacity": 500}, format="json")

    assert response.status_code == 403
    assert "capacity" in response.json()["errors"]
    assert ManagerProfile.objects.get(pk=two_books.manager.pk).capacity == 5


def test_a_manager_may_send_their_capacity_back_unchanged(two_books, api):
    response = api(two_books.manager.user).patch(
        profile_path(two_books.manager),
        {"capacity": 5, "accepting_customers": False},
        format="json",
    )

    assert response.status_code == 200


@pytest.mark.parametrize(
    "field, value",
    [("role", "admin"), ("is_staff", True), ("is_superuser", True), ("load", 0), ("username", "renamed")],
)
def test_a_manager_cannot_touch_privileges_or_computed_fields(field, value, two_books, api):
    response = api(two_books.manager.user).patch(profile_path(two_books.manager), {field: value}, format="json")

    assert response.status_code == 400 and field in response.json()["errors"]
    two_books.manager.user.refresh_from_db()
    assert two_books.manager.user.role == "manager" and not two_books.manager.user.is_staff


def test_the_admin_sets_capacity_and_it_is_audited(two_books, api):
    response = api(two_books.admin).patch(profile_path(two_books.manager), {"capacity": 80}, format="json")

    assert response.status_code == 200 and response.json()["capacity"] == 80
    event = AuditEvent.objects.get(action="manager.availability_updated")
    assert event.actor == two_books.admin and event.changes["capacity"] == [5, 80]


def test_capacity_below_the_book_is_409_unless_confirmed(two_books, api):
    CustomerFactory.create_batch(2, manager=two_books.manager)  # book of 3
    client = api(two_books.admin)

    refused = client.patch(profile_path(two_books.manager), {"capacity": 2}, format="json")
    assert refused.status_code == 409
    assert "3" in refused.json()["detail"]
    assert ManagerProfile.objects.get(pk=two_books.manager.pk).capacity == 5

    confirmed = client.patch(profile_path(two_books.manager), {"capacity": 2, "confirm_overflow": True}, format="json")
    assert confirmed.status_code == 200
    assert confirmed.json()["capacity"] == 2 and confirmed.json()["load"] == 3


def test_a_refused_capacity_leaves_the_rest_of_the_request_unwritten(two_books, services, api):
    CustomerFactory.create_batch(2, manager=two_books.manager)
    before = list(two_books.manager.capabilities.values_list("pk", flat=True))

    response = api(two_books.admin).put(
        profile_path(two_books.manager),
        {"capabilities": [services[4].name], "hobbies": [], "capacity": 1},
        format="json",
    )

    assert response.status_code == 409
    assert list(ManagerProfile.objects.get(pk=two_books.manager.pk).capabilities.values_list("pk", flat=True)) == before
    assert not AuditEvent.objects.filter(action="manager.profile_updated").exists()


@pytest.mark.parametrize(
    "body, field",
    [({"capacity": 0}, "capacity"), ({"capacity": "lots"}, "capacity"), ({"capabilities": ["不存在"]}, "capabilities")],
)
def test_bad_values_are_400(body, field, two_books, api):
    response = api(two_books.admin).patch(profile_path(two_books.manager), body, format="json")

    assert response.status_code == 400
    assert any(key.startswith(field) for key in response.json()["errors"])
