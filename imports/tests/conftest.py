"""Fixtures the import tests share."""
import pytest
from django.utils import translation

from customers.signals import portraits_changed
from vocabularies.models import Hobby, Service


@pytest.fixture
def english_and_quiet_signal(monkeypatch):
    """English messages to assert on; no other app's receivers, so tests see only the import's work."""
    monkeypatch.setattr(portraits_changed, "receivers", [])
    with translation.override("en"):
        yield


@pytest.fixture
def vocab():
    """Services and hobbies by name, in this order; "Trust" and "Hunting" are inactive.

    The managers import tests define a vocabulary of their own.
    """
    services = {
        name: Service.objects.create(name=name, order=i)
        for i, name in enumerate(["Funds", "Insurance", "Loans", "Trust"])
    }
    hobbies = {
        name: Hobby.objects.create(name=name, order=i) for i, name in enumerate(["Golf", "Reading", "Tea", "Hunting"])
    }
    Service.objects.filter(name="Trust").update(is_active=False)
    Hobby.objects.filter(name="Hunting").update(is_active=False)
    return {**services, **hobbies}
