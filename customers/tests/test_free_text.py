"""Free text (occupation, names, reasons) gets the one rule (`core.text`) on every way in: the API, the
pages, the imports, the Django admin and the services behind them."""
import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

from accounts.models import Role, User
from customers.models import CustomerProfile
from customers.tests.factories import CustomerFactory
from managers.tests.factories import ManagerFactory

pytestmark = pytest.mark.django_db

PROBED = ["\x1f", "\x0b", "\x07", "\u202e"]  # what the probe stored through the API


@pytest.fixture
def customer_client(customer):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {RefreshToken.for_user(customer.user).access_token}")
    return client


@pytest.mark.parametrize("character", PROBED)
def test_the_api_refuses_control_and_bidi_characters_in_an_occupation(character, customer, customer_client):
    response = customer_client.patch(
        f"/api/customers/{customer.user_id}/profile", {"occupation": f"teacher{character}x"}, format="json",
    )

    customer.refresh_from_db()
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["occupation"]
    assert character not in customer.occupation


def test_the_api_stores_an_occupation_nfc_normalised(customer, customer_client):
    response = customer_client.patch(
        f"/api/customers/{customer.user_id}/profile", {"occupation": "Cafe\u0301 owner"}, format="json",
    )

    customer.refresh_from_db()
    assert response.status_code == 200
    assert customer.occupation == "Caf\u00e9 owner"


def test_the_api_refuses_a_bidi_override_in_a_registered_name():
    response = APIClient().post(reverse("api:register"), {
        "username": "newcomer", "password": "a long enough passphrase 9", "name": "\u202egnp.exe",
    }, format="json")

    assert response.status_code == 400
    assert "name" in response.json()["errors"]
    assert not User.objects.filter(username="newcomer").exists()


def test_the_api_refuses_a_control_character_in_a_manual_assignments_reason(customer):
    manager = ManagerFactory(capacity=5)
    admin = User.objects.create_user("bank_admin", role=Role.ADMIN, is_staff=True)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {RefreshToken.for_user(admin).access_token}")

    response = client.post(reverse("api:manual-assign"), {
        "customer": customer.user_id, "manager": manager.user_id, "reason": "asked\u2066 by phone",
    }, format="json")

    customer.refresh_from_db()
    assert response.status_code == 400
    assert "note" in response.json()["errors"]
    assert customer.manager_id is None


def test_the_portrait_page_refuses_them_and_saves_nothing(customer):
    client = Client()
    client.force_login(customer.user)

    response = client.post(reverse("portal:me"), {
        "age": customer.age, "occupation": "teacher\u202eabc", "total_assets": "100.00",
    })

    customer.refresh_from_db()
    assert response.status_code == 200
    assert "U+202E" in response.content.decode()
    assert customer.occupation != "teacher\u202eabc"


def test_an_import_reports_the_line_and_column(tmp_path):
    path = tmp_path / "customers.csv"
    path.write_text("username,name,age,occupation,total_assets,needs,hobbies\n"
                    "c1,Ann,40,teacher\x07,100.00,,\n", encoding="utf-8")

    with pytest.raises(CommandError) as excinfo:
        call_command("import_customers", str(path), stdout=io.StringIO())

    assert "line 2: occupation:" in str(excinfo.value)
    assert not CustomerProfile.objects.exists()


def test_an_import_stores_names_and_occupations_normalised(tmp_path):
    path = tmp_path / "customers.csv"
    path.write_text("username,name,age,occupation,total_assets,needs,hobbies\n"
                    "c1,Zoe\u0308,40,Cafe\u0301,100.00,,\n", encoding="utf-8")

    call_command("import_customers", str(path), stdout=io.StringIO())

    profile = CustomerProfile.objects.select_related("user").get()
    assert (profile.user.name, profile.occupation) == ("Zo\u00eb", "Caf\u00e9")


def test_the_django_admin_refuses_them(superuser_client):
    customer = CustomerFactory(occupation="teacher", total_assets=Decimal("1.00"))
    url = reverse("admin:customers_customerprofile_change", args=[customer.pk])

    response = superuser_client.post(url, {
        "age": customer.age, "occupation": "teacher\u2069", "total_assets": "1.00",
    })

    customer.refresh_from_db()
    assert response.status_code == 200
    assert "occupation" in response.context["adminform"].form.errors
    assert customer.occupation == "teacher"
