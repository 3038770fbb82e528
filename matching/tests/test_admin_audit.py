"""A portrait edited in the Django admin goes through the services the portal, the console and the API use:
one audit event with the fields that changed, none for a save that changes nothing, the class computed
again (assets decide the tier, hence who may serve the customer)."""
import pytest
from django.urls import reverse

from audit.models import AuditEvent
from matching.services.classify import customers_reclassify

from .conftest import HOBBIES, SERVICES, refreshed

pytestmark = pytest.mark.django_db


def edits():
    """The events of the edits (the test client's sign-in is one too)."""
    return AuditEvent.objects.exclude(action__startswith="auth.")


def customer_form(customer) -> dict:
    return {
        "age": customer.age, "occupation": customer.occupation, "total_assets": customer.total_assets,
        "branch": customer.branch_id or "",
        "needs": [term.pk for term in customer.needs.all()], "hobbies": [term.pk for term in customer.hobbies.all()],
    }


def manager_form(manager) -> dict:
    return {
        "phone": manager.phone, "branch": manager.branch_id or "", "tiers": list(manager.tiers),
        "capabilities": [term.pk for term in manager.capabilities.all()],
        "hobbies": [term.pk for term in manager.hobbies.all()],
        "capacity": manager.capacity, "accepting_customers": "on" if manager.accepting_customers else "",
    }


