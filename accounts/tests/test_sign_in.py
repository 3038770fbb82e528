"""Sign-in protection and its audit trail.

Five failed sign-ins for one username from one address within 15 minutes lock that pair out for 15
minutes (django-axes, username + IP), on the admin and wherever Django's `authenticate` is given the
request; the lockout answers 429 with a clear message, is audited, and an administrator can lift it.
"""
import io
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.hashers import PBKDF2PasswordHasher, identify_hasher
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import RequestFactory, override_settings
from django.urls import reverse

from accounts.models import Role, User
from audit.models import AuditEvent

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-passphrase-42"  # noqa: S105 - test data
ADMIN_LOGIN = reverse("admin:login")


@pytest.fixture
def alice(django_user_model):
    return django_user_model.objects.create_user("alice", password=PASSWORD, role=Role.ADMIN, is_staff=True)


def admin_sign_in(client, password: str, ip: str = "10.0.0.1", username: str = "alice"):
    return client.post(ADMIN_LOGIN, {"username": username, "password": password, "next": "/admin/"},
                       REMOTE_ADDR=ip)


def fail(client, times: int, ip: str = "10.0.0.1", username: str = "alice") -> None:
    for _ in range(times):
        admin_sign_in(client, "wrong password", ip, username)


class TestLockout:
    def test_four_failures_still_let_the_right_password_in(self, client, alice):
        fail(client, 4)

        assert admin_sign_in(client, PASSWORD).status_code == 302

    def test_the_fifth_failure_locks_the_pair_out_even_with_the_right_password(self, client, alice):
        fail(client, 4)

        locked = admin_sign_in(client, "wrong password")
        again = admin_sign_in(client, PASSWORD)

        assert locked.status_code == 429 and again.status_code == 429
        assert "Too many failed sign-ins" in again.content.decode()
        assert "_auth_user_id" not in client.session

    def test_a_stranger_elsewhere_cannot_lock_the_real_user_out(self, client, alice):
        fail(client, 5, ip="203.0.113.9")

        assert admin_sign_in(client, PASSWORD, ip="10.0.0.1").status_code == 302

    def test_usernames_count_whatever_their_case(self, client, alice):
        fail(client, 3, username="alice")
        fail(client, 1, username="ALICE")

        assert admin_sign_in(client, "wrong", username="Alice").status_code == 429

    def test_the_lockout_ends_after_15_minutes(self, client, alice):
        fail(client, 5)
        from axes.models import AccessAttempt

        AccessAttempt.objects.update(attempt_time=AccessAttempt.objects.get().attempt_time - timedelta(minutes=16))

        assert admin_sign_in(client, PASSWORD).status_code == 302

    def test_the_lockout_is_audited_once_with_the_address(self, client, alice):
        fail(client, 5)
        admin_sign_in(client, PASSWORD)

        event = AuditEvent.objects.get(action="auth.locked_out")
        assert (event.data["username"], event.ip_address) == ("alice", "10.0.0.1")
        assert AuditEvent.objects.filter(action="auth.sign_in_failed").count() >= 5

    def test_plain_authenticate_with_the_request_is_protected_too(self, alice):
        request = RequestFactory().post("/api/auth/login", REMOTE_ADDR="10.0.0.7")
        for _ in range(5):
            assert authenticate(request=request, username="alice", password="wrong") is None

        assert authenticate(request=request, username="alice", password=PASSWORD) is None
        assert getattr(request, "axes_locked_out", False)

    def test_authenticate_without_a_request_is_not_locked(self, alice):
        """The command line and shells: nobody brute-forces through them."""
        assert authenticate(username="alice", password=PASSWORD) == alice

    def test_an_administrator_unlocks_with_the_command(self, client, alice):
        fail(client, 5)

        call_command("axes_reset_username", "alice", stdout=io.StringIO())

        assert admin_sign_in(client, PASSWORD).status_code == 302

    def test_an_administrator_unlocks_in_the_admin(self, client, alice, superuser_client):
        from axes.models import AccessAttempt

        fail(client, 5)
        attempt = AccessAttempt.objects.get()
        response = superuser_client.post(reverse("admin:axes_accessattempt_delete", args=[attempt.pk]), {"post": "yes"})

        assert response.status_code == 302
        assert admin_sign_in(client, PASSWORD).status_code == 302


