"""Customers through the API: the filtered, keyset-paginated list and one portrait."""
import base64
import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from rest_framework.renderers import JSONRenderer
from rest_framework.test import APIClient

from accounts.tests.factories import UserFactory
from api.v1.customers import CustomerSerializer
from audit.models import AuditEvent
from customers.models import CustomerProfile
from customers.tests.factories import CustomerFactory
from managers.tests.factories import ManagerFactory
from vocabularies.tests.factories import ServiceFactory

pytestmark = pytest.mark.django_db


def ids(response) -> list[int]:
    return ids_of(response.json())


def ids_of(body: dict) -> list[int]:
    return [row["id"] for row in body["results"]]


class TestList:
    def test_rows_carry_the_portrait_with_the_older_front_ends_field_names(self, two_books, api):
        response = api(two_books.admin).get("/api/customers")

        assert response.status_code == 200
        body = response.json()
        assert body["count"] == 2 and body["next"] is None and body["previous"] is None
        row = next(r for r in body["results"] if r["id"] == two_books.customer.user_id)
        customer = two_books.customer
        assert row["username"] == customer.user.username
        assert row["age"] == customer.age
        assert Decimal(str(row["total_assets"])) == customer.total_assets
        assert row["needs"] == [t.name for t in customer.needs.all()]
        assert row["hobbies"] == [t.name for t in customer.hobbies.all()]
        assert row["manager_id"] == two_books.manager.user_id
        assert row["manager_name"] == two_books.manager.user.display_name
        assert {"customer_class", "segment", "manager_locked"} <= set(row)

    def test_keyset_pages_walk_every_customer_once(self, two_books, api):
        CustomerFactory.create_batch(5)
        client = api(two_books.admin)

        seen, url, counts = [], "/api/customers?page_size=3", []
        while url:
            body = client.get(url).json()
            counts.append(body["count"])
            seen += [row["id"] for row in body["results"]]
            url = body["next"]
        assert counts == [7, None, None]  # counted once, on the first page
        assert seen == sorted(CustomerProfile.objects.values_list("user_id", flat=True))

        back = client.get(client.get("/api/customers?page_size=3").json()["next"]).json()["previous"]
        assert ids(client.get(back)) == seen[:3]

    def test_a_tampered_cursor_is_404(self, two_books, api):
        assert api(two_books.admin).get("/api/customers?cursor=garbage").status_code == 404
        not_a_key = base64.b64encode(b"p=abc").decode()  # a well-formed cursor whose position is no user id
        assert api(two_books.admin).get(f"/api/customers?cursor={not_a_key}").status_code == 404

    @pytest.mark.parametrize("position", [
        "99999999999999999999", "-99999999999999999999", str(2**63), "", "1.5", "0x10",
    ])
    def test_a_cursor_whose_position_is_out_of_range_or_no_integer_is_404(self, position, two_books, api):
        """Beyond a 64-bit key SQLite cannot bind the value (it was an OverflowError, a 500)."""
        for reverse in ("0", "1"):
            cursor = base64.b64encode(f"r={reverse}&p={position}".encode()).decode()
            assert api(two_books.admin).get("/api/customers", {"cursor": cursor}).status_code == 404

    def test_the_largest_64_bit_position_is_a_page_like_any_other(self, two_books, api):
        cursor = base64.b64encode(f"r=1&p={2**63 - 1}".encode()).decode()

        response = api(two_books.admin).get("/api/customers", {"cursor": cursor})

        assert response.status_code == 200 and len(ids(response)) == 2

    def test_a_long_list_of_long_term_names_comes_back_whole(self, two_books, api):
        """Several KB of names (MySQL's GROUP_CONCAT used to cut them at 1024 bytes, without an error)."""
        long_terms = [ServiceFactory(name=f"{i:02d}" + "长" * 48, order=1000 + i) for i in range(60)]
        customer = CustomerFactory(needs=long_terms[::-1], manager=two_books.manager)
        assert sum(len(term.name.encode()) for term in long_terms) > 8000

        [row] = api(two_books.admin).get("/api/customers", {"need": long_terms[0].pk}).json()["results"]

        assert row["id"] == customer.user_id and row["needs"] == [term.name for term in long_terms]

    def test_staff_browse_the_list_with_its_filter_form(self, two_books):
        staff = APIClient()
        staff.force_login(two_books.admin)

        response = staff.get("/api/customers", {"customer_class": "none"}, HTTP_ACCEPT="text/html")

        assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
        assert 'name="customer_class"' in response.content.decode()

    def test_filters_combine(self, two_books, services, hobbies, api):
        now = timezone.now()
        # The two customers of `two_books`: out of the age and asset filters below, whatever the factory's sequence.
        CustomerProfile.objects.update(age=30, total_assets=Decimal("500000"))
        rich = CustomerFactory(age=60, total_assets=Decimal("5000000"), needs=services[:1], hobbies=hobbies[4:])
        young = CustomerFactory(age=25, total_assets=Decimal("1000"), needs=services[:1], manager_locked=True,
                                manager=two_books.other_manager, customer_class="B", segment=3)
        CustomerProfile.objects.filter(pk=rich.pk).update(created_at=now - timedelta(days=400))
        client = api(two_books.admin)

        assert ids(client.get("/api/customers", {"need": services[0].pk, "age_min": 50})) == [rich.user_id]
        assert ids(client.get("/api/customers", {"unassigned": "true"})) == [rich.user_id]
        assert ids(client.get("/api/customers", {"locked": "true"})) == [young.user_id]
        query = {"manager": two_books.other_manager.user_id, "customer_class": "B"}
        assert ids(client.get("/api/customers", query)) == [
            young.user_id
        ]
        assert ids(client.get("/api/customers", {"segment": 3})) == [young.user_id]
        assert ids(client.get("/api/customers", {"assets_min": "1000000"})) == [rich.user_id]
        assert ids(client.get("/api/customers", {"hobby": hobbies[4].pk, "assets_max": "10"})) == []
        assert ids(client.get("/api/customers", {"created_before": (now - timedelta(days=300)).date()})) == [
            rich.user_id
        ]
        assert rich.user_id not in ids(
            client.get("/api/customers", {"created_after": (now - timedelta(days=1)).date()})
        )
        assert ids(client.get("/api/customers", {"q": young.user.username})) == [young.user_id]

    def test_bad_filters_are_400_by_field(self, two_books, api):
        query = {"age_min": "old", "customer_class": "Z", "manager": 10**20}
        response = api(two_books.admin).get("/api/customers", query)

        assert response.status_code == 400
        assert {"age_min", "customer_class", "manager"} <= set(response.json()["errors"])

    def test_a_managers_filters_never_reach_beyond_their_book(self, two_books, api):
        response = api(two_books.manager.user).get("/api/customers", {"manager": two_books.other_manager.user_id})

        assert response.status_code == 200 and ids(response) == [] and response.json()["count"] == 0

    @pytest.mark.parametrize("extra", [0, 48])
    def test_queries_do_not_grow_with_the_rows(
        self, extra, two_books, services, hobbies, api, django_assert_max_num_queries,
    ):
        for _ in range(extra):
            CustomerFactory(needs=services[:3], hobbies=hobbies[:2], manager=two_books.manager)
        client = api(two_books.admin)

        # the user (JWT), the count, the rows with their users and managers, their needs, their hobbies
        with django_assert_max_num_queries(5):
            response = client.get("/api/customers")
        assert len(response.json()["results"]) == response.json()["count"] == 2 + extra

        with django_assert_max_num_queries(5):
            response = client.get("/api/customers?page_size=10")
        assert len(response.json()["results"]) == min(10, 2 + extra)
        assert response.json()["count"] == 2 + extra

        if extra:
            with django_assert_max_num_queries(4):  # no count on a page a cursor reaches
                response = client.get(response.json()["next"])
            assert len(response.json()["results"]) == 10 and response.json()["count"] is None

        with django_assert_max_num_queries(7):  # a need and a hobby filter each check their term
            response = client.get("/api/customers", {"need": services[0].pk, "hobby": hobbies[0].pk})
        assert response.status_code == 200

    def test_each_row_is_what_the_serializer_gives_for_that_customer(self, two_books, services, hobbies, api):
        """The list renders plain values through the serializer's fields: the same JSON as the portrait."""
        CustomerFactory(needs=[], hobbies=[], customer_class="", segment=None, manager=None)
        CustomerFactory(needs=services[::-1], hobbies=hobbies[1:4], customer_class="A", segment=0,
                        manager=two_books.other_manager, manager_locked=True, total_assets=Decimal("1234567.80"))
        two_books.other_manager.user.name = ""  # the manager's display name falls back to the username
        two_books.other_manager.user.save()

        rows = api(two_books.admin).get("/api/customers").json()["results"]

        profiles = CustomerProfile.objects.select_related("user", "manager__user").prefetch_related(
            "needs", "hobbies").order_by("user_id")
        expected = json.loads(JSONRenderer().render(CustomerSerializer(profiles, many=True).data))
        assert rows == expected and len(rows) == 4


