"""Changing managers from the admin goes through the services: capacity holds and history is kept."""
import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from customers.models import CustomerProfile
from matching.models import Assignment, MatchingRun, Reason, RunKind
from matching.services import run_automatic

from .conftest import SERVICES, refreshed

pytestmark = pytest.mark.django_db

CUSTOMERS = reverse("admin:customers_customerprofile_changelist")


def act(client, url, action, ids, **data):
    return client.post(url, {"action": action, ACTION_CHECKBOX_NAME: [str(i) for i in ids], **data}, follow=True)


class TestAssignAction:
    def test_asks_for_the_manager_first(self, admin_client, portraits):
        portraits.manager("m1")
        customer = portraits.customer("alice")
        response = act(admin_client, CUSTOMERS, "assign_manager", [customer.pk])
        assert response.status_code == 200
        assert "alice" in response.content.decode()
        assert 'name="manager"' in response.content.decode()
        assert refreshed(customer).manager is None

    def test_assigns_locks_and_records_who_did_it(self, admin_client, admin_user, portraits):
        manager = portraits.manager("m1", capabilities=SERVICES[:2])
        customers = [portraits.customer(needs=SERVICES[:2]) for _ in range(2)]
        response = act(admin_client, CUSTOMERS, "assign_manager", [c.pk for c in customers],
                       apply="1", manager=str(manager.pk), note="branch move")
        assert response.status_code == 200
        assert "2 customers assigned" in response.content.decode()
        for customer in customers:
            customer = refreshed(customer)
            assert customer.manager == manager and customer.manager_locked
        history = Assignment.objects.filter(reason=Reason.MANUAL)
        assert history.count() == 2
        assert {(a.actor, a.note, a.total) for a in history} == {(admin_user, "branch move", 2)}

    def test_a_full_manager_is_refused_with_a_message_and_nothing_changes(self, admin_client, portraits):
        manager = portraits.manager("m1", capacity=1)
        customers = [portraits.customer() for _ in range(2)]
        response = act(admin_client, CUSTOMERS, "assign_manager", [c.pk for c in customers],
                       apply="1", manager=str(manager.pk))
        assert "room for 1 more" in response.content.decode()
        assert not CustomerProfile.objects.filter(manager=manager).exists()

    def test_the_change_form_does_not_edit_the_manager(self, admin_client, portraits):
        portraits.manager("m1")
        customer = portraits.customer()
        url = reverse("admin:customers_customerprofile_change", args=[customer.pk])
        page = admin_client.get(url).content.decode()
        assert 'name="manager"' not in page and 'name="manager_locked"' not in page


def test_unlock_action(admin_client, portraits):
    manager = portraits.manager("m1")
    customer = portraits.customer(manager=manager, locked=True)
    act(admin_client, CUSTOMERS, "unlock_manager", [customer.pk])
    assert not refreshed(customer).manager_locked


def test_move_book_action(admin_client, portraits):
    leaving = portraits.manager("leaving")
    other = portraits.manager("other")
    customer = portraits.customer(manager=leaving)
    response = act(admin_client, reverse("admin:managers_managerprofile_changelist"), "move_book", [leaving.pk])
    assert "1 customer(s) moved" in response.content.decode()
    assert refreshed(customer).manager == other
    assert MatchingRun.objects.get().kind == RunKind.TRANSFER


def test_undo_action(admin_client, portraits):
    portraits.manager("m1")
    customer = portraits.customer()
    run = run_automatic().run
    response = act(admin_client, reverse("admin:matching_matchingrun_changelist"), "undo_run", [run.pk])
    assert "1 customer(s) restored" in response.content.decode()
    assert refreshed(customer).manager is None
    response = act(admin_client, reverse("admin:matching_matchingrun_changelist"), "undo_run", [run.pk])
    assert "already been undone" in response.content.decode()


