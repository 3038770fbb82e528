"""Cross-access on the pages and the Django admin, against accounts/access.py (the reference of who may do what).

- exports: only an administrator downloads customers, whatever Django permissions or staff flag others hold;
- admin actions: assigning, unlocking, undoing a run and setting a capacity are an administrator's
  decisions (`can_assign_by_hand`, `can_run_matching`, `can_set_capacity`), not a data clerk's, even one
  holding the model's change permission (moving a book: matching/tests/test_admin.py);
- forbidden fields: what a customer posts on the registration and portrait pages never sets a role, a
  privilege, a manager, a class or a capacity;
- guessed ids: a manager who tries every id in the workspace opens their own customers only.
"""
import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from accounts.models import Role, User
from accounts.tests.factories import UserFactory
from customers.models import CustomerProfile
from managers.models import ManagerProfile
from matching.models import Assignment, MatchingRun
from matching.services import run_automatic

pytestmark = pytest.mark.django_db

CUSTOMERS_ADMIN = reverse("admin:customers_customerprofile_changelist")
MANAGERS_ADMIN = reverse("admin:managers_managerprofile_changelist")
RUNS_ADMIN = reverse("admin:matching_matchingrun_changelist")


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def clerk(*codenames, role=Role.MANAGER) -> User:
    """A staff member without the admin role, holding exactly these Django permissions."""
    user = UserFactory(username=f"clerk_{role}_{len(codenames)}", role=role, is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    return user


EVERY_CUSTOMER_PERMISSION = ["view_customerprofile", "change_customerprofile", "add_customerprofile",
                             "delete_customerprofile"]


@pytest.fixture
def outsiders(bank):
    """Everyone signed in who is not an administrator, each with a client."""
    return {
        "manager": signed_in(bank["m1"].user),
        "customer": signed_in(bank["customers"]["alice"].user),
        "staff manager with every customer permission": signed_in(clerk(*EVERY_CUSTOMER_PERMISSION)),
        "staff customer": signed_in(clerk("view_customerprofile", role=Role.CUSTOMER)),
    }


def act(client, url, action, ids, **data):
    return client.post(url, {"action": action, ACTION_CHECKBOX_NAME: [str(i) for i in ids], **data}, follow=True)


class TestExports:
    @pytest.mark.parametrize("fmt", ["csv", "xlsx"])
    def test_nobody_but_an_administrator_downloads_the_customer_list(self, bank, outsiders, console_admin_client, fmt):
        url = reverse("console:customer_export") + f"?format={fmt}"

        for who, client in outsiders.items():
            response = client.get(url)
            assert response.status_code == 403, who
            assert "Content-Disposition" not in response, who
        assert "attachment" in console_admin_client.get(url)["Content-Disposition"]

    @pytest.mark.parametrize("action", ["export_csv", "export_xlsx"])
    def test_nobody_but_an_administrator_exports_selected_customers(
        self, bank, outsiders, console_admin_client, action,
    ):
        ids = [customer.pk for customer in bank["customers"].values()]
        body = {"action": action, "ids": ids}

        for who, client in outsiders.items():
            response = client.post(reverse("console:customer_bulk"), body)
            assert response.status_code == 403, who
            assert "Content-Disposition" not in response, who
        assert "attachment" in console_admin_client.post(reverse("console:customer_bulk"), body)["Content-Disposition"]

    def test_an_inactive_administrator_is_sent_to_sign_in(self, bank):
        admin = UserFactory(username="gone", admin=True)
        client = signed_in(admin)
        User.objects.filter(pk=admin.pk).update(is_active=False)

        response = client.get(reverse("console:customer_export"))

        assert response.status_code == 302 and "Content-Disposition" not in response


class TestAdminActions:
    def test_a_clerk_who_only_views_customers_cannot_assign_them(self, bank):
        client = signed_in(clerk("view_customerprofile"))
        carol = bank["customers"]["carol"]

        assert "assign_manager" not in client.get(CUSTOMERS_ADMIN).content.decode()
        act(client, CUSTOMERS_ADMIN, "assign_manager", [carol.pk], manager=bank["m2"].pk, note="", apply="1")

        assert CustomerProfile.objects.get(pk=carol.pk).manager is None
        assert not Assignment.objects.exists()

    def test_a_clerk_who_changes_customers_still_cannot_assign_or_unlock_them(self, bank):
        """Changing a portrait is data upkeep; choosing a manager is an administrator's decision."""
        client = signed_in(clerk("view_customerprofile", "change_customerprofile"))
        carol, alice = bank["customers"]["carol"], bank["customers"]["alice"]
        CustomerProfile.objects.filter(pk=alice.pk).update(manager_locked=True)

        page = client.get(CUSTOMERS_ADMIN).content.decode()
        act(client, CUSTOMERS_ADMIN, "assign_manager", [carol.pk], manager=bank["m2"].pk, note="", apply="1")
        act(client, CUSTOMERS_ADMIN, "unlock_manager", [alice.pk])

        assert "assign_manager" not in page and "unlock_manager" not in page
        assert CustomerProfile.objects.get(pk=carol.pk).manager is None
        assert CustomerProfile.objects.get(pk=alice.pk).manager_locked
        assert not Assignment.objects.exists()

    def test_a_clerk_who_changes_customers_cannot_undo_a_run(self, bank):
        run = run_automatic().run
        placed = dict(CustomerProfile.objects.values_list("pk", "manager_id"))
        client = signed_in(clerk("view_customerprofile", "change_customerprofile", "view_matchingrun"))

        assert "undo_run" not in client.get(RUNS_ADMIN).content.decode()
        act(client, RUNS_ADMIN, "undo_run", [run.pk])

        assert dict(CustomerProfile.objects.values_list("pk", "manager_id")) == placed
        assert MatchingRun.objects.count() == 1

    def test_a_clerk_who_changes_managers_cannot_set_a_capacity(self, bank):
        manager = bank["m2"]
        client = signed_in(clerk("view_managerprofile", "change_managerprofile"))
        url = reverse("admin:managers_managerprofile_change", args=[manager.pk])

        form = client.get(url).context["adminform"].form
        client.post(url, {"capacity": 500, "accepting_customers": "on", "confirm_overflow": "on"})

        assert "capacity" not in form.fields
        assert ManagerProfile.objects.get(pk=manager.pk).capacity == manager.capacity

    def test_a_clerk_who_changes_users_and_managers_cannot_set_a_capacity_on_the_user_page(self, bank):
        manager = bank["m2"]
        user = manager.user
        client = signed_in(clerk("view_user", "change_user", "view_managerprofile", "change_managerprofile"))
        url = reverse("admin:accounts_user_change", args=[user.pk])

        inline = client.get(url).context["inline_admin_formsets"][0].formset.forms[0]
        response = client.post(url, {
            "username": user.username, "role": user.role, "name": "改名", "email": user.email, "is_active": "on",
            "manager_profile-TOTAL_FORMS": "1", "manager_profile-INITIAL_FORMS": "1",
            "manager_profile-MIN_NUM_FORMS": "0", "manager_profile-MAX_NUM_FORMS": "1",
            "manager_profile-0-id": manager.pk, "manager_profile-0-user": user.pk,
            "manager_profile-0-capacity": "777", "manager_profile-0-confirm_overflow": "on",
            "manager_profile-0-accepting_customers": "on",
        })

        assert "capacity" not in inline.fields
        assert response.status_code == 302  # the rest of the page is theirs to change
        assert User.objects.get(pk=user.pk).name == "改名"
        assert ManagerProfile.objects.get(pk=manager.pk).capacity == manager.capacity

    def test_an_administrator_still_sets_a_capacity_in_the_admin(self, bank):
        manager = bank["m2"]
        client = signed_in(UserFactory(username="ops", role=Role.ADMIN, is_staff=True, is_superuser=True))

        response = client.post(reverse("admin:managers_managerprofile_change", args=[manager.pk]),
                               {"capacity": 8, "accepting_customers": "on"})

        assert response.status_code == 302
        assert ManagerProfile.objects.get(pk=manager.pk).capacity == 8


class TestForbiddenFieldsOnPages:
    SMUGGLED = {"role": Role.ADMIN, "is_staff": "on", "is_superuser": "on", "groups": "1", "user_permissions": "1",
                "capacity": "999", "manager": "1", "customer_class": "A", "segment": "3", "manager_locked": "on"}

    def test_registering_sets_none_of_them(self, bank):
        password = "a-long-Passphrase-42"
        Client().post(reverse("portal:register"), {
            "username": "sneaky", "name": "S", "email": "", "password": password, "password_again": password,
            **self.SMUGGLED,
        })

        user = User.objects.get(username="sneaky")
        assert (user.role, user.is_staff, user.is_superuser) == (Role.CUSTOMER, False, False)
        assert not user.groups.exists() and not user.user_permissions.exists()
        assert not ManagerProfile.objects.filter(user=user).exists()
        assert not CustomerProfile.objects.filter(user=user).exists()

    def test_editing_the_portrait_sets_none_of_them(self, bank):
        alice = bank["customers"]["alice"]
        client = signed_in(alice.user)
        portrait = {"age": 41, "occupation": "律师", "total_assets": "1000.00"}
        fields = ("age", "manager_id", "customer_class", "segment", "manager_locked")
        before = CustomerProfile.objects.values(*fields).get(pk=alice.pk)
        capacities = dict(ManagerProfile.objects.values_list("pk", "capacity"))

        client.post(reverse("portal:me"), {**portrait, **self.SMUGGLED, "manager": bank["m2"].pk})
        smuggled = CustomerProfile.objects.values(*fields).get(pk=alice.pk)
        client.post(reverse("portal:me"), portrait)
        plain = CustomerProfile.objects.values(*fields).get(pk=alice.pk)

        assert smuggled["age"] == 41  # the portrait itself was saved
        assert smuggled == plain  # the class is the one the portrait earns, not the one posted
        assert {key: smuggled[key] for key in ("manager_id", "segment", "manager_locked")} == {
            key: before[key] for key in ("manager_id", "segment", "manager_locked")}
        user = User.objects.get(pk=alice.user.pk)
        assert (user.role, user.is_staff, user.is_superuser) == (Role.CUSTOMER, False, False)
        assert not user.groups.exists() and not user.user_permissions.exists()
        assert dict(ManagerProfile.objects.values_list("pk", "capacity")) == capacities


class TestGuessedIds:
    def test_a_manager_trying_every_id_in_the_workspace_opens_only_their_own_customers(self, bank):
        client = signed_in(bank["m1"].user)
        own = set(CustomerProfile.objects.filter(manager=bank["m1"]).values_list("pk", flat=True))
        ids = set(CustomerProfile.objects.values_list("pk", flat=True)) | set(User.objects.values_list("pk", flat=True))

        opened = {pk for pk in ids | {0, max(ids) + 1}
                  if client.get(reverse("portal:workspace_customer", args=[pk])).status_code == 200}
        refused = {client.get(reverse("portal:workspace_customer", args=[pk])).status_code for pk in ids - own}

        assert opened == own
        assert refused == {404}

    def test_a_manager_cannot_open_any_customer_in_the_console(self, bank):
        client = signed_in(bank["m1"].user)

        for customer in CustomerProfile.objects.all():
            assert client.get(reverse("console:customer", args=[customer.pk])).status_code == 403
