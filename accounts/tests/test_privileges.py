"""Only a superuser changes privileges: a staff user holding `accounts.change_user` edits names, not powers.

Defect 2 of the trust issue: such a user could make itself superuser, grant itself every permission,
give another user staff, or set a role to admin. Defect 7: a role change that would leave a profile
serving customers is refused. Every change of a user in the admin is audited with its fields.
"""
import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from accounts.models import Role, User
from audit.models import AuditEvent
from accounts.tests.factories import UserFactory
from customers.tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def change_url(user) -> str:
    return reverse("admin:accounts_user_change", args=[user.pk])


def user_form(user, **overrides) -> dict:
    """What the change form posts for `user` unchanged, plus `overrides`."""
    data = {
        "username": user.username, "role": user.role, "name": user.name, "email": user.email,
        "first_name": "", "last_name": "", "is_active": "on",
        "customer_profile-TOTAL_FORMS": "0", "customer_profile-INITIAL_FORMS": "0",
        "manager_profile-TOTAL_FORMS": "0", "manager_profile-INITIAL_FORMS": "0",
    }
    if user.is_staff:
        data["is_staff"] = "on"
    if user.is_superuser:
        data["is_superuser"] = "on"
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


@pytest.fixture
def user_keeper(client):
    """A staff member allowed to change users, and nothing else: the attacker of defect 2."""
    keeper = UserFactory(username="keeper", role=Role.MANAGER, is_staff=True)
    keeper.user_permissions.add(
        Permission.objects.get(codename="change_user"), Permission.objects.get(codename="view_user"),
    )
    client.force_login(keeper)
    return keeper


PRIVILEGES = ("is_superuser", "is_staff", "groups", "user_permissions", "role")


class TestStaffWithChangeUserOnly:
    def test_sees_every_privilege_read_only(self, client, user_keeper):
        response = client.get(change_url(user_keeper))

        assert response.status_code == 200
        form_fields = response.context["adminform"].form.fields
        assert not set(PRIVILEGES) & set(form_fields)
        readonly = {field for fieldset in response.context["adminform"] for line in fieldset for field in line
                    if field.is_readonly}
        assert {field.field["name"] for field in readonly} >= set(PRIVILEGES)

    def test_cannot_make_itself_superuser(self, client, user_keeper):
        everything = list(Permission.objects.values_list("pk", flat=True))
        group = Group.objects.create(name="all powers")
        group.permissions.set(everything)

        response = client.post(change_url(user_keeper), user_form(
            user_keeper, is_superuser="on", role=Role.ADMIN, groups=[group.pk], user_permissions=everything,
        ))

        assert response.status_code == 302
        user_keeper.refresh_from_db()
        assert not user_keeper.is_superuser
        assert user_keeper.role == Role.MANAGER
        assert not user_keeper.groups.exists()
        assert set(user_keeper.user_permissions.values_list("codename", flat=True)) == {"change_user", "view_user"}

    def test_cannot_give_another_user_staff_or_admin_role(self, client, user_keeper):
        victim = UserFactory(username="plain", role=Role.CUSTOMER)

        client.post(change_url(victim), user_form(victim, is_staff="on", role=Role.ADMIN, name="改名"))

        victim.refresh_from_db()
        assert (victim.is_staff, victim.role, victim.name) == (False, Role.CUSTOMER, "改名")

    @pytest.mark.parametrize("powers", [{"is_staff": True}, {"is_staff": True, "is_superuser": True}])
    def test_cannot_change_staff_or_superusers_at_all(self, client, user_keeper, powers):
        colleague = UserFactory(username="colleague", role=Role.ADMIN, **powers)

        assert client.post(change_url(colleague), user_form(colleague, is_staff=None, name="x")).status_code == 403
        password_url = reverse("admin:auth_user_password_change", args=[colleague.pk])
        taken_over = "taken-over-password-1"  # noqa: S105 - test data
        response = client.post(password_url, {"password1": taken_over, "password2": taken_over})

        assert response.status_code == 403
        colleague.refresh_from_db()
        assert colleague.is_staff and colleague.name != "x"
        assert not colleague.check_password("taken-over-password-1")

    def test_adds_users_only_as_customers(self, client, user_keeper):
        user_keeper.user_permissions.add(Permission.objects.get(codename="add_user"))

        response = client.post(reverse("admin:accounts_user_add"), {
            "username": "sneaky", "role": Role.ADMIN, "name": "x", "usable_password": "false",
            "is_superuser": "on", "is_staff": "on",
        })

        assert response.status_code == 302
        sneaky = User.objects.get(username="sneaky")
        assert (sneaky.role, sneaky.is_staff, sneaky.is_superuser) == (Role.CUSTOMER, False, False)


