"""Sign-in lockout on the API (django-axes, username + client address), as on the pages and the admin.

Five failed `POST /api/auth/login` for one username from one address lock that pair out: 429 in the
API's error shape, even with the right password; another address is not locked; the lockout is
audited; an administrator's unlock lets the user in again.
"""
import io

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.tests.factories import TEST_PASSWORD
from audit.models import AuditEvent

pytestmark = pytest.mark.django_db

LOGIN = reverse("api:login")
HOME = "10.1.1.1"
ELSEWHERE = "198.51.100.7"


def login(username, password=TEST_PASSWORD, *, ip=HOME, **headers):
    return APIClient().post(LOGIN, {"username": username, "password": password}, format="json",
                            REMOTE_ADDR=ip, **headers)


def fail(username, times=5, *, ip=HOME, **headers):
    return [login(username, "wrong password", ip=ip, **headers).status_code for _ in range(times)]


@pytest.fixture
def username(two_books):
    return two_books.manager.user.username


def test_four_failures_still_let_the_right_password_in(username):
    assert fail(username, 4) == [401] * 4

    assert login(username).status_code == 200


def test_the_fifth_failure_locks_the_pair_out_even_with_the_right_password(username):
    statuses = fail(username, 5)

    response = login(username)

    assert statuses[:4] == [401] * 4 and statuses[4] == 429
    assert response.status_code == 429
    body = response.json()
    assert set(body) >= {"detail", "errors"}  # the API's error shape, like every other refusal
    assert "Too many failed sign-ins" in body["detail"]
    assert int(response["Retry-After"]) == 15 * 60
    assert "access" not in body and "token" not in body


def test_the_lockout_message_follows_the_clients_language(username):
    fail(username, 5)

    response = login(username, HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert response.status_code == 429
    assert any("\u4e00" <= ch <= "\u9fff" for ch in response.json()["detail"])


def test_the_same_username_from_another_address_is_not_locked(username):
    fail(username, 5)

    assert login(username, ip=ELSEWHERE).status_code == 200
    assert login(username).status_code == 429


def test_a_forged_forwarded_for_header_does_not_escape_the_lockout(username):
    """No trusted proxy is configured: the address is REMOTE_ADDR whatever the client claims."""
    for n in range(5):
        login(username, "wrong password", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}")

    assert login(username, HTTP_X_FORWARDED_FOR="203.0.113.99").status_code == 429


def test_failures_under_another_username_do_not_lock_this_one(username, two_books):
    fail(two_books.customer.user.username, 5)

    assert login(username).status_code == 200


def test_the_lockout_is_audited_with_the_username_and_address(username):
    fail(username, 5)
    login(username)

    event = AuditEvent.objects.get(action="auth.locked_out")
    assert (event.data["username"], event.ip_address) == (username, HOME)
    assert AuditEvent.objects.filter(action="auth.sign_in_failed", ip_address=HOME).count() >= 4
    assert not AuditEvent.objects.filter(action="auth.signed_in").exists()


def test_an_administrator_unlocks_in_the_admin_and_the_api_lets_the_user_in(username, superuser_client):
    fail(username, 5)
    attempt = AccessAttempt.objects.get(username=username)

    response = superuser_client.post(reverse("admin:axes_accessattempt_delete", args=[attempt.pk]), {"post": "yes"})

    assert response.status_code == 302
    assert login(username).status_code == 200


def test_an_administrator_unlocks_with_the_command(username):
    fail(username, 5)

    call_command("axes_reset_username", username, stdout=io.StringIO())

    assert login(username).status_code == 200


def test_a_successful_sign_in_resets_the_count(username):
    fail(username, 4)
    assert login(username).status_code == 200

    assert fail(username, 4) == [401] * 4
    assert login(username).status_code == 200
