"""Where each visitor lands and what each sees on the portal; the status of every page for every caller is
in portrait/tests/test_access_matrix.py, generated from the URL configuration."""
import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

LOGIN = reverse("portal:login")

VISITORS = ["anonymous", "customer", "other_customer", "manager", "other_manager", "admin"]


@pytest.mark.parametrize("visitor", VISITORS)
def test_sign_in_and_register_pages_are_open_to_visitors_and_send_others_home(client, user_by_role, visitor):
    if user_by_role[visitor] is not None:
        client.force_login(user_by_role[visitor])
    for name in ("portal:login", "portal:register"):
        response = client.get(reverse(name))
        if visitor == "anonymous":
            assert response.status_code == 200
        else:
            assert response.status_code == 302
            assert response["Location"] == reverse("portal:home")


@pytest.mark.parametrize(("visitor", "home"), [
    ("anonymous", "/accounts/login/"),
    ("customer", "/me/"),
    ("other_customer", "/me/"),
    ("manager", "/workspace/"),
    ("other_manager", "/workspace/"),
])
def test_home_sends_each_role_to_its_page(client, user_by_role, visitor, home):
    if user_by_role[visitor] is not None:
        client.force_login(user_by_role[visitor])

    response = client.get("/")

    assert response.status_code == 302
    assert response["Location"] == home


def test_home_sends_an_admin_to_the_console(client, user_by_role):
    client.force_login(user_by_role["admin"])

    response = client.get("/")

    assert response.status_code == 302
    assert response["Location"] == "/console/"


@pytest.mark.parametrize(("visitor", "home"), [("customer", "/me/"), ("manager", "/workspace/")])
def test_signing_in_lands_each_role_on_its_home(client, user_by_role, visitor, home):
    from accounts.tests.factories import TEST_PASSWORD

    response = client.post(LOGIN, {"username": user_by_role[visitor].username, "password": TEST_PASSWORD}, follow=True)

    assert response.redirect_chain[-1][0] == home
    assert response.status_code == 200


def test_a_customer_sees_only_their_own_portrait_and_manager(client, user_by_role, own_customer, other_customer):
    client.force_login(user_by_role["customer"])

    html = client.get(reverse("portal:me")).content.decode()

    assert own_customer.manager.user.name in html
    assert other_customer.user.name not in html
    assert other_customer.manager.user.name not in html


def test_a_manager_lists_only_their_own_customers(client, user_by_role, own_customer, other_customer):
    client.force_login(user_by_role["manager"])

    html = client.get(reverse("portal:workspace")).content.decode()

    assert own_customer.user.name in html
    assert other_customer.user.name not in html


def test_a_manager_gets_404_for_a_customer_of_another_manager(client, user_by_role, other_customer):
    client.force_login(user_by_role["manager"])

    response = client.get(reverse("portal:workspace_customer", args=[other_customer.pk]))

    assert response.status_code == 404


def test_logout_is_post_only(client, user_by_role):
    client.force_login(user_by_role["customer"])

    assert client.get(reverse("portal:logout")).status_code == 405
    response = client.post(reverse("portal:logout"), follow=True)

    assert response.redirect_chain == [(LOGIN, 302)]
    assert "You have signed out." in [str(m) for m in response.context["messages"]]
    assert client.get(reverse("portal:me")).status_code == 302


def test_forms_are_protected_by_csrf(user_by_role):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(user_by_role["customer"])

    response = client.post(reverse("portal:me"), {"age": 40, "total_assets": "1"})

    assert response.status_code == 403
    assert "The form has expired" in response.content.decode()  # in the site's layout, not Django's page