class TestSuperuser:
    def test_changes_privileges_and_the_change_is_audited(self, superuser_client, superuser):
        target = UserFactory(username="promoted", role=Role.CUSTOMER)
        group = Group.objects.create(name="auditors")

        response = superuser_client.post(change_url(target), user_form(
            target, role=Role.ADMIN, is_staff="on", groups=[group.pk],
        ))

        assert response.status_code == 302
        target.refresh_from_db()
        assert (target.role, target.is_staff) == (Role.ADMIN, True)
        event = AuditEvent.objects.get(action="user.updated")
        assert event.actor == superuser
        assert event.target_id == str(target.pk)
        assert event.changes["role"] == [Role.CUSTOMER, Role.ADMIN]
        assert event.changes["is_staff"] == [False, True]
        assert event.changes["groups"] == [[], ["auditors"]]

    def test_saving_without_changes_records_nothing(self, superuser_client):
        target = UserFactory(username="same", role=Role.CUSTOMER)

        superuser_client.post(change_url(target), user_form(target))

        assert not AuditEvent.objects.filter(action="user.updated").exists()


class TestRoleChangeKeepsProfilesServed:
    def test_manager_with_customers_cannot_become_customer(self, superuser_client, manager):
        CustomerFactory(manager=manager)

        response = superuser_client.post(change_url(manager.user), user_form(
            manager.user, role=Role.CUSTOMER,
            **{"manager_profile-TOTAL_FORMS": "1", "manager_profile-INITIAL_FORMS": "1",
               "manager_profile-0-id": manager.pk, "manager_profile-0-user": manager.user.pk,
               "manager_profile-0-capacity": manager.capacity, "manager_profile-0-accepting_customers": "on"},
        ))

        assert response.status_code == 200
        assert "serves" in str(response.context["adminform"].form.errors["role"])
        manager.user.refresh_from_db()
        assert manager.user.role == Role.MANAGER

    def test_customer_with_a_portrait_cannot_become_manager(self, superuser_client, customer):
        response = superuser_client.post(change_url(customer.user), user_form(customer.user, role=Role.MANAGER))

        assert response.status_code == 200
        assert response.context["adminform"].form.errors["role"]
        customer.user.refresh_from_db()
        assert customer.user.role == Role.CUSTOMER

    def test_user_without_a_profile_changes_role(self, superuser_client):
        target = UserFactory(username="fresh", role=Role.CUSTOMER)

        response = superuser_client.post(change_url(target), user_form(target, role=Role.MANAGER))

        assert response.status_code == 302
        target.refresh_from_db()
        assert target.role == Role.MANAGER


class TestAuditLogIsUntouchable:
    def test_a_superuser_can_neither_change_nor_delete_an_event(self, superuser_client, superuser):
        from audit.services import audit_record

        event = audit_record(actor=superuser, action="user.updated", summary="before")
        url = reverse("admin:audit_auditevent_change", args=[event.pk])

        assert superuser_client.post(url, {"summary": "after"}).status_code == 403
        assert superuser_client.post(reverse("admin:audit_auditevent_delete", args=[event.pk]),
                                     {"post": "yes"}).status_code == 403
        bulk = superuser_client.post(reverse("admin:audit_auditevent_changelist"),
                                     {"action": "delete_selected", "_selected_action": [event.pk], "post": "yes"})
        assert bulk.status_code == 200  # the list again, with no action offered at all
        assert bulk.context["action_form"] is None
        assert AuditEvent.objects.get(pk=event.pk).summary == "before"
