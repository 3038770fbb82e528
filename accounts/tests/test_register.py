"""Self-registration makes a customer and nothing more."""
import pytest
from django.core.exceptions import ValidationError

from accounts.models import Role
from accounts.services import user_register_customer
from audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_registration_creates_a_customer_who_can_sign_in(client):
    user = user_register_customer(username="lihua", password="a-long-passphrase-42", name="李华")

    assert (user.role, user.is_staff, user.is_superuser) == (Role.CUSTOMER, False, False)
    assert client.login(username="lihua", password="a-long-passphrase-42")
    assert AuditEvent.objects.get(action="user.registered").actor == user


def test_a_weak_password_or_taken_username_is_refused_by_field(django_user_model):
    django_user_model.objects.create_user("taken", password="x")

    with pytest.raises(ValidationError) as refused:
        user_register_customer(username="taken", password="123", name="")

    assert set(refused.value.message_dict) == {"username", "password"}
    assert django_user_model.objects.count() == 1
