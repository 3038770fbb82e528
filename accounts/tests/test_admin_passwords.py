"""Passwords in the Django admin: only a superuser sets another account's password.

Staff holding `change_user` could set a manager's password and then sign in as that manager. Now the
password button sends them to a page that mails the owner a reset link (Django's reset flow, through the
email backend), and the accounts they create have no password until the owner sets one.
"""
import re

import pytest
from django.contrib.auth.models import Permission
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts.models import Role, User
from accounts.tests.factories import TEST_PASSWORD, UserFactory
from audit.models import AuditEvent

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a brand new passphrase 42"  # noqa: S105 - test data


@pytest.fixture
def clerk():
    """Staff, not a superuser, holding only the user permissions (view, change, add)."""
    user = UserFactory(username="clerk", role=Role.CUSTOMER, is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(codename__in=["view_user", "change_user", "add_user"]))
    return user


@pytest.fixture
def clerk_client(clerk):
    client = Client()
    client.force_login(clerk)
    return client


@pytest.fixture
def target(manager):
    return manager.user


def password_url(user) -> str:
    return reverse("admin:auth_user_password_change", args=[user.pk])


def set_password_form(password=NEW_PASSWORD) -> dict:
    return {"password1": password, "password2": password, "usable_password": "true", "set-password": "1"}


def test_staff_holding_change_user_cannot_set_a_managers_password(clerk_client, target):
    page = clerk_client.get(password_url(target))
    clerk_client.post(password_url(target), set_password_form())

    target.refresh_from_db()
    assert page.status_code == 200
    assert "password1" not in page.content.decode()
    assert target.check_password(TEST_PASSWORD)
    assert not target.check_password(NEW_PASSWORD)


def test_staff_send_the_owner_a_reset_link_instead(clerk_client, clerk, target):
    response = clerk_client.post(password_url(target))

    assert response.status_code == 302
    assert response["Location"] == reverse("admin:accounts_user_change", args=[target.pk])
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [target.email]
    assert re.search(r"http://testserver/accounts/password/reset/[^/\s]+/[^/\s]+/", message.body)
    event = AuditEvent.objects.get(action="user.password_reset_sent")
    assert (event.actor_id, event.target_id) == (clerk.pk, str(target.pk))


def test_the_owner_sets_a_new_password_through_the_link(clerk_client, target):
    clerk_client.post(password_url(target))
    link = re.search(r"http://testserver(/accounts/password/reset/\S+/)", mail.outbox[0].body).group(1)
    owner = Client()

    form_page = owner.get(link, follow=True)  # Django swaps the token for a session key and redirects
    done = owner.post(form_page.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    target.refresh_from_db()
    assert done.status_code == 302
    assert done["Location"] == reverse("portal:password_reset_complete")
    assert target.check_password(NEW_PASSWORD)
    assert owner.get(link, follow=True).context["validlink"] is False  # the link works once


def test_an_account_without_email_gets_no_link_and_a_message(clerk_client, target):
    User.objects.filter(pk=target.pk).update(email="")

    response = clerk_client.post(password_url(target), follow=True)

    assert mail.outbox == []
    assert "has no email address" in response.content.decode()


def test_a_superuser_still_sets_a_password(superuser_client, target):
    response = superuser_client.post(password_url(target), set_password_form())

    target.refresh_from_db()
    assert response.status_code == 302
    assert target.check_password(NEW_PASSWORD)


def test_staff_change_their_own_password_on_the_admin_page(clerk_client, clerk):
    response = clerk_client.post(password_url(clerk), set_password_form())

    clerk.refresh_from_db()
    assert response.status_code == 302
    assert clerk.check_password(NEW_PASSWORD)


def test_staff_create_accounts_without_a_password(clerk_client):
    add = reverse("admin:accounts_user_add")
    page = clerk_client.get(add)

    clerk_client.post(add, {"username": "newbie", "name": "New", "email": "newbie@example.com",
                            "password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"})

    user = User.objects.get(username="newbie")
    assert "password1" not in page.content.decode()
    assert not user.has_usable_password()
    assert user.role == Role.CUSTOMER


def test_staff_without_change_user_neither_set_nor_send(target):
    viewer = UserFactory(username="viewer", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_user"))
    client = Client()
    client.force_login(viewer)

    response = client.post(password_url(target))

    assert response.status_code == 403
    assert mail.outbox == []
