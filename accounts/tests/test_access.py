"""accounts/access.py: each role sees and changes only what it may."""
import pytest
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.test import RequestFactory, override_settings
from django.contrib.auth.models import AnonymousUser

from accounts import access
from accounts.models import Role
from accounts.tests.factories import UserFactory
from customers.models import CustomerProfile
from customers.tests.factories import CustomerFactory
from managers.models import ManagerProfile
from managers.tests.factories import ManagerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    """Two managers with one customer each, a customer without a manager, an admin."""
    first, second = ManagerFactory(), ManagerFactory()
    return {
        "manager": first,
        "other_manager": second,
        "customer": CustomerFactory(manager=first),
        "other_customer": CustomerFactory(manager=second),
        "unassigned": CustomerFactory(),
        "admin": UserFactory(role=Role.ADMIN, is_staff=True),
    }


def test_customers_visible_to_each_role(world):
    everyone = CustomerProfile.objects.all()
    assert set(access.customers_visible_to(world["admin"], everyone)) == {
        world["customer"], world["other_customer"], world["unassigned"]
    }
    assert list(access.customers_visible_to(world["manager"].user, everyone)) == [world["customer"]]
    assert list(access.customers_visible_to(world["customer"].user, everyone)) == [world["customer"]]
    assert list(access.customers_visible_to(AnonymousUser(), everyone)) == []


def test_customers_visible_to_narrows_the_customers_it_is_given(world):
    """A list that starts from rows already narrowed (values, a filter) keeps them, scoped."""
    some = CustomerProfile.objects.exclude(pk=world["customer"].pk).values_list("pk", flat=True)

    assert list(access.customers_visible_to(world["manager"].user, some)) == []
    assert set(access.customers_visible_to(world["admin"], some)) == {
        world["other_customer"].pk, world["unassigned"].pk,
    }


def test_managers_visible_to_each_role(world):
    every = ManagerProfile.objects.all()
    assert set(access.managers_visible_to(world["admin"], every)) == {world["manager"], world["other_manager"]}
    assert list(access.managers_visible_to(world["manager"].user, every)) == [world["manager"]]
    assert list(access.managers_visible_to(world["customer"].user, every)) == [world["manager"]]
    assert list(access.managers_visible_to(world["unassigned"].user, every)) == []
    assert list(access.managers_visible_to(AnonymousUser(), every)) == []


def test_object_rules(world):
    customer, manager = world["customer"], world["manager"]

    assert access.can_view_customer(manager.user, customer)
    assert not access.can_view_customer(world["other_manager"].user, customer)
    assert not access.can_view_customer(world["other_customer"].user, customer)
    assert access.can_edit_portrait(customer.user, customer)
    assert not access.can_edit_portrait(manager.user, customer)  # managers read only
    assert access.can_edit_portrait(world["admin"], customer)
    assert access.can_edit_manager_profile(manager.user, manager)
    assert not access.can_edit_manager_profile(world["other_manager"].user, manager)
    assert not access.can_set_capacity(manager.user) and access.can_set_capacity(world["admin"])


def test_only_a_superuser_changes_privileges(world):
    assert not access.can_change_privileges(world["admin"])
    assert access.can_change_privileges(UserFactory(admin=True))


@pytest.mark.parametrize("role", [Role.CUSTOMER, Role.MANAGER])
def test_a_superuser_is_an_admin_whatever_their_role(role):
    superuser = UserFactory(role=role, is_staff=True, is_superuser=True)

    assert access.is_admin(superuser)
    assert not access.is_customer(superuser) and not access.is_manager(superuser)
    assert not access.can_use_portrait_page(superuser) and not access.can_use_workspace(superuser)
    assert access.home_url_name(superuser) == "console:dashboard"


def test_an_inactive_account_has_no_rights(world):
    admin = world["admin"]
    admin.is_active = False

    assert not access.is_admin(admin) and not access.customers_visible_to(admin, CustomerProfile.objects.all()).exists()


@override_settings(LOGIN_URL="/accounts/login/")
def test_page_decorator_sends_anonymous_to_sign_in_and_refuses_other_roles(world):
    view = access.access_required(access.can_use_console)(lambda request: HttpResponse("ok"))
    request = RequestFactory().get("/console/")

    request.user = AnonymousUser()
    assert view(request)["Location"] == "/accounts/login/?next=/console/"
    request.user = world["manager"].user
    with pytest.raises(PermissionDenied):
        view(request)
    request.user = world["admin"]
    assert view(request).status_code == 200


def test_home_of_each_role(world):
    assert access.home_url_name(world["admin"]) == "console:dashboard"
    assert access.home_url_name(world["manager"].user) == "portal:workspace"
    assert access.home_url_name(world["customer"].user) == "portal:me"
