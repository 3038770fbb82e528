"""The admin of every app: pages render for staff, changelists cost a fixed number of queries, history is read-only."""
from decimal import Decimal

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from rest_framework_simplejwt.tokens import RefreshToken
from django.contrib import admin
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from audit.services import audit_record
from change_requests.tests.factories import ChangeRequestFactory
from accounts.models import Role, User
from customers.models import CustomerProfile
from managers.models import ManagerProfile
from matching.models import Assignment, MatchingRun, Reason, RunKind, RunLock, Segment
from accounts.tests.factories import UserFactory
from contacts.tests.factories import ContactFactory
from jobs.models import BackgroundJob
from customers.tests.factories import CustomerFactory
from managers.tests.factories import ManagerFactory
from notifications.services import notification_settings_update
from notifications.tests.factories import NotificationFactory
from planning.models import CapacityScenario
from vocabularies.tests.factories import BranchFactory, HobbyFactory, ServiceFactory
from vocabularies.models import Service

pytestmark = pytest.mark.django_db

READ_ONLY = {"jobs.backgroundjob",
             "matching.matchingrun", "matching.assignment", "matching.segment", "matching.runlock", "audit.auditevent",
             "contacts.contact", "change_requests.changerequest", "notifications.notification",
             "notifications.notificationsettings", "planning.capacityscenario"}
# simplejwt lists tokens it issued, read-only; django-axes records sign-in attempts (delete one to unlock).
NO_ADD_PAGE = {*READ_ONLY, "token_blacklist.outstandingtoken", "axes.accessattempt", "axes.accesslog",
               "axes.accessfailurelog"}
REGISTERED = sorted(admin.site._registry, key=lambda model: model._meta.label_lower)


def admin_url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def make_assignments(n: int) -> None:
    services, hobbies = ServiceFactory.create_batch(3), HobbyFactory.create_batch(3)
    previous, new = ManagerFactory(), ManagerFactory()
    run = MatchingRun.objects.create(kind=RunKind.AUTOMATIC, customers_placed=n, total_score=4 * n)
    actor = UserFactory(admin=True)
    for _ in range(n):
        customer = CustomerFactory(manager=new, needs=services, hobbies=hobbies)
        Assignment.objects.create(
            run=run, actor=actor, customer=customer, previous_manager=previous, new_manager=new,
            needs_match=2, hobbies_match=2, total=4, customer_class="D", reason=Reason.BEST,
        )


@pytest.fixture
def one_of_everything(manager, customer, services, hobbies):
    """At least one row of every registered model, so changelists and change pages show real rows."""
    customer.manager = manager
    customer.branch = BranchFactory()
    customer.save()
    make_assignments(1)
    Segment.objects.create(label=0, name="中年稳健", size=1, median_age=45, median_assets=Decimal("600000.00"))
    Group.objects.create(name="客户经理主管")
    RunLock.objects.create(pk=RunLock.SINGLETON, holder="autoassign by admin", acquired_at=timezone.now())
    audit_record(actor=manager.user, action="manager.profile_updated", target=manager)
    ContactFactory(customer=customer)
    BackgroundJob.objects.create(kind="matching.run", options={"strategy": "optimal"}, result={"run": 1})
    ChangeRequestFactory(customer=customer)
    notification_settings_update(user=customer.user, actor=customer.user, email_enabled=False, language="")
    NotificationFactory(customer=customer)
    CapacityScenario.objects.create(name="加座", changes={"capacity": {str(manager.pk): 9}})
    RefreshToken.for_user(customer.user).blacklist()  # an outstanding and a blacklisted API token
    attempt = {"username": "intruder", "ip_address": "203.0.113.9", "user_agent": "curl", "http_accept": "*/*",
               "path_info": "/admin/login/"}
    AccessAttempt.objects.create(**attempt, get_data="", post_data="", failures_since_start=5)
    AccessLog.objects.create(**attempt)
    AccessFailureLog.objects.create(**attempt, locked_out=True)


