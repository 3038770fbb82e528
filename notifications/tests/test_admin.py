"""The Django admin shows notifications and settings to staff, read-only."""
import pytest
from django.urls import reverse

from notifications.tests.factories import NotificationFactory

pytestmark = pytest.mark.django_db


def test_notifications_are_listed_read_only(superuser_client, customer, manager):
    customer.manager = manager
    customer.save()
    notification = NotificationFactory(customer=customer)

    listing = superuser_client.get(reverse("admin:notifications_notification_changelist"))
    detail = superuser_client.get(reverse("admin:notifications_notification_change", args=[notification.pk]))

    assert listing.status_code == 200 and customer.user.username in listing.content.decode()
    assert detail.status_code == 200 and not detail.context["has_change_permission"]
    assert superuser_client.get(reverse("admin:notifications_notification_add")).status_code == 403
    assert superuser_client.get(reverse("admin:notifications_notificationsettings_changelist")).status_code == 200