def post_page(client, profile, form, **changes):
    name = "customers_customerprofile" if "age" in form else "managers_managerprofile"
    data = {key: value for key, value in {**form, **changes}.items() if value != ""}
    response = client.post(reverse(f"admin:{name}_change", args=[profile.pk]), data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else response
    return response


def post_user_page(client, profile, form, **changes):
    user, prefix = profile.user, "customer_profile" if "age" in form else "manager_profile"
    data = {
        "username": user.username, "role": user.role, "name": user.name, "is_active": "on",
        f"{prefix}-TOTAL_FORMS": "1", f"{prefix}-INITIAL_FORMS": "1",
        f"{prefix}-MIN_NUM_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "1",
        f"{prefix}-0-id": profile.pk, f"{prefix}-0-user": user.pk,
        **{f"{prefix}-0-{key}": value for key, value in {**form, **changes}.items() if value != ""},
    }
    response = client.post(reverse("admin:accounts_user_change", args=[user.pk]), data)
    assert response.status_code == 302, response.context["errors"] if response.context else response
    return response


@pytest.fixture(params=[post_page, post_user_page], ids=["model page", "user page inline"])
def post(request):
    return request.param


@pytest.fixture
def customer(portraits):
    return portraits.customer(needs=SERVICES[:2], hobbies=HOBBIES[:1], age=40, assets="100000.00")


@pytest.fixture
def manager(portraits):
    return portraits.manager("m1", capabilities=SERVICES[:2], hobbies=HOBBIES[:1], capacity=10)


class TestCustomerPortrait:
    def test_an_edit_is_one_event_with_the_changed_fields_only(self, admin_client, admin_user, customer, post):
        post(admin_client, customer, customer_form(customer), age=41, hobbies=[customer.hobbies.get().pk + 1])

        event = edits().get()
        assert (event.action, event.actor, event.target_id) == (
            "customer.portrait_updated", admin_user, str(customer.pk)
        )
        assert event.changes == {"age": [40, 41], "hobbies": [[HOBBIES[0]], [HOBBIES[1]]]}
        assert refreshed(customer).age == 41

    def test_a_save_that_changes_nothing_records_nothing(self, admin_client, customer, post):
        post(admin_client, customer, customer_form(customer))

        assert not edits().exists()

    def test_assets_alone_move_the_tier_and_the_class(
        self, admin_client, portraits, customer, post, django_capture_on_commit_callbacks
    ):
        portraits.manager("vip1", capabilities=SERVICES[:7], tiers=["vip"])
        customer.needs.set([portraits.services[name] for name in SERVICES[:7]])
        customers_reclassify(customer_ids=[customer.pk])  # mass tier: the vip manager may not serve them
        before = refreshed(customer).customer_class

        with django_capture_on_commit_callbacks(execute=True):
            post(admin_client, customer, customer_form(customer), total_assets="600000.00")

        assert (before, refreshed(customer).customer_class) == ("E", "B")  # no eligible manager; then 7 shared needs
        assert edits().get().changes == {"total_assets": ["100000.00", "600000.00"]}

    def test_the_branch_keeps_its_own_event(self, admin_client, customer, post):
        from vocabularies.tests.factories import BranchFactory

        branch = BranchFactory(code="SZ")
        post(admin_client, customer, customer_form(customer), branch=branch.pk)

        event = edits().get()
        assert (event.action, event.changes) == ("customer.branch_changed", {"branch": [None, "SZ"]})


class TestManagerProfile:
    def test_services_and_hobbies_are_one_event_with_the_changed_fields_only(
        self, admin_client, admin_user, manager, post
    ):
        services = [term.pk for term in manager.capabilities.all()][:1]
        post(admin_client, manager, manager_form(manager), capabilities=services)

        event = edits().get()
        assert (event.action, event.actor) == ("manager.profile_updated", admin_user)
        assert event.changes == {"capabilities": [SERVICES[:2], SERVICES[:1]]}

    def test_the_phone_is_one_event(self, admin_client, manager, post):
        post(admin_client, manager, manager_form(manager), phone="010-65528888")

        event = edits().get()
        assert (event.action, event.changes) == ("manager.contact_updated", {"phone": ["", "010-65528888"]})

    def test_a_save_that_changes_nothing_records_nothing(self, admin_client, manager, post):
        post(admin_client, manager, manager_form(manager))

        assert not edits().exists()


def test_the_audit_log_shows_an_admin_edit_in_both_languages(admin_client, customer):
    post_page(admin_client, customer, customer_form(customer), total_assets="600000.00")

    english = admin_client.get(reverse("console:audit"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    chinese = admin_client.get(reverse("console:audit"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "Portrait changed" in english and "Total assets" in english
    assert "Portrait changed" not in chinese and "Total assets" not in chinese


def post_add_page(client, user, form):
    name = "customers_customerprofile" if "age" in form else "managers_managerprofile"
    data = {key: value for key, value in {"user": user.pk, **form}.items() if value != ""}
    response = client.post(reverse(f"admin:{name}_add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else response
    return response


def post_user_page_add(client, user, form):
    prefix = "customer_profile" if "age" in form else "manager_profile"
    data = {
        "username": user.username, "role": user.role, "name": user.name, "email": user.email, "is_active": "on",
        f"{prefix}-TOTAL_FORMS": "1", f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "1", f"{prefix}-0-user": user.pk,
        **{f"{prefix}-0-{key}": value for key, value in form.items() if value != ""},
    }
    response = client.post(reverse("admin:accounts_user_change", args=[user.pk]), data)
    assert response.status_code == 302, response.context["errors"] if response.context else response
    return response


@pytest.fixture(params=[post_add_page, post_user_page_add], ids=["add page", "user page inline"])
def add(request):
    return request.param


class TestCreation:
    """A profile added in the admin is created by the service the other surfaces use: one creation event with
    the new values, nothing recorded twice."""

    def test_a_new_customer_is_one_event_and_is_classified(
        self, admin_client, admin_user, portraits, add, django_capture_on_commit_callbacks
    ):
        from accounts.models import Role
        from accounts.tests.factories import UserFactory
        from customers.models import CustomerProfile

        portraits.manager("m1", capabilities=SERVICES[:7])
        user = UserFactory(username="newcustomer", role=Role.CUSTOMER)
        form = {
            "age": 35, "occupation": "Teacher", "total_assets": "100000.00", "branch": "",
            "needs": [portraits.services[name].pk for name in SERVICES[:7]],
            "hobbies": [portraits.hobbies[HOBBIES[0]].pk],
        }

        with django_capture_on_commit_callbacks(execute=True):
            add(admin_client, user, form)

        customer = CustomerProfile.objects.get(user=user)
        event = edits().get()
        assert (event.action, event.actor, event.target_id) == (
            "customer.portrait_created", admin_user, str(customer.pk)
        )
        assert event.changes == {
            "age": [None, 35], "occupation": [None, "Teacher"], "total_assets": [None, "100000.00"],
            "needs": [None, SERVICES[:7]], "hobbies": [None, HOBBIES[:1]],
        }
        assert customer.customer_class == "B"  # computed as on the portal: seven needs the manager offers

    def test_a_new_customer_in_a_branch_has_the_branch_as_its_own_event(self, admin_client, portraits, add):
        from accounts.models import Role
        from accounts.tests.factories import UserFactory
        from vocabularies.tests.factories import BranchFactory

        branch = BranchFactory(code="SZ")
        user = UserFactory(username="newcustomer", role=Role.CUSTOMER)
        add(admin_client, user, {"age": 35, "occupation": "", "total_assets": "1000.00", "branch": branch.pk,
                                 "needs": [], "hobbies": []})

        assert list(edits().order_by("pk").values_list("action", flat=True)) == [
            "customer.portrait_created", "customer.branch_changed"
        ]
        assert edits().get(action="customer.branch_changed").changes == {"branch": [None, "SZ"]}

    def test_a_term_no_longer_offered_is_refused_and_nothing_is_created(self, admin_client, portraits):
        from accounts.models import Role
        from accounts.tests.factories import UserFactory
        from customers.models import CustomerProfile

        retired = portraits.services[SERVICES[0]]
        retired.is_active = False
        retired.save()
        user = UserFactory(username="newcustomer", role=Role.CUSTOMER)
        response = admin_client.post(reverse("admin:customers_customerprofile_add"), {
            "user": user.pk, "age": 35, "total_assets": "1000.00", "needs": [retired.pk],
        })

        assert response.status_code == 200
        assert "needs" in response.context["adminform"].form.errors
        assert not CustomerProfile.objects.filter(user=user).exists() and not edits().exists()

    def test_a_new_manager_is_one_event_with_every_value(self, admin_client, admin_user, portraits, add):
        from accounts.models import Role
        from accounts.tests.factories import UserFactory
        from managers.models import ManagerProfile
        from vocabularies.tests.factories import BranchFactory

        branch = BranchFactory(code="SZ")
        user = UserFactory(username="newmanager", role=Role.MANAGER)
        add(admin_client, user, {
            "phone": "010-65528888", "branch": branch.pk, "tiers": ["vip"],
            "capabilities": [portraits.services[name].pk for name in SERVICES[:2]],
            "hobbies": [portraits.hobbies[HOBBIES[0]].pk], "capacity": 12, "accepting_customers": "on",
        })

        manager = ManagerProfile.objects.get(user=user)
        assert (manager.capacity, manager.branch, manager.tiers) == (12, branch, ["vip"])
        assert sorted(manager.capabilities.values_list("name", flat=True)) == SERVICES[:2]
        event = edits().get()
        assert (event.action, event.actor, event.target_id) == ("manager.created", admin_user, str(manager.pk))
        assert event.changes == {
            "phone": [None, "010-65528888"], "branch": [None, "SZ"], "tiers": [None, ["vip"]],
            "capacity": [None, 12], "accepting_customers": [None, True],
            "capabilities": [None, SERVICES[:2]], "hobbies": [None, HOBBIES[:1]],
        }


def test_the_audit_log_shows_a_new_manager_in_both_languages(admin_client, portraits):
    from accounts.models import Role
    from accounts.tests.factories import UserFactory

    user = UserFactory(username="newmanager", role=Role.MANAGER)
    post_add_page(admin_client, user, {"phone": "010-65528888", "capacity": 12, "accepting_customers": "on"})

    english = admin_client.get(reverse("console:audit"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    chinese = admin_client.get(reverse("console:audit"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "Manager profile created" in english and "Phone" in english
    assert "创建客户经理档案" in chinese and "电话" in chinese
