"""Health, vocabulary, the schema and its Swagger UI, the browsable API for staff only, the error shape."""
from unittest import mock

import pytest
from django.db import OperationalError, connection
from rest_framework.test import APIClient

from accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_health_needs_no_sign_in_and_reports_the_database_and_version(settings):
    response = APIClient().get("/api/health")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "version": settings.PORTRAIT_VERSION}


def test_health_is_503_when_the_database_cannot_be_reached():
    with mock.patch.object(connection, "cursor", side_effect=OperationalError("server has gone away")):
        response = APIClient().get("/api/health")

    assert response.status_code == 503
    assert response.json()["status"] == "error" and response.json()["database"] == "error"


def test_vocabulary_lists_the_active_terms_in_order(two_books, services, hobbies, api):
    services[1].is_active = False
    services[1].save()

    response = api(two_books.customer.user).get("/api/vocabulary")

    assert response.status_code == 200
    assert [t["name"] for t in response.json()["services"]] == [s.name for s in services if s.is_active]
    assert [t["name"] for t in response.json()["hobbies"]] == [h.name for h in hobbies]


def test_the_schema_is_openapi_3_and_lists_every_endpoint():
    response = APIClient().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")

    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    for path in ("/api/auth/login", "/api/customers", "/api/customers/{id}/profile", "/api/managers/{id}/profile",
                 "/api/admin/auto-assign", "/api/admin/runs/{id}/undo", "/api/admin/manual-assign", "/api/health"):
        assert path in schema["paths"]


def test_swagger_ui_is_served_from_local_static_files():
    response = APIClient().get("/api/docs/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui" in html
    assert "cdn" not in html.lower() and "https://" not in html.replace("https://swagger.io", "")
    assert "/static/drf_spectacular_sidecar/" in html


def test_the_browsable_api_is_for_staff_only(two_books):
    staff = APIClient()
    staff.force_login(two_books.admin)
    customer = APIClient()
    customer.force_login(two_books.customer.user)

    as_staff = staff.get("/api/vocabulary", HTTP_ACCEPT="text/html")
    as_customer = customer.get("/api/vocabulary", HTTP_ACCEPT="text/html,*/*;q=0.8")
    anonymous = APIClient().get("/api/health", HTTP_ACCEPT="text/html,*/*;q=0.8")

    assert as_staff.status_code == 200 and as_staff["Content-Type"].startswith("text/html")
    assert as_customer.status_code == 200 and as_customer["Content-Type"].startswith("application/json")
    assert anonymous["Content-Type"].startswith("application/json")


def test_a_session_write_still_needs_the_csrf_token(two_books):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(two_books.customer.user)

    response = client.patch(f"/api/customers/{two_books.customer.user_id}/profile", {"occupation": "x"}, format="json")

    assert response.status_code == 403
    assert set(response.json()) == {"detail", "errors"}


def test_bad_json_is_400_in_the_error_shape(two_books, api):
    response = api(two_books.admin).generic(
        "PATCH", f"/api/customers/{two_books.customer.user_id}/profile", "{not json", content_type="application/json",
    )

    assert response.status_code == 400
    assert set(response.json()) == {"detail", "errors"} and response.json()["detail"]


def test_an_oversized_body_is_413_in_the_error_shape_and_nothing_is_stored(two_books, api, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 64 * 1024
    body = '{"occupation": "' + "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1) + '"}'

    response = api(two_books.customer.user).generic(
        "PATCH", f"/api/customers/{two_books.customer.user_id}/profile", body, content_type="application/json",
    )

    assert response.status_code == 413
    assert response.json() == {"detail": "The request body is larger than 64 KB.", "errors": {}}
    two_books.customer.refresh_from_db()
    assert not two_books.customer.occupation.startswith("xxx")


def test_an_unsupported_content_type_is_415_in_the_error_shape(two_books, api):
    response = api(two_books.customer.user).generic(
        "PATCH", f"/api/customers/{two_books.customer.user_id}/profile", "age=30", content_type="text/plain",
    )

    assert response.status_code == 415 and set(response.json()) == {"detail", "errors"}


def test_pages_keep_djangos_own_400_page(client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024

    response = client.post("/accounts/login/", {"username": "x" * 2048, "password": "y"})

    assert response.status_code == 400 and response["Content-Type"].startswith("text/html")


def test_a_bad_bearer_token_is_401_with_a_challenge(two_books):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Bearer nonsense")

    response = client.get("/api/vocabulary")

    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert set(response.json()) == {"detail", "errors"}


def test_an_inactive_users_token_stops_working(two_books, api):
    client = api(two_books.manager.user)
    UserFactory._meta.model.objects.filter(pk=two_books.manager.user_id).update(is_active=False)

    assert client.get("/api/customers").status_code == 401