def test_saving_a_portrait_in_the_admin_reclassifies_the_customer(
    admin_client, portraits, django_capture_on_commit_callbacks
):
    portraits.manager("m1", capabilities=SERVICES, hobbies=[])
    customer = portraits.customer(needs=[], age=40)
    url = reverse("admin:customers_customerprofile_change", args=[customer.pk])
    data = {
        "age": "41",
        "occupation": "医生",
        "total_assets": "1000.00",
        "needs": [str(portraits.services[name].pk) for name in SERVICES[:7]],
        "hobbies": [],
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else response
    assert refreshed(customer).customer_class == "B"  # total 7 is C; needs lead hobbies by 7: up to B


def test_choosing_a_manager_for_customers_offers_only_those_who_can_take_them(admin_client, portraits):
    """The manager autocomplete of the assign action (narrowed by matching.admin through the managers admin's hook)."""
    open_manager = portraits.manager("open")
    portraits.manager("leave", accepting=False)
    portraits.manager("gone", active=False)
    params = {"app_label": "customers", "model_name": "customerprofile", "field_name": "manager", "term": ""}
    response = admin_client.get(reverse("admin:autocomplete"), params)
    assert [result["text"] for result in response.json()["results"]] == [str(open_manager)]


def test_admin_actions_record_the_signed_in_user(admin_client, admin_user, portraits):
    from audit.models import AuditEvent

    customer = portraits.customer(manager=portraits.manager("m1"), locked=True)
    act(admin_client, CUSTOMERS, "unlock_manager", [customer.pk])
    assert AuditEvent.objects.get(action="customer.unlocked").actor == admin_user


def test_the_customer_and_manager_admins_stay_their_apps_and_offer_the_matching_actions(rf, admin_user):
    """Contributed through the apps' admin hooks (core.admin.AdminHooks): nobody unregisters and replaces
    the apps' own admins, whose classes name no matching action."""
    from django.contrib import admin

    from customers.admin import CustomerProfileAdmin
    from managers.admin import ManagerProfileAdmin
    from managers.models import ManagerProfile

    request = rf.get("/admin/")
    request.user = admin_user
    customers, managers = admin.site._registry[CustomerProfile], admin.site._registry[ManagerProfile]

    assert type(customers) is CustomerProfileAdmin and type(managers) is ManagerProfileAdmin
    assert {"assign_manager", "unlock_manager"} <= set(customers.get_actions(request))
    assert "move_book" in managers.get_actions(request)
    assert "assign_manager" not in [getattr(a, "__name__", a) for a in CustomerProfileAdmin.actions or []]
    assert "move_book" not in [getattr(a, "__name__", a) for a in ManagerProfileAdmin.actions or []]


def test_assigning_by_hand_needs_the_admin_role_not_just_the_change_permission(client, portraits, django_user_model):
    from django.contrib.auth.models import Permission

    clerk = django_user_model.objects.create_user("clerk", password="x", role="manager", is_staff=True)
    codenames = ["change_customerprofile", "view_customerprofile"]
    clerk.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    client.force_login(clerk)
    customer = portraits.customer(manager=portraits.manager("m1"), locked=True)

    page = client.get(CUSTOMERS).content.decode()
    assert "assign_manager" not in page and "unlock_manager" not in page
    act(client, CUSTOMERS, "unlock_manager", [customer.pk])

    assert refreshed(customer).manager_locked


def test_moving_a_book_needs_the_admin_role_not_just_the_change_permission(client, portraits, django_user_model):
    """Defect 7: a staff member holding managers.change_managerprofile could move a whole book."""
    from django.contrib.auth.models import Permission

    keeper = django_user_model.objects.create_user("keeper", password="x", role="manager", is_staff=True)
    codenames = ["change_managerprofile", "view_managerprofile"]
    keeper.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    client.force_login(keeper)
    leaving = portraits.manager("leaving")
    portraits.manager("other")
    customer = portraits.customer(manager=leaving)
    url = reverse("admin:managers_managerprofile_changelist")

    assert "move_book" not in client.get(url).content.decode()
    act(client, url, "move_book", [leaving.pk])

    assert refreshed(customer).manager == leaving
    assert not MatchingRun.objects.exists()


class TestCapacityInTheManagerAdmin:
    """Defect 3: the admin saved a capacity below the book silently, outside the run lock."""

    def post(self, client, manager, **overrides):
        data = {"capacity": manager.capacity, "accepting_customers": "on", **overrides}
        return client.post(reverse("admin:managers_managerprofile_change", args=[manager.pk]),
                           {key: value for key, value in data.items() if value is not None})

    def test_a_capacity_below_the_book_is_refused_without_confirmation(self, admin_client, portraits):
        manager = portraits.manager("m1", capacity=5)
        for _ in range(3):
            portraits.customer(manager=manager)

        response = self.post(admin_client, manager, capacity=1)

        assert response.status_code == 200
        assert "serves 3 customers" in str(response.context["adminform"].form.errors)
        assert refreshed(manager).capacity == 5

    def test_with_confirmation_it_is_saved_through_the_service_and_audited(self, admin_client, admin_user, portraits):
        from audit.models import AuditEvent

        manager = portraits.manager("m1", capacity=5)
        for _ in range(3):
            portraits.customer(manager=manager)

        response = self.post(admin_client, manager, capacity=1, confirm_overflow="on")

        assert response.status_code == 302
        assert refreshed(manager).capacity == 1
        event = AuditEvent.objects.get(action="manager.availability_updated")
        assert (event.actor, event.changes["capacity"]) == (admin_user, [5, 1])


class TestCapacityInTheInlineOnTheUserPage:
    """The manager profile edited on its user's page follows the same capacity rule as the manager page."""

    def post(self, client, manager, **profile):
        user = manager.user
        data = {
            "username": user.username, "role": user.role, "name": user.name, "is_active": "on",
            "manager_profile-TOTAL_FORMS": "1", "manager_profile-INITIAL_FORMS": "1",
            "manager_profile-MIN_NUM_FORMS": "0", "manager_profile-MAX_NUM_FORMS": "1",
            "manager_profile-0-id": manager.pk, "manager_profile-0-user": user.pk,
            "manager_profile-0-accepting_customers": "on",
            **{f"manager_profile-0-{name}": value for name, value in profile.items()},
        }
        return client.post(reverse("admin:accounts_user_change", args=[user.pk]), data)

    @pytest.fixture
    def busy(self, portraits):
        manager = portraits.manager("m1", capacity=5)
        for _ in range(3):
            portraits.customer(manager=manager)
        return manager

    def test_a_capacity_below_the_book_is_refused_without_confirmation(self, admin_client, busy):
        response = self.post(admin_client, busy, capacity=1)

        assert response.status_code == 200
        assert "serves 3 customers" in str(response.context["inline_admin_formsets"][0].formset.errors)
        assert refreshed(busy).capacity == 5

    def test_with_confirmation_it_goes_through_the_service_with_its_lock_and_audit(
        self, admin_client, admin_user, busy
    ):
        from audit.models import AuditEvent
        from matching.models import RunLock

        response = self.post(admin_client, busy, capacity=1, confirm_overflow="on")

        assert response.status_code == 302
        assert refreshed(busy).capacity == 1
        event = AuditEvent.objects.get(action="manager.availability_updated")
        assert (event.actor, event.changes["capacity"]) == (admin_user, [5, 1])
        assert RunLock.objects.get().holder.startswith("availability of m1")

    def test_a_capacity_that_fits_is_saved_with_the_capabilities(self, admin_client, busy):
        from vocabularies.models import Service

        funds = Service.objects.get(name=SERVICES[0])
        response = self.post(admin_client, busy, capacity=4, capabilities=[funds.pk])

        assert response.status_code == 302
        busy = refreshed(busy)
        assert busy.capacity == 4 and list(busy.capabilities.all()) == [funds]

    def test_when_a_run_holds_the_lock_the_admin_says_so_and_keeps_the_capacity(self, admin_client, busy, monkeypatch):
        from matching.errors import RunInProgress

        def run_in_progress(holder):
            raise RunInProgress("Another matching run is in progress; try again when it has finished.")

        monkeypatch.setattr("matching.services.availability.acquire_run_lock", run_in_progress)

        response = self.post(admin_client, busy, capacity=4)

        assert refreshed(busy).capacity == 5
        messages = [str(m) for m in response.wsgi_request._messages]
        assert any("Another matching run is in progress" in m for m in messages)
