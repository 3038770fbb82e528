"""Property-based tests from the OpenAPI schema (schemathesis): every operation, as every kind of caller.

For each role, each operation gets a bounded number of generated requests (`MAX_EXAMPLES`, derandomized
by the ci profile so a failure reproduces; ten times as many, random, with HYPOTHESIS_PROFILE=nightly).
Half of them aim at real objects (the role's own customer, manager and a real run) instead of random
ids, so the bodies reach the services. Every answer must be a non-5xx,
with a status, content type, headers and body the schema documents.
"""
from __future__ import annotations

import itertools
from contextlib import contextmanager

import pytest
import schemathesis
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from rest_framework.test import APIClient

from change_requests.tests.factories import ChangeRequestFactory
from core.testing.hypothesis import examples
from customers.tests.factories import CustomerFactory
from notifications.tests.factories import NotificationFactory
from planning.services import scenario_create

from .conftest import bearer

pytestmark = pytest.mark.django_db

MAX_EXAMPLES = examples(10)
ROLES = ("anonymous", "customer", "manager", "admin")


@contextmanager
def connection_kept_open():
    """Django's WSGI handler closes the database connection after each request unless told not to (as
    Django's test client does around each of its requests): the test's transaction must survive the
    requests (MariaDB; SQLite forgives). Enter it after the last test-client request."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def _raw_schema() -> dict:
    return APIClient().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()


@pytest.mark.parametrize("role", ROLES)
def test_every_operation_answers_within_the_schema(role, two_books, services):
    CustomerFactory(needs=services[:2])  # someone for a run to place
    admin = APIClient()
    admin.credentials(**bearer(two_books.admin))
    run = admin.post("/api/admin/auto-assign", {}, format="json").json()
    preview = admin.post("/api/admin/auto-assign", {"dry_run": True, "rebalance": True}, format="json").json()

    schema = schemathesis.from_dict(_raw_schema(), app=WSGIHandler())
    user = two_books.user(None if role == "anonymous" else role)
    headers = {"Authorization": bearer(user)["HTTP_AUTHORIZATION"]} if user is not None else {}
    real_ids = {
        "customers": itertools.cycle([two_books.customer.user_id, two_books.other_customer.user_id]),
        "managers": itertools.cycle([two_books.manager.user_id, two_books.other_manager.user_id]),
        "runs": itertools.cycle([run["run"], preview["run"]]),
        "jobs": itertools.cycle([run["id"], preview["id"]]),
        "change-requests": itertools.cycle([ChangeRequestFactory(customer=two_books.customer).pk]),
        "notifications": itertools.cycle([NotificationFactory(customer=two_books.customer).pk]),
        "capacity-scenarios": itertools.cycle([scenario_create(
            name="加座", changes={"capacity": {str(two_books.manager.pk): 9}}, actor=two_books.admin,
        ).pk]),
    }
    aim_at_real = itertools.cycle([True, False])
    checked = []

    for result in schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy())
        @settings(max_examples=MAX_EXAMPLES, deadline=None,
                  suppress_health_check=list(HealthCheck))
        def check(case):
            if "id" in (case.path_parameters or {}) and next(aim_at_real):
                kind = next(name for name in real_ids if f"/{name}/" in case.path)
                case.path_parameters["id"] = next(real_ids[kind])
            case.headers = {**(case.headers or {}), **headers}
            response = case.call_wsgi()
            case.validate_response(response)

        with connection_kept_open():
            check()
        checked.append(f"{operation.method.upper()} {operation.path}")

    assert len(checked) >= 17, checked