class TestEveryRegisteredModel:
    def test_the_admin_registers_every_portrait_model(self):
        labels = {model._meta.label_lower for model in REGISTERED}

        assert labels >= {
            "accounts.user", "vocabularies.service", "vocabularies.hobby", "customers.customerprofile",
            "managers.managerprofile", *READ_ONLY,
        }

    @pytest.mark.parametrize("model", REGISTERED, ids=lambda model: model._meta.label_lower)
    def test_changelist_renders(self, superuser_client, one_of_everything, model):
        response = superuser_client.get(admin_url(model, "changelist"))

        assert response.status_code == 200
        assert response.context["cl"].result_count >= 1

    @pytest.mark.parametrize("model", REGISTERED, ids=lambda model: model._meta.label_lower)
    def test_add_page_renders_unless_read_only(self, superuser_client, model):
        response = superuser_client.get(admin_url(model, "add"))

        assert response.status_code == (403 if model._meta.label_lower in NO_ADD_PAGE else 200)

    @pytest.mark.parametrize("model", REGISTERED, ids=lambda model: model._meta.label_lower)
    def test_change_page_renders(self, superuser_client, one_of_everything, model):
        obj = model._default_manager.first()

        response = superuser_client.get(admin_url(model, "change", obj.pk))

        assert response.status_code == 200
        assert response.context["has_change_permission"] is (model._meta.label_lower not in READ_ONLY)


class TestHistoryIsReadOnly:
    @pytest.mark.parametrize("model", [MatchingRun, Assignment, Segment, RunLock, AuditEvent])
    def test_nobody_deletes_history(self, superuser_client, one_of_everything, model):
        obj = model._default_manager.first()

        response = superuser_client.post(admin_url(model, "delete", obj.pk), {"post": "yes"})

        assert response.status_code == 403
        assert model._default_manager.filter(pk=obj.pk).exists()

    def test_nobody_changes_an_assignment(self, superuser_client, one_of_everything):
        assignment = Assignment.objects.get()

        response = superuser_client.post(admin_url(Assignment, "change", assignment.pk), {"reason": Reason.MANUAL})

        assert response.status_code == 403
        assert Assignment.objects.get().reason == Reason.BEST

    def test_staff_with_view_permission_only_reads(self, client, one_of_everything):
        staff = UserFactory(is_staff=True)
        staff.user_permissions.add(Permission.objects.get(codename="view_assignment"))
        client.force_login(staff)

        assert client.get(admin_url(Assignment, "changelist")).status_code == 200
        assert client.get(admin_url(CustomerProfile, "changelist")).status_code == 403


# --- changelists cost a fixed number of queries, whatever the number of rows ---------------------------


def make_customers(n: int) -> None:
    services, hobbies = ServiceFactory.create_batch(4), HobbyFactory.create_batch(4)
    managers = ManagerFactory.create_batch(3, capabilities=services, hobbies=hobbies)
    for i in range(n):
        CustomerFactory(manager=managers[i % 3], needs=services[:3], hobbies=hobbies[:2], segment=i % 4,
                        customer_class="ABCDE"[i % 5])


def make_managers(n: int) -> None:
    services, hobbies = ServiceFactory.create_batch(4), HobbyFactory.create_batch(4)
    for manager in ManagerFactory.create_batch(n, capabilities=services, hobbies=hobbies):
        CustomerFactory.create_batch(2, manager=manager)


def make_terms(n: int) -> None:
    services = ServiceFactory.create_batch(n)
    for i in range(3):
        CustomerFactory(needs=services[i:])
    ManagerFactory(capabilities=services)


def make_users(n: int) -> None:
    CustomerFactory.create_batch(n)
    ManagerFactory.create_batch(2)


CHANGELISTS = [
    pytest.param(CustomerProfile, make_customers, id="customers"),
    pytest.param(ManagerProfile, make_managers, id="managers"),
    pytest.param(Assignment, make_assignments, id="assignments"),
    pytest.param(Service, make_terms, id="services"),
    pytest.param(User, make_users, id="users"),
]


def changelist_queries(client, model, rows: int) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(admin_url(model, "changelist"))
    assert response.status_code == 200
    assert len(response.context["cl"].result_list) >= rows
    return len(queries)


