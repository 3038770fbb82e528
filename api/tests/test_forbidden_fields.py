"""Fields a caller may not set through the API, and ids they may not reach (accounts/access.py is the reference).

test_auth.py covers a registration asking for a role or staff/superuser flags, test_customers.py and
test_managers.py a portrait or profile touching its own protected fields. Here: a registration naming a
manager, a class or a capacity; a customer or manager reaching for a capacity or a class that is not
theirs; and callers trying every id.
"""
import pytest

from accounts.models import User
from customers.models import CustomerProfile
from managers.models import ManagerProfile

pytestmark = pytest.mark.django_db

PASSPHRASE = "a long enough passphrase"  # noqa: S105 - test data


def customer_path(user_id) -> str:
    return f"/api/customers/{user_id}/profile"


def manager_path(user_id) -> str:
    return f"/api/managers/{user_id}/profile"


@pytest.mark.parametrize("field, value", [
    ("manager", "manager"), ("manager_id", "manager"), ("customer_class", "A"), ("segment", 2),
    ("manager_locked", True), ("capacity", 500), ("groups", [1]), ("user_permissions", [1]),
])
def test_a_registration_cannot_choose_a_manager_class_capacity_or_permissions(field, value, two_books, api):
    if value == "manager":
        value = two_books.manager.user_id

    response = api().post("/api/auth/register", {"username": "chooser", "password": PASSPHRASE, field: value},
                          format="json")

    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert not User.objects.filter(username="chooser").exists()


def test_a_customer_cannot_reach_their_managers_capacity_through_their_portrait(two_books, api):
    capacities = dict(ManagerProfile.objects.values_list("pk", "capacity"))

    response = api(two_books.customer.user).patch(
        customer_path(two_books.customer.user_id), {"occupation": "教师", "capacity": 999}, format="json"
    )

    assert response.status_code == 200 and "capacity" not in response.json()  # not a portrait's field
    assert dict(ManagerProfile.objects.values_list("pk", "capacity")) == capacities


def test_a_customer_cannot_change_a_managers_profile(two_books, api):
    client = api(two_books.customer.user)

    for manager in (two_books.manager, two_books.other_manager):  # their own manager, and another
        response = client.patch(manager_path(manager.user_id), {"capacity": 999, "accepting_customers": False},
                                format="json")
        assert response.status_code == 404
    assert not ManagerProfile.objects.filter(capacity=999).exists()
    assert not ManagerProfile.objects.filter(accepting_customers=False).exists()


def test_a_manager_cannot_set_another_managers_capacity_even_confirming(two_books, api):
    response = api(two_books.manager.user).patch(
        manager_path(two_books.other_manager.user_id), {"capacity": 999, "confirm_overflow": True}, format="json"
    )

    assert response.status_code == 404
    assert ManagerProfile.objects.get(pk=two_books.other_manager.pk).capacity == 5


def test_a_manager_cannot_raise_their_own_capacity_even_confirming(two_books, api):
    response = api(two_books.manager.user).put(
        manager_path(two_books.manager.user_id),
        {"capabilities": [], "hobbies": [], "capacity": 999, "confirm_overflow": True},
        format="json",
    )

    assert response.status_code == 403 and "capacity" in response.json()["errors"]
    manager = ManagerProfile.objects.get(pk=two_books.manager.pk)
    assert manager.capacity == 5 and manager.capabilities.exists()  # nothing of the request was written


@pytest.mark.parametrize("body", [
    {"customer_class": "A"}, {"manager_locked": True}, {"segment": 1}, {"manager_id": "other"}, {"age": 50},
])
def test_a_manager_cannot_set_the_class_manager_or_portrait_of_their_own_customer(body, two_books, api):
    body = {key: two_books.other_manager.user_id if value == "other" else value for key, value in body.items()}
    fields = ("age", "customer_class", "segment", "manager_id", "manager_locked")
    before = CustomerProfile.objects.values(*fields).get(pk=two_books.customer.pk)

    response = api(two_books.manager.user).patch(customer_path(two_books.customer.user_id), body, format="json")

    assert response.status_code == 403
    assert CustomerProfile.objects.values(*fields).get(pk=two_books.customer.pk) == before


class TestGuessedIds:
    """Every user id there is, and a few there are not: each caller reaches exactly what access.py allows."""

    @staticmethod
    def ids():
        known = set(User.objects.values_list("pk", flat=True))
        return sorted(known | {0, max(known) + 1, 2**31 - 1, 2**31})

    @pytest.mark.parametrize("role", ["customer", "manager", "other_manager"])
    def test_reading_portraits(self, role, two_books, api):
        user = two_books.user(role)
        client = api(user)

        readable = {pk for pk in self.ids() if client.get(customer_path(pk)).status_code == 200}

        visible = {
            "customer": {two_books.customer.user_id},
            "manager": {two_books.customer.user_id},
            "other_manager": {two_books.other_customer.user_id},
        }[role]
        assert readable == visible

    @pytest.mark.parametrize("role", ["customer", "manager", "other_manager"])
    def test_changing_portraits(self, role, two_books, api):
        client = api(two_books.user(role))
        before = list(CustomerProfile.objects.order_by("pk").values_list("pk", "occupation"))

        statuses = {pk: client.patch(customer_path(pk), {"occupation": "猜"}, format="json").status_code
                    for pk in self.ids()}

        changed = {pk for pk, status in statuses.items() if status == 200}
        assert changed == ({two_books.customer.user_id} if role == "customer" else set())
        assert set(statuses.values()) <= {200, 403, 404}
        after = dict(CustomerProfile.objects.values_list("pk", "occupation"))
        assert [(pk, after[pk]) for pk, _ in before if pk != two_books.customer.pk] == [
            row for row in before if row[0] != two_books.customer.pk
        ]

    @pytest.mark.parametrize("role", ["customer", "manager"])
    def test_reading_and_changing_manager_profiles(self, role, two_books, api):
        client = api(two_books.user(role))

        readable = {pk for pk in self.ids() if client.get(manager_path(pk)).status_code == 200}
        changed = {pk for pk in self.ids()
                   if client.patch(manager_path(pk), {"accepting_customers": False}, format="json").status_code
                   == 200}

        own = {two_books.manager.user_id} if role == "manager" else set()
        assert readable == own and changed == own
        assert not ManagerProfile.objects.filter(pk=two_books.other_manager.pk, accepting_customers=False).exists()
