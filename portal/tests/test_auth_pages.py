"""Registration, sign-in and password pages."""
import pytest
from django.urls import reverse

from accounts.models import Role, User
from accounts.tests.factories import TEST_PASSWORD
from audit.models import AuditEvent

pytestmark = pytest.mark.django_db

REGISTER = reverse("portal:register")
GOOD = {"username": "newcomer", "name": "新客户", "email": "new@example.com",
        "password": "a-long-Passphrase-42", "password_again": "a-long-Passphrase-42"}


def test_registration_creates_a_customer_signs_them_in_and_asks_for_the_portrait(client):
    response = client.post(REGISTER, GOOD, follow=True)

    user = User.objects.get(username="newcomer")
    assert (user.role, user.is_staff, user.is_superuser, user.name) == (Role.CUSTOMER, False, False, "新客户")
    assert response.redirect_chain == [(reverse("portal:me"), 302)]
    assert response.context["user"] == user
    assert response.context["customer"] is None  # no portrait yet: the form comes first
    assert "Fill in your portrait first" in response.content.decode()
    assert AuditEvent.objects.filter(action="user.registered", actor=user).exists()


@pytest.mark.parametrize("smuggled", [
    {"role": Role.ADMIN}, {"role": Role.MANAGER}, {"is_staff": "on"}, {"is_superuser": "on"},
    {"manager": "1"}, {"customer_class": "A"},
])
def test_registration_cannot_escalate_whatever_is_posted(client, manager, smuggled):
    client.post(REGISTER, {**GOOD, **smuggled})

    user = User.objects.get(username="newcomer")
    assert (user.role, user.is_staff, user.is_superuser) == (Role.CUSTOMER, False, False)
    assert not hasattr(user, "manager_profile")
    assert not User.objects.filter(username="newcomer", customer_profile__isnull=False).exists()


def test_registration_shows_the_services_errors_beside_the_fields(client, customer):
    response = client.post(REGISTER, {**GOOD, "username": customer.user.username, "password": "123",
                                      "password_again": "123"})

    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["username"]
    assert form.errors["password"]  # too short, too common, entirely numeric
    assert User.objects.filter(role=Role.CUSTOMER).count() == 1


def test_registration_refuses_two_different_passwords(client):
    response = client.post(REGISTER, {**GOOD, "password_again": "something-else-42"})

    assert "password_again" in response.context["form"].errors
    assert not User.objects.filter(username="newcomer").exists()


def test_wrong_password_shows_an_error_and_no_session(client, customer):
    response = client.post(reverse("portal:login"), {"username": customer.user.username, "password": "wrong"})

    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert "_auth_user_id" not in client.session


def test_password_change_works_with_a_message_and_is_audited(client, customer):
    client.force_login(customer.user)

    response = client.post(reverse("portal:password_change"), {
        "old_password": TEST_PASSWORD, "new_password1": "another-Long-pass-77", "new_password2": "another-Long-pass-77",
    }, follow=True)

    customer.user.refresh_from_db()
    assert customer.user.check_password("another-Long-pass-77")
    assert "Your password has been changed." in [str(m) for m in response.context["messages"]]
    assert AuditEvent.objects.filter(action="user.password_changed", actor=customer.user).exists()
    assert client.get(reverse("portal:me")).status_code == 200  # still signed in