@pytest.mark.parametrize(("model", "make"), CHANGELISTS)
def test_changelist_queries_do_not_grow_with_rows(superuser_client, model, make):
    make(5)
    few = changelist_queries(superuser_client, model, 5)
    make(25)

    many = changelist_queries(superuser_client, model, 30)

    assert many == few


def test_customer_changelist_query_budget(superuser_client, django_assert_max_num_queries):
    make_customers(30)

    # session, user, count, page, distinct segments
    with django_assert_max_num_queries(6):
        superuser_client.get(admin_url(CustomerProfile, "changelist"))


# --- what the pages show ------------------------------------------------------------------------------


def test_site_header(superuser_client):
    assert "Portrait 客户画像" in superuser_client.get(reverse("admin:index")).content.decode()


class TestUserInlines:
    def test_customer_user_shows_the_portrait(self, superuser_client, customer):
        content = superuser_client.get(admin_url(User, "change", customer.user.pk)).content.decode()

        assert 'name="customer_profile-TOTAL_FORMS"' in content
        assert 'name="manager_profile-TOTAL_FORMS"' not in content

    def test_manager_user_shows_the_manager_profile(self, superuser_client, manager):
        content = superuser_client.get(admin_url(User, "change", manager.user.pk)).content.decode()

        assert 'name="manager_profile-TOTAL_FORMS"' in content
        assert 'name="customer_profile-TOTAL_FORMS"' not in content

    def test_administrator_and_add_page_show_no_profile(self, superuser_client, superuser):
        for url in (admin_url(User, "change", superuser.pk), admin_url(User, "add")):
            content = superuser_client.get(url).content.decode()
            assert "_profile-TOTAL_FORMS" not in content

    def test_portrait_is_edited_through_its_user(self, superuser_client, customer, manager, services):
        user = customer.user
        data = {
            "username": user.username, "role": Role.CUSTOMER, "name": "赵敏", "is_active": "on",
            "customer_profile-TOTAL_FORMS": "1", "customer_profile-INITIAL_FORMS": "1",
            "customer_profile-MIN_NUM_FORMS": "0", "customer_profile-MAX_NUM_FORMS": "1",
            "customer_profile-0-id": customer.pk, "customer_profile-0-user": user.pk,
            "customer_profile-0-age": "61", "customer_profile-0-occupation": "退休人员",
            "customer_profile-0-total_assets": "1234567.89",
            "customer_profile-0-needs": [s.pk for s in services[:4]],
            "customer_profile-0-manager": manager.pk,
        }

        response = superuser_client.post(admin_url(User, "change", user.pk), data)

        assert response.status_code == 302, response.context["errors"] if response.context else response
        customer.refresh_from_db()
        assert (customer.user.name, customer.age, customer.total_assets) == ("赵敏", 61, Decimal("1234567.89"))
        assert set(customer.needs.all()) == set(services[:4]) and customer.hobbies.count() == 0
        assert customer.manager is None  # not editable here: only the service-backed action assigns


class TestUserForms:
    def test_add_form_sets_role_and_name(self, superuser_client):
        data = {"username": "m9", "role": Role.MANAGER, "name": "周杰", "usable_password": "false"}

        response = superuser_client.post(admin_url(User, "add"), data)

        assert response.status_code == 302
        user = User.objects.get(username="m9")
        assert (user.role, user.name, user.has_usable_password()) == (Role.MANAGER, "周杰", False)

    def test_making_someone_administrator_makes_them_staff(self, superuser_client):
        user = UserFactory(role=Role.CUSTOMER, is_staff=False)  # a customer without a portrait yet
        data = {
            "username": user.username, "role": Role.ADMIN, "name": user.name, "is_active": "on",
            "customer_profile-TOTAL_FORMS": "0", "customer_profile-INITIAL_FORMS": "0",
        }

        response = superuser_client.post(admin_url(User, "change", user.pk), data)

        assert response.status_code == 302
        user.refresh_from_db()
        assert (user.role, user.is_staff) == (Role.ADMIN, True)

    def test_role_filter_and_name_search(self, superuser_client):
        CustomerFactory(user__name="欧阳娜娜")
        ManagerFactory(user__name="欧阳锋")

        response = superuser_client.get(admin_url(User, "changelist"), {"role__exact": Role.MANAGER, "q": "欧阳"})

        assert [u.name for u in response.context["cl"].result_list] == ["欧阳锋"]


