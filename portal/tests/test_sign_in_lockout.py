"""Sign-in lockout on the portal's sign-in page, as on the admin (accounts/tests/test_sign_in.py) and the API.

Five failures for one username from one address: that pair gets the 429 page, even with the right
password, and no session; another address signs in; an administrator's unlock lets the user in again.
"""
import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse

from accounts.tests.factories import TEST_PASSWORD
from audit.models import AuditEvent

pytestmark = pytest.mark.django_db

LOGIN = reverse("portal:login")
HOME = "10.2.2.2"


def sign_in(client, username, password=TEST_PASSWORD, *, ip=HOME):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


def fail(client, username, times=5, *, ip=HOME):
    return [sign_in(client, username, "wrong password", ip=ip).status_code for _ in range(times)]


def test_four_failures_show_the_form_again_and_the_right_password_still_works(client, own_customer):
    username = own_customer.user.username

    assert fail(client, username, 4) == [200] * 4
    assert sign_in(client, username).status_code == 302


def test_the_fifth_failure_locks_the_pair_out_even_with_the_right_password(client, own_customer):
    username = own_customer.user.username
    statuses = fail(client, username)

    response = sign_in(client, username)

    assert statuses[-1] == 429 and response.status_code == 429
    assert "Too many failed sign-ins" in response.content.decode()
    assert int(response["Retry-After"]) > 0
    assert "_auth_user_id" not in client.session


def test_another_address_is_not_locked(client, own_customer):
    username = own_customer.user.username
    fail(client, username)

    assert sign_in(client, username, ip="198.51.100.20").status_code == 302


def test_the_lockout_is_audited_and_an_administrator_unlocks_it(own_customer, superuser_client):
    client = Client()  # not superuser_client's, which is signed in
    username = own_customer.user.username
    fail(client, username)
    event = AuditEvent.objects.get(action="auth.locked_out")
    assert (event.data["username"], event.ip_address) == (username, HOME)

    attempt = AccessAttempt.objects.get(username=username)
    superuser_client.post(reverse("admin:axes_accessattempt_delete", args=[attempt.pk]), {"post": "yes"})

    assert sign_in(client, username).status_code == 302
