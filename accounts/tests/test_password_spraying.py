"""Password spraying: one password tried on many usernames from one address.

The per-username lockout (five failures for one username from one address) never fires on a spray, so
failures from one address are counted across usernames as well: `AXES_IP_FAILURE_LIMIT` of them lock the
address out, on the sign-in page, the admin's and the API, which count together. The lockout is
audited once, the lockout page (or the API's 429) is shown, other addresses are not touched.
"""
import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.tests.factories import TEST_PASSWORD, UserFactory
from audit.models import AuditEvent

pytestmark = pytest.mark.django_db

SPRAYER = "203.0.113.66"
ELSEWHERE = "198.51.100.9"
SPRAYED = "Spring2026!"  # the one password tried on every username  # noqa: S105 - test data
LIMIT = 30


@pytest.fixture(autouse=True)
def _limits(settings):
    settings.AXES_FAILURE_LIMIT = 5
    settings.AXES_IP_FAILURE_LIMIT = LIMIT
    settings.API_AUTH_THROTTLE_RATE = "1000/minute"  # the lockout, not the API's rate limit, must stop it


def page(username, password, ip):
    return Client().post(reverse("portal:login"), {"username": username, "password": password}, REMOTE_ADDR=ip)


def api(username, password, ip):
    return APIClient().post(reverse("api:login"), {"username": username, "password": password}, format="json",
                            REMOTE_ADDR=ip)


SURFACES = {"page": (page, 200), "api": (api, 401)}


@pytest.fixture
def victims():
    """Real accounts among the sprayed usernames; the last one's password is the one sprayed."""
    users = UserFactory.create_batch(5)
    users[-1].set_password(SPRAYED)
    users[-1].save()
    return users


def spray(surface, usernames, ip=SPRAYER):
    sign_in, _failed = SURFACES[surface]
    return [sign_in(username, SPRAYED, ip).status_code for username in usernames]


@pytest.mark.parametrize("surface", SURFACES)
def test_a_spray_of_60_usernames_from_one_address_is_stopped_at_the_address_limit(surface, victims):
    _sign_in, failed = SURFACES[surface]
    usernames = [f"guess{n:02d}" for n in range(55)] + [user.username for user in victims]

    statuses = spray(surface, usernames)

    assert statuses[: LIMIT - 1] == [failed] * (LIMIT - 1)
    assert statuses[LIMIT - 1 :] == [429] * (60 - LIMIT + 1)  # the last victim's right password is refused too


@pytest.mark.parametrize("surface", SURFACES)
def test_the_spray_lockout_shows_the_address_message(surface):
    spray(surface, [f"guess{n:02d}" for n in range(LIMIT)])
    sign_in, _failed = SURFACES[surface]

    response = sign_in("someone", SPRAYED, SPRAYER)

    assert response.status_code == 429
    text = response.json()["detail"] if surface == "api" else response.content.decode()
    assert "Too many failed sign-ins from your address" in text
    assert int(response["Retry-After"]) == 15 * 60
    if surface == "page":
        assert response["Content-Type"].startswith("text/html") and "<h1>" in text


@pytest.mark.parametrize("surface", SURFACES)
def test_the_spray_lockout_is_audited_once_with_the_address(surface):
    spray(surface, [f"guess{n:02d}" for n in range(60)])

    events = AuditEvent.objects.filter(action="auth.locked_out")
    assert events.count() == 1
    event = events.get()
    assert event.ip_address == SPRAYER
    assert event.data["scope"] == "address"
    assert event.data["failures"] == LIMIT
    assert AuditEvent.objects.filter(action="auth.sign_in_failed", ip_address=SPRAYER).count() >= LIMIT


@pytest.mark.parametrize("surface", SURFACES)
def test_another_address_still_signs_in_during_a_spray(surface, victims):
    spray(surface, [f"guess{n:02d}" for n in range(LIMIT)])
    sign_in, _failed = SURFACES[surface]

    signed_in = {"page": 302, "api": 200}[surface]

    assert sign_in(victims[0].username, TEST_PASSWORD, ELSEWHERE).status_code == signed_in


def test_the_page_and_the_api_count_together():
    spray("page", [f"page{n:02d}" for n in range(LIMIT // 2)])
    spray("api", [f"api{n:02d}" for n in range(LIMIT // 2 - 1)])

    assert api("one-more", SPRAYED, SPRAYER).status_code == 429


def test_signing_in_to_ones_own_account_does_not_forgive_the_spray(victims):
    own = victims[0]
    spray("page", [f"guess{n:02d}" for n in range(LIMIT - 2)])

    assert page(own.username, TEST_PASSWORD, SPRAYER).status_code == 302
    assert spray("page", ["guess-a", "guess-b"]) == [200, 429]


def test_a_few_failures_of_many_people_behind_one_address_lock_nobody(victims):
    """Below the address limit, an office's mistyped passwords lock no one (five people, four typos each)."""
    for user in victims[:4]:
        assert spray("page", [user.username] * 4) == [200] * 4

    assert [page(user.username, TEST_PASSWORD, SPRAYER).status_code for user in victims[:4]] == [302] * 4
