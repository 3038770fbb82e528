"""GET /api/notifications (one's own, newest first, pages, the unread count) and
POST /api/notifications/{id}/read (one's own only: anyone else's is a 404)."""
from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from notifications.models import Notification
from notifications.tests.factories import NotificationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def customer_with_manager(manager, customer):
    customer.manager = manager
    customer.save()
    return customer


def _api(user) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


def test_the_list_is_ones_own_newest_first_with_the_unread_count(customer_with_manager, manager):
    customer = customer_with_manager
    older = NotificationFactory(customer=customer, created_at=timezone.now() - timedelta(hours=1),
                                read_at=timezone.now())
    newer = NotificationFactory(customer=customer)
    NotificationFactory(customer=customer, recipient=manager.user, audience="new_manager")

    body = _api(customer.user).get("/api/notifications").json()

    assert body["unread"] == 1 and body["count"] == 2
    assert [item["id"] for item in body["results"]] == [newer.pk, older.pk]
    first = body["results"][0]
    assert first["customer_id"] == customer.user_id and first["new_manager_id"] == manager.user_id
    assert first["audience"] == "customer" and first["kind"] == "automatic_run" and first["read"] is False


def test_a_managers_summary_has_no_customer_and_their_count(manager):
    NotificationFactory(customer=None, customers=250, recipient=manager.user, audience="new_manager",
                        new_manager=manager)

    [item] = _api(manager.user).get("/api/notifications").json()["results"]

    assert item["customer_id"] is None and item["customer_name"] is None and item["customers"] == 250
    assert item["audience"] == "new_manager" and item["new_manager_id"] == manager.user_id


def test_marking_read_ones_own_and_not_anothers(customer_with_manager, manager):
    mine = NotificationFactory(customer=customer_with_manager)
    theirs = NotificationFactory(customer=customer_with_manager, recipient=manager.user, audience="new_manager")
    api = _api(customer_with_manager.user)

    answer = api.post(f"/api/notifications/{mine.pk}/read")
    refused = api.post(f"/api/notifications/{theirs.pk}/read")

    assert answer.status_code == 200 and answer.json()["read"] is True
    assert refused.status_code == 404 and set(refused.json()) == {"detail", "errors"}
    assert list(Notification.objects.filter(read_at__isnull=True)) == [theirs]
    assert api.get("/api/notifications").json()["unread"] == 0


def test_the_list_costs_the_same_queries_whatever_its_length(
    customer_with_manager, django_assert_max_num_queries,
):
    NotificationFactory.create_batch(30, customer=customer_with_manager)
    api = _api(customer_with_manager.user)

    with django_assert_max_num_queries(3):  # unread, count, page
        body = api.get("/api/notifications").json()

    assert body["count"] == 30 and len(body["results"]) == 20


def test_the_schema_documents_both_endpoints():
    schema = APIClient().get("/api/schema/", HTTP_ACCEPT="application/json").json()

    page = schema["paths"]["/api/notifications"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    component = schema["components"]["schemas"][page["$ref"].rsplit("/", 1)[1]]
    assert {"unread", "count", "results"} <= set(component["required"])
    assert "404" in schema["paths"]["/api/notifications/{id}/read"]["post"]["responses"]


def test_ones_own_e_mail_settings_read_and_changed(customer_with_manager):
    api = _api(customer_with_manager.user)
    assert api.get("/api/notifications/settings").json() == {"email_enabled": True, "language": ""}

    changed = api.patch("/api/notifications/settings", {"email_enabled": False}, format="json")
    refused = api.patch("/api/notifications/settings", {"language": "fr"}, format="json")

    assert changed.json() == {"email_enabled": False, "language": ""}
    assert refused.status_code == 400 and "language" in refused.json()["errors"]
    wishes = customer_with_manager.user.notification_settings
    assert wishes.email_enabled is False
