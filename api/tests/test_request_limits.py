"""What the API refuses before any rule of its own: deep JSON (400), oversized bodies (413, whatever DEBUG
is), too many requests on every auth endpoint (429), and refusals too long to echo (bounded lists)."""
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework import exceptions
from rest_framework.exceptions import ParseError
from rest_framework.test import APIClient

from api.errors import MAX_LISTED, api_exception_handler
from api.parsers import JSONParser, nested_deeper_than
from core.errors import Conflict

pytestmark = pytest.mark.django_db

DEEP = "[" * 100_000 + "]" * 100_000
AUTH_ENDPOINTS = ["api:login", "api:register", "api:refresh", "api:verify", "api:logout"]


def post_raw(client, url, body, method="POST"):
    return client.generic(method, url, body, content_type="application/json")


@pytest.mark.parametrize("name", AUTH_ENDPOINTS)
def test_deeply_nested_json_on_an_auth_endpoint_is_400_in_the_error_shape(name):
    response = post_raw(APIClient(), reverse(name), DEEP)

    assert response.status_code == 400
    assert set(response.json()) == {"detail", "errors"}
    assert response.json()["detail"].startswith("JSON parse error")


@pytest.mark.parametrize(
    ("role", "method", "path"),
    [
        ("customer", "PATCH", "/api/customers/{customer}/profile"),
        ("customer", "PUT", "/api/customers/{customer}/profile"),
        ("manager", "PATCH", "/api/managers/{manager}/profile"),
        ("admin", "POST", "/api/admin/manual-assign"),
        ("admin", "POST", "/api/admin/auto-assign"),
    ],
)
def test_deeply_nested_json_on_an_authenticated_write_is_400_and_changes_nothing(role, method, path, two_books, api):
    url = path.format(customer=two_books.customer.user_id, manager=two_books.manager.user_id)
    body = '{"occupation": "deep", "extra": ' + "[" * 40 + "]" * 40 + "}"

    for payload in (DEEP, body):
        response = post_raw(api(two_books.user(role)), url, payload, method=method)

        assert response.status_code == 400
        assert set(response.json()) == {"detail", "errors"}
    two_books.customer.refresh_from_db()
    assert two_books.customer.occupation != "deep"


def test_the_parser_takes_32_levels_and_refuses_33(settings):
    parser = JSONParser()

    def parse(depth):
        import io

        return parser.parse(io.BytesIO(("[" * depth + "]" * depth).encode()), "application/json", {})

    assert nested_deeper_than(parse(32), 32) is False
    with pytest.raises(ParseError, match="nested deeper than 32 levels"):
        parse(33)


def test_the_parser_reads_what_drfs_did_and_refuses_what_it_refused():
    import io

    def parse(text, encoding="utf-8"):
        return JSONParser().parse(io.BytesIO(text.encode(encoding)), "application/json", {"encoding": encoding})

    assert parse('{"occupation": "教师", "needs": ["理财规划"], "age": 40}') == {
        "occupation": "教师", "needs": ["理财规划"], "age": 40,
    }
    assert parse('{"name": "Zoë"}', "utf-16") == {"name": "Zoë"}
    for bad in ("NaN", '{"a": Infinity}', "{not json", ""):
        with pytest.raises(ParseError):
            parse(bad)


@pytest.mark.parametrize("name", ["api:verify", "api:logout"])
def test_verify_and_logout_are_throttled_per_address_like_sign_in(name, settings):
    settings.API_AUTH_THROTTLE_RATE = "3/minute"
    client = APIClient()

    statuses = [client.post(reverse(name), {"token": "x", "refresh": "x"}, format="json").status_code
                for _ in range(4)]

    assert statuses[:3] == [401, 401, 401]
    assert statuses[3] == 429


@pytest.mark.parametrize("debug", [False, True])
def test_an_oversized_body_is_the_apis_json_413_whatever_debug_is(debug, two_books, api, settings):
    settings.DEBUG = debug
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 64 * 1024
    body = '{"occupation": "' + "x" * (10 * 1024 * 1024) + '"}'

    response = post_raw(api(two_books.customer.user), f"/api/customers/{two_books.customer.user_id}/profile", body,
                        method="PATCH")

    assert response.status_code == 413
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {"detail": "The request body is larger than 64 KB.", "errors": {}}


@pytest.mark.parametrize("debug", [False, True])
def test_an_oversized_sign_in_is_413_too(debug, settings):
    settings.DEBUG = debug
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024

    response = post_raw(APIClient(), reverse("api:login"), '{"username": "' + "u" * 4096 + '"}')

    assert response.status_code == 413
    assert set(response.json()) == {"detail", "errors"}


def test_a_refusal_of_a_hundred_unknown_terms_lists_twenty_and_counts_the_rest(two_books, api):
    names = [f"unknown {n}" for n in range(100)]

    response = api(two_books.customer.user).patch(
        f"/api/customers/{two_books.customer.user_id}/profile", {"needs": names}, format="json",
    )

    assert response.status_code == 400
    errors = response.json()["errors"]
    assert len(errors) == MAX_LISTED + 1
    assert errors["…"] == ["… and 80 more."]


def test_a_refusal_with_thousands_of_details_lists_twenty_and_the_count():
    refusal = Conflict("Refused.")
    refusal.details = [f"customer{n}" for n in range(2160)]

    response = api_exception_handler(refusal, {})

    assert response.status_code == 409
    assert response.data["errors"]["details"] == [*(f"customer{n}" for n in range(20)), "… and 2140 more."]


def test_a_field_with_many_messages_lists_twenty_and_the_count():
    response = api_exception_handler(exceptions.ValidationError({"ids": [f"bad {n}" for n in range(50)]}), {})

    assert response.data["errors"]["ids"][-1] == "… and 30 more."
    assert len(response.data["errors"]["ids"]) == MAX_LISTED + 1


def test_a_service_refusal_with_many_messages_keeps_its_detail_short():
    response = api_exception_handler(ValidationError([f"problem {n}." for n in range(500)]), {})

    assert response.status_code == 400
    assert response.data["detail"].endswith("… and 480 more.")
    assert len(response.data["detail"]) < 400
