"""Sign-in, token refresh and rotation, verification, registration, sign-out."""
from datetime import timedelta
from unittest import mock

import pytest
from django.conf import settings
from django.test import override_settings
from django.utils import timezone
from rest_framework.test import APIClient
from rest_framework_simplejwt import tokens

from accounts.models import Role, User
from accounts.tests.factories import TEST_PASSWORD, UserFactory
from audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def login(username, password=TEST_PASSWORD, client=None):
    return (client or APIClient()).post("/api/auth/login", {"username": username, "password": password}, format="json")


def test_login_answers_tokens_user_and_the_older_front_ends_fields(two_books):
    response = login(two_books.manager.user.username)

    assert response.status_code == 200
    body = response.json()
    assert body["token"] == body["access"]
    assert body["refresh"] and body["msg"]
    user = two_books.manager.user
    assert body["user"] == {"id": user.pk, "username": user.username, "name": user.name, "role": "manager"}


def test_login_with_a_wrong_password_is_401_in_the_error_shape(two_books):
    response = login(two_books.customer.user.username, "wrong password")

    assert response.status_code == 401
    assert set(response.json()) == {"detail", "errors"}
    assert "access" not in response.json()


def test_login_of_an_inactive_user_is_refused(two_books):
    User.objects.filter(pk=two_books.customer.user.pk).update(is_active=False)

    assert login(two_books.customer.user.username).status_code == 401


@pytest.mark.parametrize("change", ["deactivate", "delete", "demote"])
def test_a_token_stops_opening_what_its_user_lost_at_once(change, two_books, api):
    """The user behind a token is read on every request (one prepared statement): a deactivated or deleted
    account is refused, and a demoted one gets its new role's rights, before the token expires."""
    user = two_books.manager.user
    client = api(user)
    assert client.get("/api/customers").status_code == 200

    if change == "deactivate":
        User.objects.filter(pk=user.pk).update(is_active=False)
    elif change == "delete":
        user.delete()
    else:
        User.objects.filter(pk=user.pk).update(role=Role.CUSTOMER)

    assert client.get("/api/customers").status_code == (403 if change == "demote" else 401)


def test_login_without_a_password_is_400_by_field():
    response = APIClient().post("/api/auth/login", {"username": "someone"}, format="json")

    assert response.status_code == 400
    assert "password" in response.json()["errors"]


def test_the_access_token_opens_the_api_and_verify_names_its_user(two_books):
    access = login(two_books.customer.user.username).json()["access"]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {access}")

    assert client.get(f"/api/customers/{two_books.customer.user.pk}/profile").status_code == 200
    by_header = client.post("/api/auth/verify", {}, format="json")
    by_body = APIClient().post("/api/auth/verify", {"token": access}, format="json")
    assert by_header.status_code == by_body.status_code == 200
    assert by_body.json()["username"] == two_books.customer.user.username


def test_verify_refuses_a_bad_token_and_no_token():
    assert APIClient().post("/api/auth/verify", {"token": "not.a.token"}, format="json").status_code == 401
    assert APIClient().post("/api/auth/verify", {}, format="json").status_code == 401


def test_an_expired_access_token_is_refused(two_books):
    access = login(two_books.customer.user.username).json()["access"]
    later = timezone.now() + settings.SIMPLE_JWT["ACCESS_TOKEN_LIFETIME"] + timedelta(seconds=1)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {access}")

    assert client.get(f"/api/customers/{two_books.customer.user.pk}/profile").status_code == 200
    with mock.patch.object(tokens, "aware_utcnow", return_value=later):
        response = client.get(f"/api/customers/{two_books.customer.user.pk}/profile")
        verify = APIClient().post("/api/auth/verify", {"token": access}, format="json")

    assert response.status_code == 401
    assert response.json()["detail"]
    assert verify.status_code == 401


def test_refresh_rotates_and_the_old_refresh_token_is_refused(two_books):
    first = login(two_books.customer.user.username).json()

    refreshed = APIClient().post("/api/auth/refresh", {"refresh": first["refresh"]}, format="json")
    assert refreshed.status_code == 200
    second = refreshed.json()
    assert second["access"] and second["refresh"] and second["refresh"] != first["refresh"]

    again = APIClient().post("/api/auth/refresh", {"refresh": first["refresh"]}, format="json")
    assert again.status_code == 401
    assert APIClient().post("/api/auth/refresh", {"refresh": second["refresh"]}, format="json").status_code == 200


def test_logout_blacklists_the_refresh_token(two_books):
    body = login(two_books.manager.user.username).json()

    out = APIClient().post("/api/auth/logout", {"refresh": body["refresh"]}, format="json")
    assert out.status_code == 204
    assert APIClient().post("/api/auth/refresh", {"refresh": body["refresh"]}, format="json").status_code == 401
    assert APIClient().post("/api/auth/logout", {"refresh": body["refresh"]}, format="json").status_code == 401


def test_register_creates_a_customer_who_is_signed_in():
    response = APIClient().post(
        "/api/auth/register",
        {"username": "new_customer", "password": "a long enough passphrase", "name": "新客户", "role": "customer"},
        format="json",
    )

    assert response.status_code == 201
    user = User.objects.get(username="new_customer")
    assert user.role == Role.CUSTOMER and not user.is_staff and not user.is_superuser
    assert response.json()["user"]["role"] == "customer"
    assert response.json()["token"] == response.json()["access"]
    event = AuditEvent.objects.get(action="user.registered")
    assert event.actor == user


@pytest.mark.parametrize(
    "escalation", [{"role": "admin"}, {"role": "manager"}, {"is_staff": True}, {"is_superuser": True}]
)
def test_register_refuses_any_other_role_or_privilege(escalation):
    response = APIClient().post(
        "/api/auth/register",
        {"username": "climber", "password": "a long enough passphrase", **escalation},
        format="json",
    )

    assert response.status_code == 400
    assert set(escalation) <= set(response.json()["errors"])
    assert not User.objects.filter(username="climber").exists()


def test_register_refuses_a_taken_username_and_a_weak_password_by_field():
    UserFactory(username="taken")

    taken = APIClient().post(
        "/api/auth/register", {"username": "taken", "password": "a long enough passphrase"}, format="json"
    )
    weak = APIClient().post("/api/auth/register", {"username": "fresh", "password": "123"}, format="json")

    assert taken.status_code == 400 and "username" in taken.json()["errors"]
    assert weak.status_code == 400 and "password" in weak.json()["errors"]
    assert not User.objects.filter(username="fresh").exists()


@override_settings(API_AUTH_THROTTLE_RATE="3/minute")
def test_sign_in_attempts_beyond_the_rate_get_429_with_retry_after(two_books):
    statuses = [login(two_books.customer.user.username, "wrong").status_code for _ in range(4)]

    assert statuses == [401, 401, 401, 429]
    response = login(two_books.customer.user.username)
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert set(response.json()) == {"detail", "errors"}


def test_login_updates_last_login_through_the_sign_in_signal(two_books):
    user = two_books.customer.user
    assert user.last_login is None

    login(user.username)

    user.refresh_from_db()
    assert user.last_login is not None


def test_messages_follow_the_clients_language(two_books):
    client = APIClient(HTTP_ACCEPT_LANGUAGE="zh-hans")

    ok = login(two_books.customer.user.username, client=client)
    refused = client.get("/api/customers")

    assert ok.json()["msg"] == "登录成功"
    assert refused.status_code == 401 and any("\u4e00" <= ch <= "\u9fff" for ch in refused.json()["detail"])