class TestSignInAudit:
    def test_sign_in_and_sign_out_are_recorded_with_the_address(self, client, alice):
        admin_sign_in(client, PASSWORD, ip="192.0.2.5")
        client.post(reverse("admin:logout"), {"next": "/admin/"}, REMOTE_ADDR="192.0.2.5")

        signed_in = AuditEvent.objects.get(action="auth.signed_in")
        signed_out = AuditEvent.objects.get(action="auth.signed_out")
        assert (signed_in.actor, signed_in.ip_address) == (alice, "192.0.2.5")
        assert (signed_out.actor, signed_out.ip_address) == (alice, "192.0.2.5")

    def test_a_failed_sign_in_records_the_username_tried_not_the_password(self, client, alice):
        admin_sign_in(client, "the wrong secret", ip="192.0.2.6")

        event = AuditEvent.objects.get(action="auth.sign_in_failed")
        assert (event.actor, event.data["username"], event.ip_address) == (None, "alice", "192.0.2.6")
        assert "the wrong secret" not in str(event.data)

    def test_a_password_change_is_recorded_once(self, client, alice):
        client.force_login(alice)

        response = client.post(reverse("admin:password_change"), {
            "old_password": PASSWORD,
            "new_password1": "another-long-passphrase", "new_password2": "another-long-passphrase",
        }, REMOTE_ADDR="192.0.2.7")

        assert response.status_code == 302
        event = AuditEvent.objects.get(action="user.password_changed")
        assert (event.actor, event.target_id, event.ip_address) == (alice, str(alice.pk), "192.0.2.7")

    def test_a_superuser_resetting_a_password_is_the_actor(self, superuser_client, superuser, alice):
        superuser_client.post(reverse("admin:auth_user_password_change", args=[alice.pk]),
                              {"password1": "reset-by-root-123", "password2": "reset-by-root-123"})

        event = AuditEvent.objects.get(action="user.password_changed")
        assert (event.actor, event.target_id) == (superuser, str(alice.pk))

    def test_a_hash_upgrade_at_sign_in_is_not_a_password_change(self, alice):
        alice.refresh_from_db()
        with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.Argon2PasswordHasher",
                                                 *settings.PASSWORD_HASHERS]):
            assert alice.check_password(PASSWORD)

        assert not AuditEvent.objects.filter(action="user.password_changed").exists()


class TestPasswordsAndSessions:
    def test_new_passwords_need_twelve_characters(self):
        with pytest.raises(ValidationError):
            validate_password("k7#pq9!mzx2")  # 11
        validate_password("k7#pq9!mzx2w")  # 12

    def test_production_hashes_with_argon2_first_and_upgrades_old_hashes_at_sign_in(self, alice):
        from portrait.settings import base

        assert base.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
        assert "django.contrib.auth.hashers.PBKDF2PasswordHasher" in base.PASSWORD_HASHERS
        with override_settings(PASSWORD_HASHERS=base.PASSWORD_HASHERS):
            alice.password = PBKDF2PasswordHasher().encode(PASSWORD, "saltsaltsalt", iterations=1000)
            alice.save(update_fields=["password"])
            request = RequestFactory().post("/", REMOTE_ADDR="10.0.0.9")

            assert authenticate(request=request, username="alice", password=PASSWORD) == alice

            assert identify_hasher(User.objects.get(pk=alice.pk).password).algorithm == "argon2"

    def test_sessions_expire(self):
        assert settings.SESSION_COOKIE_AGE == 8 * 3600
        assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
        assert settings.SESSION_COOKIE_HTTPONLY