class TestCustomerChangelist:
    def test_has_manager_filter(self, superuser_client, manager):
        served = CustomerFactory(manager=manager)
        unserved = CustomerFactory()
        url = admin_url(CustomerProfile, "changelist")

        assert list(superuser_client.get(url, {"has_manager": "yes"}).context["cl"].result_list) == [served]
        assert list(superuser_client.get(url, {"has_manager": "no"}).context["cl"].result_list) == [unserved]

    def test_search_by_name_and_occupation(self, superuser_client):
        doctor = CustomerFactory(user__name="林医生", occupation="医生")
        CustomerFactory(user__name="王老师", occupation="教师")
        url = admin_url(CustomerProfile, "changelist")

        assert list(superuser_client.get(url, {"q": "医生"}).context["cl"].result_list) == [doctor]
        assert list(superuser_client.get(url, {"q": doctor.user.username}).context["cl"].result_list) == [doctor]

    def test_computed_fields_are_read_only(self, superuser_client, customer):
        response = superuser_client.get(admin_url(CustomerProfile, "change", customer.pk))

        form_fields = response.context["adminform"].form.fields
        assert "customer_class" not in form_fields and "segment" not in form_fields and "user" not in form_fields
        # The manager changes only through the "Assign to a manager" action, which checks capacity.
        assert "manager" not in form_fields and "manager_locked" not in form_fields
        assert {"needs", "hobbies", "age"} <= set(form_fields)


class TestAutocomplete:
    def autocomplete(self, client, field_name: str, term: str = "") -> list[str]:
        params = {"app_label": "customers", "model_name": "customerprofile", "field_name": field_name, "term": term}
        response = client.get(reverse("admin:autocomplete"), params)
        assert response.status_code == 200
        return [result["text"] for result in response.json()["results"]]

    def test_managers_are_found_by_name(self, superuser_client):
        ManagerFactory(user__username="m1", user__name="张经理")
        ManagerFactory(user__username="m2", user__name="李经理")

        assert self.autocomplete(superuser_client, "manager", "张") == ["张经理 (m1)"]

    def test_inactive_terms_are_not_offered(self, superuser_client):
        ServiceFactory(name="理财规划")
        ServiceFactory(name="贵金属", is_active=False)

        assert self.autocomplete(superuser_client, "needs") == ["理财规划"]

    def test_only_customer_users_are_offered_for_a_portrait(self, superuser_client):
        UserFactory(username="c-free", name="", role=Role.CUSTOMER)
        UserFactory(username="m-free", name="", role=Role.MANAGER)

        assert self.autocomplete(superuser_client, "user", "free") == ["c-free"]


def test_term_usage_counts(superuser_client):
    popular = ServiceFactory(name="理财规划")
    ServiceFactory(name="信托服务")  # used by nobody: counts 0, 0
    CustomerFactory.create_batch(3, needs=[popular])
    ManagerFactory(capabilities=[popular])

    rows = superuser_client.get(admin_url(popular, "changelist")).context["cl"].result_list

    assert {(s.name, s.customer_count, s.manager_count) for s in rows} == {("理财规划", 3, 1), ("信托服务", 0, 0)}


def test_manager_load_and_free_room(superuser_client):
    busy = ManagerFactory(user__username="m-busy", capacity=2)
    ManagerFactory(user__username="m-idle", capacity=5)
    CustomerFactory.create_batch(3, manager=busy)  # over capacity, e.g. by hand

    rows = superuser_client.get(admin_url(busy, "changelist")).context["cl"].result_list

    assert {(m.user.username, m.load, m.free_room) for m in rows} == {("m-busy", 3, -1), ("m-idle", 0, 5)}
