"""Every endpoint and method, for each kind of caller, with the status each must get.

`customer` is served by `manager`; `other_customer` by `other_manager`. Targets are always `customer`,
`manager` and a run, so "other_*" rows are the cross-access attempts: they must learn nothing (404) or
be refused (403), never served.
"""
import pytest

from customers.tests.factories import CustomerFactory
from jobs.models import BackgroundJob

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "customer", "other_customer", "manager", "other_manager", "admin")


def portrait_body(two_books):
    return {"age": 40, "occupation": "工程师", "total_assets": "120000.00", "needs": [], "hobbies": []}


ENDPOINTS = {
    # name: (method, path, body, statuses in ROLES order)
    "customers list": ("get", "/api/customers", None, (401, 403, 403, 200, 200, 200)),
    "customer profile get": ("get", "/api/customers/{customer}/profile", None, (401, 200, 404, 200, 404, 200)),
    "customer profile put": ("put", "/api/customers/{customer}/profile", portrait_body, (401, 200, 404, 403, 404, 200)),
    "customer profile patch": (
        "patch",
        "/api/customers/{customer}/profile",
        {"occupation": "律师"},
        (401, 200, 404, 403, 404, 200),
    ),
    "customer contacts get": ("get", "/api/customers/{customer}/contacts", None, (401, 403, 403, 200, 404, 200)),
    "customer contacts post": (
        "post",
        "/api/customers/{customer}/contacts",
        {"contacted_at": "2026-01-05T10:00:00", "channel": "phone", "summary": "电话回访"},
        (401, 403, 403, 201, 404, 403),
    ),
    "managers list": ("get", "/api/managers", None, (401, 403, 403, 403, 403, 200)),
    "manager profile get": ("get", "/api/managers/{manager}/profile", None, (401, 404, 404, 200, 404, 200)),
    "manager profile put": (
        "put",
        "/api/managers/{manager}/profile",
        {"capabilities": [], "hobbies": []},
        (401, 404, 404, 200, 404, 200),
    ),
    "manager profile patch": (
        "patch",
        "/api/managers/{manager}/profile",
        {"accepting_customers": False},
        (401, 404, 404, 200, 404, 200),
    ),
    "dashboard": ("get", "/api/admin/dashboard", None, (401, 403, 403, 403, 403, 200)),
    "auto-assign": ("post", "/api/admin/auto-assign", {"dry_run": True}, (401, 403, 403, 403, 403, 202)),
    "runs list": ("get", "/api/admin/runs", None, (401, 403, 403, 403, 403, 200)),
    "run detail": ("get", "/api/admin/runs/{run}", None, (401, 403, 403, 403, 403, 200)),
    "job detail": ("get", "/api/admin/jobs/{job}", None, (401, 403, 403, 403, 403, 200)),
    "run apply": ("post", "/api/admin/runs/{preview}/apply", {}, (401, 403, 403, 403, 403, 202)),
    "run undo": ("post", "/api/admin/runs/{run}/undo", {}, (401, 403, 403, 403, 403, 200)),
    "manual-assign": (
        "post",
        "/api/admin/manual-assign",
        lambda p: {"customer": p.other_customer.user_id, "manager": p.manager.user_id, "reason": "asked"},
        (401, 403, 403, 403, 403, 200),
    ),
    "vocabulary": ("get", "/api/vocabulary", None, (401, 200, 200, 200, 200, 200)),
    "health": ("get", "/api/health", None, (200, 200, 200, 200, 200, 200)),
    "schema": ("get", "/api/schema/", None, (200, 200, 200, 200, 200, 200)),
}


@pytest.fixture
def jobs(two_books, services, api):
    """A run that placed someone (so it can be undone) and a stored plan (a dry run, to apply)."""
    CustomerFactory(needs=services[:1])
    admin = api(two_books.admin)
    run = admin.post("/api/admin/auto-assign", {}, format="json").json()
    preview = admin.post("/api/admin/auto-assign", {"dry_run": True, "rebalance": True}, format="json").json()
    return {"run": run["run"], "preview": preview["run"], "job": run["id"]}


CASES = [
    pytest.param(name, role, expected, id=f"{name}-{role}")
    for name, (_m, _p, _b, statuses) in ENDPOINTS.items()
    for role, expected in zip(ROLES, statuses, strict=True)
]


@pytest.mark.parametrize(("name", "role", "expected"), CASES)
def test_access(name, role, expected, two_books, jobs, api):
    method, path, body, _statuses = ENDPOINTS[name]
    path = path.format(customer=two_books.customer.user_id, manager=two_books.manager.user_id, **jobs)
    if callable(body):
        body = body(two_books)
    client = api(two_books.user(None if role == "anonymous" else role))

    response = getattr(client, method)(path, body, format="json") if body is not None else getattr(client, method)(path)

    assert response.status_code == expected, response.content[:300]
    assert BackgroundJob.objects.count() == 2 + (role == "admin" and name in ("auto-assign", "run apply"))
    if expected >= 400:
        assert set(response.json()) == {"detail", "errors"}


@pytest.mark.parametrize("role", ["manager", "other_manager"])
def test_a_manager_lists_only_their_own_customers(role, two_books, api):
    response = api(two_books.user(role)).get("/api/customers")

    own = two_books.customer if role == "manager" else two_books.other_customer
    assert [row["id"] for row in response.json()["results"]] == [own.user_id]


def test_guessed_ids_of_other_roles_are_not_found(two_books, api):
    client = api(two_books.customer.user)

    assert client.get(f"/api/customers/{two_books.manager.user_id}/profile").status_code == 404
    assert client.get(f"/api/managers/{two_books.customer.user_id}/profile").status_code == 404
    assert client.get("/api/customers/999999/profile").status_code == 404
    assert client.get("/api/customers/-5/profile").status_code == 404
    assert client.get(f"/api/customers/{10**25}/profile").status_code == 404
