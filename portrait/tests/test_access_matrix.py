"""Who gets what, on every route of the console, the portal and the API, generated from the URL configuration.

Every URL pattern under `console:`, `portal:` and `api:` is found by walking `get_resolver()`, its path
parameters are filled with real objects, and each method is sent by each kind of caller. `EXPECTED` holds
the one status each must get: a route (or a method of it) without an expectation fails
`test_every_route_has_an_expectation`, and so does an expectation for a route that no longer exists.
A 500 is never a refusal: statuses are compared exactly, and an anonymous visitor's 302 must lead to
the sign-in page.

The callers: `customer` (served by `manager`), `other_customer` (served by `other_manager`), `manager`,
`other_manager`, `staff_manager` (role manager with the staff flag: a manager for every rule, the flag
opens the Django admin's door only), `admin` (role admin with the staff flag, not a superuser). Targets
are always `customer`, `manager` and runs or jobs, so the `other_*` columns are cross-access attempts.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core.cache import cache
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from rest_framework.views import APIView
from rest_framework_simplejwt.tokens import RefreshToken

from accounts.models import Role, User
from accounts.tests.factories import UserFactory
from audit.models import AuditEvent
from change_requests.tests.factories import ChangeRequestFactory
from contacts.models import Channel, Contact
from customers.models import SavedView
from customers.tests.factories import CustomerFactory
from managers.tests.factories import ManagerFactory
from imports.jobs import IMPORT_JOB
from jobs.models import BackgroundJob
from matching.models import Assignment, MatchingRun, RunKind
from notifications.tests.factories import NotificationFactory
from planning.services import scenario_create
from vocabularies.tests.factories import BranchFactory, HobbyFactory, ServiceFactory

pytestmark = pytest.mark.django_db

SURFACES = ("console", "portal", "api")
#: Routes outside the three surfaces, each with the test that covers who may use it.
ELSEWHERE = {
    "admin": "the Django admin: test_the_django_admin_shows_a_staff_manager_nothing_to_change below",
    "i18n": "Django's set_language, open to everyone: portrait/tests/test_translations.py",
}
ROLES = ("anonymous", "customer", "other_customer", "manager", "other_manager", "staff_manager", "admin")
API_METHODS = ("get", "post", "put", "patch", "delete")
PAGE_METHODS = ("get", "post")


@dataclass(frozen=True)
class Route:
    name: str  # "console:customer"
    params: tuple[str, ...]
    methods: tuple[str, ...]

    @property
    def surface(self) -> str:
        return self.name.split(":")[0]


def _methods(pattern: URLPattern, surface: str) -> tuple[str, ...]:
    view_class = getattr(pattern.callback, "cls", None) or getattr(pattern.callback, "view_class", None)
    if view_class is not None and issubclass(view_class, APIView):
        return tuple(method for method in API_METHODS if hasattr(view_class, method))
    return PAGE_METHODS  # a page: what it does with GET and with POST is part of its rights


def discover_routes() -> tuple[list[Route], set[str]]:
    """(every named route of the three surfaces, the top-level namespaces and names outside them)."""
    routes, others = [], set()

    def walk(patterns, namespace):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                inner = namespace or entry.namespace
                if inner in SURFACES:
                    walk(entry.url_patterns, inner)
                else:
                    others.add(entry.namespace or str(entry.pattern).strip("^/$"))
            elif namespace in SURFACES:
                assert entry.name, f"an unnamed route in {namespace}: {entry.pattern}"
                routes.append(Route(
                    f"{namespace}:{entry.name}", tuple(entry.pattern.converters), _methods(entry, namespace),
                ))
            else:
                others.add(entry.name or str(entry.pattern))

    walk(get_resolver().url_patterns, None)
    return routes, others


ROUTES, OUTSIDE_SURFACES = discover_routes()


# --- the world every case acts in ------------------------------------------------------------------

class World:
    def __init__(self):
        services, hobbies = ServiceFactory.create_batch(4), HobbyFactory.create_batch(4)
        self.branch = BranchFactory()  # `manager`'s: their branch's report is still not theirs to read
        self.manager = ManagerFactory(capabilities=services[:2], hobbies=hobbies[:2], capacity=5, branch=self.branch)
        self.other_manager = ManagerFactory(capabilities=services[2:], hobbies=hobbies[2:], capacity=5)
        self.staff_manager = ManagerFactory(user__is_staff=True, capacity=5)
        self.customer = CustomerFactory(needs=services[:1], manager=self.manager, age=40)
        self.other_customer = CustomerFactory(needs=services[3:], manager=self.other_manager)
        self.admin = UserFactory(username="bank_admin", role=Role.ADMIN, is_staff=True)
        self.saved_view = SavedView.objects.create(owner=self.admin, name="unassigned", query="unassigned=true")
        self.contact = Contact.objects.create(
            customer=self.customer, manager=self.manager, contacted_at=timezone.now() - timedelta(days=1),
            channel=Channel.PHONE, summary="电话回访",
        )
        # `customer` has asked for another manager (so asking again is a 409); `other_customer` has not.
        self.change_request = ChangeRequestFactory(customer=self.customer)
        # `customer` was told that `manager` serves them: only they may mark it read.
        self.notification = NotificationFactory(customer=self.customer)
        CustomerFactory(needs=services[:1])  # waiting for a manager: the run below places them
        api = self.client("admin", api=True)
        placed = api.post("/api/admin/auto-assign", {}, content_type="application/json").json()
        planned = api.post(
            "/api/admin/auto-assign", {"dry_run": True, "rebalance": True}, content_type="application/json",
        ).json()
        self.run = MatchingRun.objects.get(pk=placed["run"])
        self.preview = MatchingRun.objects.get(pk=planned["run"], kind=RunKind.PREVIEW)
        self.job = BackgroundJob.objects.get(pk=placed["id"])
        self.import_job = BackgroundJob.objects.create(
            kind=IMPORT_JOB, options={"path": "x", "dry_run": True}, result={"ok": True},
        )
        # Capacity planning: a plan computed, and a scenario of capacities evaluated (so it can be applied).
        self.scenario = scenario_create(name="加座", changes={"capacity": {str(self.manager.pk): 6}}, actor=self.admin)
        api.post("/api/admin/capacity-plan", {}, content_type="application/json")
        api.post(f"/api/admin/capacity-scenarios/{self.scenario.pk}/evaluate", {}, content_type="application/json")

    def user(self, role: str):
        return {
            "anonymous": None, "customer": self.customer.user, "other_customer": self.other_customer.user,
            "manager": self.manager.user, "other_manager": self.other_manager.user,
            "staff_manager": self.staff_manager.user, "admin": self.admin,
        }[role]

    def client(self, role: str, *, api: bool) -> Client:
        user = self.user(role)
        if user is None:
            return Client()
        if api:  # the API as its clients use it: a bearer token, no session
            return Client(HTTP_AUTHORIZATION=f"Bearer {RefreshToken.for_user(user).access_token}")
        client = Client()
        client.force_login(user)
        return client

    def kwargs(self, route: Route) -> dict:
        """The path parameters of `route`, filled with the objects every case aims at."""
        targets = {
            "console:customer": self.customer.pk, "console:customer_assign": self.customer.pk,
            "console:customer_unlock": self.customer.pk, "console:customer_deactivate": self.customer.pk,
            "console:manager": self.manager.pk, "console:manager_transfer": self.manager.pk,
            "console:manager_report": self.manager.pk, "console:manager_report_export": self.manager.pk,
            "console:branch_report": self.branch.pk, "console:branch_report_export": self.branch.pk,
            "console:preview": self.preview.pk, "console:preview_apply": self.preview.pk,
            "console:preview_curve": self.preview.pk,
            "console:run": self.run.pk, "console:run_undo": self.run.pk, "console:job": self.job.pk,
            "console:import_report": self.import_job.pk, "console:import_confirm": self.import_job.pk,
            "console:saved_view_delete": self.saved_view.pk,
            "console:scenario": self.scenario.pk, "console:scenario_edit": self.scenario.pk,
            "console:scenario_evaluate": self.scenario.pk, "console:scenario_apply": self.scenario.pk,
            "console:scenario_delete": self.scenario.pk,
            "api:capacity-scenario": self.scenario.pk, "api:capacity-scenario-evaluate": self.scenario.pk,
            "portal:workspace_customer": self.customer.pk,
            "api:customer-profile": self.customer.user_id, "api:manager-profile": self.manager.user_id,
            "api:job-detail": self.job.pk, "api:run-detail": self.run.pk, "api:run-apply": self.preview.pk,
            "api:run-move-cost-curve": self.preview.pk,
            "api:run-undo": self.run.pk, "portal:workspace_contact_create": self.customer.pk,
            "api:customer-contacts": self.customer.user_id,
            "console:change_request": self.change_request.pk, "api:change-request-approve": self.change_request.pk,
            "api:change-request-decline": self.change_request.pk,
            "portal:notification_read": self.notification.pk, "api:notification-read": self.notification.pk,
        }
        if route.name == "portal:workspace_contact_edit":  # an entry the customer's manager recorded
            return {"pk": self.customer.pk, "contact_pk": self.contact.pk}
        if route.name == "portal:password_reset_confirm":  # the link of a reset mail for the customer
            user = User.objects.get(pk=self.customer.user_id)  # as stored now: signing in changes the token
            return {"uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
                    "token": default_token_generator.make_token(user)}
        if route.name == "console:import_template":
            return {"target": "customers", "file_format": "xlsx"}
        if not route.params:
            return {}
        assert route.name in targets, f"{route.name}: say which object its {route.params} name"
        return {route.params[0]: targets[route.name]}

    def body(self, route: Route, method: str) -> dict:
        if (route.name, method) == ("api:customer-profile", "put"):
            return {"age": 40, "occupation": "工程师", "total_assets": "120000.00", "needs": [], "hobbies": []}
        if (route.name, method) == ("api:customer-profile", "patch"):
            return {"occupation": "律师"}
        if (route.name, method) == ("api:manager-profile", "put"):
            return {"capabilities": [], "hobbies": []}
        if (route.name, method) == ("api:manager-profile", "patch"):
            return {"accepting_customers": False}
        if (route.name, method) == ("api:customer-contacts", "post"):
            return {"contacted_at": "2026-01-05T10:00:00", "channel": "phone", "summary": "电话回访"}
        if (route.name, method) == ("api:change-requests", "post"):
            return {"reason": "other"}
        if route.name == "api:change-request-approve":
            return {"manager": self.other_manager.user_id}
        if route.name == "api:change-request-decline":
            return {"reply": "请先与经理沟通"}
        if route.name == "api:auto-assign":
            return {"dry_run": True}
        if route.name == "api:manual-assign":
            return {"customer": self.other_customer.user_id, "manager": self.manager.user_id, "reason": "asked"}
        return {}


@pytest.fixture
def world():
    return World()


# --- what each caller must get ------------------------------------------------------------------------

LOGIN = "sign-in"  # a 302 to the sign-in page, with the page asked for as `next`


def console(get: int, post: int) -> dict:
    """A console page: the admin's answers; everyone else refused (anonymous to sign in)."""
    return {"get": (LOGIN, 403, 403, 403, 403, 403, get), "post": (LOGIN, 403, 403, 403, 403, 403, post)}


