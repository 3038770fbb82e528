"""The manager admin tells staff what a change means for the book."""
import pytest
from django.urls import reverse

from customers.tests.factories import CustomerFactory
from managers.tests.factories import ManagerFactory

pytestmark = pytest.mark.django_db


def test_lowering_capacity_below_the_book_warns(admin_client):
    manager = ManagerFactory(capacity=5)
    CustomerFactory.create_batch(3, manager=manager)
    url = reverse("admin:managers_managerprofile_change", args=[manager.pk])
    response = admin_client.post(url, {"capacity": "2", "accepting_customers": "on"}, follow=True)
    assert "serves 3 customers, more than the new capacity of 2" in response.content.decode()
    manager.refresh_from_db()
    assert manager.capacity == 2


def test_no_warning_within_capacity(admin_client):
    manager = ManagerFactory(capacity=5)
    CustomerFactory.create_batch(2, manager=manager)
    url = reverse("admin:managers_managerprofile_change", args=[manager.pk])
    response = admin_client.post(url, {"capacity": "2", "accepting_customers": "on"}, follow=True)
    assert "more than the new capacity" not in response.content.decode()