class TestProfile:
    def test_a_customer_updates_their_portrait_and_it_is_audited_with_actor_and_ip(
        self, two_books, services, hobbies, api
    ):
        path = f"/api/customers/{two_books.customer.user_id}/profile"
        body = {
            "age": 41,
            "occupation": "医生",
            "total_assets": 250000.5,
            "needs": [services[4].name],
            "hobbies": [hobbies[0].name, hobbies[1].name],
        }

        response = api(two_books.customer.user).put(path, body, format="json", REMOTE_ADDR="10.1.2.3")

        assert response.status_code == 200, response.json()
        profile = CustomerProfile.objects.get(pk=two_books.customer.pk)
        assert (profile.age, profile.occupation, profile.total_assets) == (41, "医生", Decimal("250000.50"))
        assert [t.name for t in profile.needs.all()] == [services[4].name]
        assert response.json()["hobbies"] == [hobbies[0].name, hobbies[1].name]
        event = AuditEvent.objects.get(action="customer.portrait_updated")
        assert event.actor == two_books.customer.user
        assert event.ip_address == "10.1.2.3"
        assert event.changes["age"] == [two_books.customer.age, 41]

    def test_patch_changes_only_what_is_sent(self, two_books, api):
        before = list(two_books.customer.needs.values_list("name", flat=True))

        response = api(two_books.admin).patch(
            f"/api/customers/{two_books.customer.user_id}/profile",
            {"occupation": "律师"},
            format="json",
        )

        assert response.status_code == 200
        profile = CustomerProfile.objects.get(pk=two_books.customer.pk)
        assert profile.occupation == "律师" and profile.age == two_books.customer.age
        assert list(profile.needs.values_list("name", flat=True)) == before
        assert AuditEvent.objects.get(action="customer.portrait_updated").actor == two_books.admin

    def test_a_new_customer_reads_an_empty_portrait_and_creates_it_with_put(self, services, api):
        user = UserFactory(username="fresh_customer")
        client = api(user)

        empty = client.get(f"/api/customers/{user.pk}/profile")
        assert empty.status_code == 200
        assert empty.json()["age"] is None and empty.json()["needs"] == []
        assert client.patch(f"/api/customers/{user.pk}/profile", {"occupation": "x"}, format="json").status_code == 400

        created = client.put(
            f"/api/customers/{user.pk}/profile", {"age": 30, "needs": [services[0].name]}, format="json"
        )
        assert created.status_code == 200
        assert CustomerProfile.objects.get(user=user).age == 30
        assert AuditEvent.objects.get(action="customer.portrait_created").actor == user

    @pytest.mark.parametrize(
        "field, value",
        [
            ("manager_id", "other"),
            ("manager", "other"),
            ("customer_class", "A"),
            ("manager_locked", True),
            ("segment", 7),
            ("role", "admin"),
            ("is_staff", True),
            ("is_superuser", True),
            ("username", "someone_else"),
        ],
    )
    def test_a_customer_cannot_set_their_manager_class_or_privileges(self, field, value, two_books, api):
        if value == "other":
            value = two_books.other_manager.user_id
        path = f"/api/customers/{two_books.customer.user_id}/profile"

        response = api(two_books.customer.user).patch(path, {"occupation": "黑客", field: value}, format="json")

        assert response.status_code == 400
        assert field in response.json()["errors"]
        profile = CustomerProfile.objects.select_related("user").get(pk=two_books.customer.pk)
        assert profile.manager_id == two_books.manager.pk and profile.occupation != "黑客"
        assert profile.user.role == "customer" and not profile.user.is_staff and not profile.user.is_superuser

    def test_read_only_fields_sent_back_unchanged_are_accepted(self, two_books, api):
        path = f"/api/customers/{two_books.customer.user_id}/profile"
        client = api(two_books.customer.user)
        body = client.get(path).json()

        response = client.put(path, {**body, "occupation": "教师"}, format="json")

        assert response.status_code == 200, response.json()

    @pytest.mark.parametrize(
        "body, field",
        [
            ({"age": 17}, "age"),
            ({"age": 121}, "age"),
            ({"age": "many"}, "age"),
            ({"total_assets": -1}, "total_assets"),
            ({"total_assets": 10**16}, "total_assets"),
            ({"needs": ["不存在的服务"]}, "needs"),
            ({"occupation": "x" * 101}, "occupation"),
        ],
    )
    def test_out_of_range_and_unknown_values_are_400_and_nothing_is_stored(self, body, field, two_books, api):
        response = api(two_books.customer.user).patch(
            f"/api/customers/{two_books.customer.user_id}/profile", body, format="json"
        )

        assert response.status_code == 400
        assert any(key.startswith(field) for key in response.json()["errors"])
        assert not AuditEvent.objects.filter(action="customer.portrait_updated").exists()

    def test_an_inactive_term_cannot_be_chosen_anew(self, two_books, services, api):
        services[4].is_active = False
        services[4].save()

        response = api(two_books.customer.user).patch(
            f"/api/customers/{two_books.customer.user_id}/profile",
            {"needs": [services[4].name]},
            format="json",
        )

        assert response.status_code == 400 and "needs" in response.json()["errors"]

    def test_a_managers_read_shows_their_customer(self, two_books, api):
        response = api(two_books.manager.user).get(f"/api/customers/{two_books.customer.user_id}/profile")

        assert response.status_code == 200 and response.json()["username"] == two_books.customer.user.username

    def test_a_manager_of_another_bank_branch_cannot_read(self, two_books, api):
        stranger = ManagerFactory()

        assert api(stranger.user).get(f"/api/customers/{two_books.customer.user_id}/profile").status_code == 404