def page(*statuses) -> dict:
    """A portal page answering GET and POST alike."""
    return {"get": statuses, "post": statuses}


def admin_api(method: str, status: int) -> dict:
    return {method: (401, 403, 403, 403, 403, 403, status)}


def everyone(method: str, status: int) -> dict:
    return {method: (status,) * len(ROLES)}


# Route -> method -> one status per caller, in ROLES order:
# anonymous, customer, other_customer, manager, other_manager, staff_manager, admin.
# Console actions answer GET with 405 and POST with a redirect; the API's public auth endpoints answer an
# empty body with 400 whoever asks.
EXPECTED: dict[str, dict[str, tuple]] = {
    "console:dashboard": console(200, 200),
    "console:customers": console(200, 200),
    "console:customer_export": console(200, 200),
    "console:customer_bulk": console(405, 302),  # a POST without ids goes back to the list with a message
    "console:customer": console(200, 200),
    "console:customer_assign": console(405, 302),
    "console:customer_unlock": console(405, 302),
    "console:customer_deactivate": console(200, 200),
    "console:managers": console(200, 200),
    "console:manager_suggestions": console(200, 200),
    "console:manager": console(200, 200),
    "console:manager_transfer": console(405, 302),
    "console:matching": console(200, 200),
    "console:preview_start": console(405, 302),
    "console:segment_start": console(405, 200),  # unconfirmed: the page that asks, with the count
    "console:preview": console(200, 200),
    "console:run": console(200, 200),
    "console:preview_apply": console(405, 200),  # unconfirmed: the page that asks, with the count
    "console:preview_curve": console(405, 302),  # a job, then its page
    "console:run_undo": console(405, 200),  # unconfirmed: the page that asks, with the count
    "console:job": console(302, 302),  # a finished run's job leads to the run's page
    "console:import": console(200, 200),
    "console:import_template": console(200, 405),
    "console:import_report": console(200, 200),
    "console:import_confirm": console(405, 302),
    "console:audit": console(200, 200),
    "console:search": console(200, 200),
    "console:saved_view_create": console(405, 302),
    "console:saved_view_delete": console(405, 302),
    "console:change_requests": console(200, 200),
    "console:change_request": console(200, 200),  # a POST without a decision shows the page again
    "console:manager_report": console(200, 405),
    "console:manager_report_export": console(200, 405),
    "console:report_overview": console(200, 405),
    "console:report_overview_export": console(200, 405),
    # A branch's report is for admins only: a manager, even of that branch, reads their own book's.
    "console:branch_report": console(200, 405),
    "console:branch_report_export": console(200, 405),
    "console:capacity": console(200, 200),
    "console:capacity_recompute": console(405, 302),
    "console:scenarios": console(200, 200),
    "console:scenario_create": console(200, 200),  # an empty POST shows the form's errors
    "console:scenario_compare": console(302, 302),  # fewer than two scenarios chosen: back to the list
    "console:scenario": console(200, 200),
    "console:scenario_edit": console(200, 200),
    "console:scenario_evaluate": console(405, 302),
    "console:scenario_apply": console(405, 200),  # unconfirmed: the page that asks, with the count
    "console:scenario_delete": console(405, 302),
    "portal:home": page(302, 302, 302, 302, 302, 302, 302),
    "portal:login": page(200, 302, 302, 302, 302, 302, 302),
    "portal:logout": {"get": (405,) * len(ROLES), "post": (302,) * len(ROLES)},
    "portal:register": page(200, 302, 302, 302, 302, 302, 302),
    "portal:password_change": page(LOGIN, 200, 200, 200, 200, 200, 200),
    # A reset link works for whoever holds it (it names its account); the form is the next page.
    "portal:password_reset_confirm": page(302, 302, 302, 302, 302, 302, 302),
    "portal:password_reset_complete": {"get": (200,) * len(ROLES), "post": (405,) * len(ROLES)},
    "portal:me": page(LOGIN, 200, 200, 403, 403, 403, 403),
    "portal:workspace": page(LOGIN, 403, 403, 200, 200, 200, 403),
    "portal:workspace_customer": page(LOGIN, 403, 403, 200, 404, 404, 403),
    "portal:workspace_contact_create": page(LOGIN, 403, 403, 200, 404, 404, 403),
    "portal:workspace_contact_edit": page(LOGIN, 403, 403, 200, 404, 404, 403),
    "portal:workspace_profile": page(LOGIN, 403, 403, 200, 200, 200, 403),
    # A manager's report is their own book's: there is no other manager's to ask for.
    "portal:workspace_report": {
        "get": (LOGIN, 403, 403, 200, 200, 200, 403), "post": (LOGIN, 403, 403, 405, 405, 405, 403),
    },
    "portal:workspace_report_export": {
        "get": (LOGIN, 403, 403, 200, 200, 200, 403), "post": (LOGIN, 403, 403, 405, 405, 405, 403),
    },
    "portal:search": page(LOGIN, 403, 403, 200, 200, 200, 403),
    "portal:change_request": page(LOGIN, 200, 200, 403, 403, 403, 403),  # an empty POST shows the form's errors
    # Everyone's own inbox (an empty POST shows the e-mail settings' errors); marking read: one's own only.
    "portal:notifications": page(LOGIN, 200, 200, 200, 200, 200, 200),
    "portal:notifications_read": {
        "get": (LOGIN, 405, 405, 405, 405, 405, 405), "post": (LOGIN, 302, 302, 302, 302, 302, 302),
    },
    "portal:notification_read": {
        "get": (LOGIN, 405, 405, 405, 405, 405, 405), "post": (LOGIN, 302, 404, 404, 404, 404, 404),
    },
    "api:login": everyone("post", 400),
    "api:refresh": everyone("post", 400),
    "api:verify": {"post": (401, 200, 200, 200, 200, 200, 200)},
    "api:register": everyone("post", 400),
    "api:logout": everyone("post", 400),
    "api:customers": {"get": (401, 403, 403, 200, 200, 200, 200)},
    "api:customer-profile": {
        "get": (401, 200, 404, 200, 404, 404, 200),
        "put": (401, 200, 404, 403, 404, 404, 200),
        "patch": (401, 200, 404, 403, 404, 404, 200),
    },
    "api:customer-contacts": {
        "get": (401, 403, 403, 200, 404, 404, 200),
        "post": (401, 403, 403, 201, 404, 404, 403),
    },
    "api:managers": admin_api("get", 200),
    "api:manager-profile": {
        "get": (401, 404, 404, 200, 404, 404, 200),
        "put": (401, 404, 404, 200, 404, 404, 200),
        "patch": (401, 404, 404, 200, 404, 404, 200),
    },
    "api:dashboard": admin_api("get", 200),
    "api:auto-assign": admin_api("post", 202),
    "api:job-detail": admin_api("get", 200),
    "api:runs": admin_api("get", 200),
    "api:run-detail": admin_api("get", 200),
    "api:run-apply": admin_api("post", 202),
    "api:run-move-cost-curve": admin_api("post", 202),
    "api:run-undo": admin_api("post", 200),
    "api:manual-assign": admin_api("post", 200),
    "api:capacity-plan": {**admin_api("get", 200), **admin_api("post", 202)},
    "api:capacity-scenarios": {**admin_api("get", 200), **admin_api("post", 400)},  # an empty body: no name
    "api:capacity-scenario": {**admin_api("get", 200), **admin_api("put", 400), **admin_api("patch", 200),
                              **admin_api("delete", 204)},  # PUT with an empty body: no name
    "api:capacity-scenario-evaluate": admin_api("post", 202),
    "api:change-requests": {
        "get": (401, 200, 200, 403, 403, 403, 200),
        "post": (401, 409, 201, 403, 403, 403, 403),  # one open request at a time: `customer` has one
    },
    "api:change-request-approve": admin_api("post", 200),
    "api:change-request-decline": admin_api("post", 200),
    "api:notifications": {"get": (401, 200, 200, 200, 200, 200, 200)},
    "api:notification-read": {"post": (401, 200, 404, 404, 404, 404, 404)},
    "api:notification-settings": {"get": (401, 200, 200, 200, 200, 200, 200),
                                  "patch": (401, 200, 200, 200, 200, 200, 200)},
    "api:vocabulary": {"get": (401, 200, 200, 200, 200, 200, 200)},
    "api:health": everyone("get", 200),
    "api:schema": everyone("get", 200),
    "api:docs": everyone("get", 200),
}
REFUSALS = {LOGIN, 401, 403, 404, 405}


def test_every_route_has_an_expectation():
    found = {(route.name, method) for route in ROUTES for method in route.methods}
    expected = {(name, method) for name, methods in EXPECTED.items() for method in methods}

    assert found - expected == set(), "routes (or methods) nobody has said who may use"
    assert expected - found == set(), "expectations for routes (or methods) that no longer exist"
    assert OUTSIDE_SURFACES == set(ELSEWHERE)
    assert all(len(statuses) == len(ROLES) for methods in EXPECTED.values() for statuses in methods.values())


def test_the_staff_flag_gives_a_manager_nothing():
    """The staff manager is a manager of another book: on every route, the same answer as `other_manager`."""
    staff, other = ROLES.index("staff_manager"), ROLES.index("other_manager")

    assert {
        (name, method): statuses[staff] for name, methods in EXPECTED.items() for method, statuses in methods.items()
    } == {
        (name, method): statuses[other] for name, methods in EXPECTED.items() for method, statuses in methods.items()
    }


CASES = [
    pytest.param(route, method, id=f"{route.name}-{method}") for route in ROUTES for method in route.methods
]


@pytest.mark.parametrize(("route", "method"), CASES)
def test_access(world, route, method, subtests):
    """Each caller in turn, in one world: what one caller's request wrote is rolled back before the next."""
    for role in ROLES:
        with subtests.test(role=role):
            cache.clear()  # throttles and cached figures count per caller
            savepoint = transaction.savepoint()
            try:
                check_access(world, route, method, role)
            finally:
                transaction.savepoint_rollback(savepoint)


def check_access(world, route, method, role):
    expected = EXPECTED[route.name][method][ROLES.index(role)]
    on_api = route.surface == "api"
    client = world.client(role, api=on_api)  # first: signing in changes what a reset link's token hashes
    url = reverse(route.name, kwargs=world.kwargs(route))
    body = world.body(route, method)
    writes_before = (BackgroundJob.objects.count(), AuditEvent.objects.count(), Assignment.objects.count())

    if method == "get":
        response = client.get(url)
    elif on_api:
        response = getattr(client, method)(url, body, content_type="application/json")
    else:
        response = client.post(url, body)

    if expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"] == f"{reverse('portal:login')}?next={url}"
    else:
        assert response.status_code == expected, response.content[:300]
    if expected in REFUSALS:
        writes_after = (BackgroundJob.objects.count(), AuditEvent.objects.count(), Assignment.objects.count())
        assert writes_after == writes_before, "a refused request changed something"
    if on_api and response.status_code >= 400:
        assert set(response.json()) == {"detail", "errors"}


# --- the Django admin: the staff flag opens its door, and a manager finds nothing behind it --------------

@pytest.mark.parametrize("model", [
    "accounts_user", "customers_customerprofile", "managers_managerprofile", "matching_matchingrun",
    "audit_auditevent",
])
def test_the_django_admin_shows_a_staff_manager_nothing_to_change(world, model):
    client = world.client("staff_manager", api=False)

    index = client.get(reverse("admin:index"))
    changelist = client.get(reverse(f"admin:{model}_changelist"))

    assert index.status_code == 200
    assert index.context["app_list"] == []
    assert changelist.status_code == 403

