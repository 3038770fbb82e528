"""GET/POST /api/customers/{id}/contacts: the customer's manager reads and records, admins read, customers
are refused, other managers learn nothing (404, as for the customer's profile)."""
import datetime

import pytest
from django.utils import timezone
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

from audit.models import AuditEvent
from contacts.models import Contact

from .factories import ContactFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    def make(user=None) -> APIClient:
        client = APIClient()
        if user is not None:
            client.credentials(HTTP_AUTHORIZATION=f"Bearer {RefreshToken.for_user(user).access_token}")
        return client

    return make


def _url(customer) -> str:
    return f"/api/customers/{customer.user_id}/contacts"


def _body(**values):
    return {
        "contacted_at": (timezone.localtime() - datetime.timedelta(hours=3)).isoformat(), "channel": "phone",
        "summary": "电话回访", "next_follow_up": (timezone.localdate() + datetime.timedelta(days=5)).isoformat(),
        **values,
    }


@pytest.fixture
def callers(rm, other_rm, client_of_rm, client_of_other, bank_admin):
    return {
        "anonymous": None, "customer": client_of_rm.user, "other_customer": client_of_other.user,
        "manager": rm.user, "other_manager": other_rm.user, "admin": bank_admin,
    }


# caller -> (GET, POST) on `client_of_rm`'s log
MATRIX = {
    "anonymous": (401, 401),
    "customer": (403, 403),
    "other_customer": (403, 403),
    "manager": (200, 201),
    "other_manager": (404, 404),
    "admin": (200, 403),
}


@pytest.mark.parametrize("caller", list(MATRIX))
def test_access_per_role(api, callers, caller, client_of_rm):
    ContactFactory(customer=client_of_rm)
    client = api(callers[caller])

    read = client.get(_url(client_of_rm))
    write = client.post(_url(client_of_rm), _body(), format="json")

    assert (read.status_code, write.status_code) == MATRIX[caller]
    assert Contact.objects.count() == (2 if caller == "manager" else 1)
    if read.status_code != 200:
        assert set(read.json()) == {"detail", "errors"}


def test_the_manager_reads_the_log_newest_first_with_user_ids(api, rm, other_rm, client_of_rm):
    assert client_of_rm.pk != client_of_rm.user_id  # ids in paths are user ids
    four_days_ago = timezone.now() - datetime.timedelta(days=4)
    old = ContactFactory(customer=client_of_rm, manager=other_rm, contacted_at=four_days_ago)
    new = ContactFactory(customer=client_of_rm, next_follow_up=timezone.localdate())

    data = api(rm.user).get(_url(client_of_rm)).json()

    assert data["count"] == 2
    assert [item["id"] for item in data["results"]] == [new.pk, old.pk]
    first = data["results"][0]
    assert first["customer_id"] == client_of_rm.user_id and first["manager_id"] == rm.user_id
    assert first["manager_name"] == "王芳" and first["channel"] == "phone"
    assert first["next_follow_up"] == timezone.localdate().isoformat()
    assert first["contacted_at"].endswith("+08:00")  # the bank's time zone


def test_the_manager_records_a_contact_and_it_is_audited(api, rm, client_of_rm):
    response = api(rm.user).post(_url(client_of_rm), _body(channel="wechat"), format="json")

    assert response.status_code == 201
    contact = Contact.objects.get()
    assert response.json()["id"] == contact.pk and response.json()["channel"] == "wechat"
    assert (contact.customer, contact.manager) == (client_of_rm, rm)
    assert AuditEvent.objects.get(action="contact.recorded").actor == rm.user


@pytest.mark.parametrize("values, field", [
    ({"channel": "fax"}, "channel"),
    ({"summary": ""}, "summary"),
    ({"summary": "响铃\x07"}, "summary"),
    ({"contacted_at": "2999-01-01T10:00:00"}, "contacted_at"),
    ({"contacted_at": "1999-12-31T10:00:00"}, "contacted_at"),
    ({"next_follow_up": "2001-01-01"}, "next_follow_up"),
])
def test_a_bad_contact_is_a_400_by_field(api, rm, client_of_rm, values, field):
    response = api(rm.user).post(_url(client_of_rm), _body(**values), format="json")

    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert not Contact.objects.exists()


def test_a_customer_that_does_not_exist_is_a_404(api, rm, client_of_rm):
    assert api(rm.user).get("/api/customers/999999/contacts").status_code == 404
    assert api(rm.user).get(f"/api/customers/{rm.user_id}/contacts").status_code == 404  # a manager's id


def test_the_schema_documents_the_endpoint():
    schema = APIClient().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()

    operations = schema["paths"]["/api/customers/{id}/contacts"]
    assert set(operations) >= {"get", "post"}
    assert {"200", "401", "403", "404"} <= set(operations["get"]["responses"])
    assert {"201", "400", "403", "404"} <= set(operations["post"]["responses"])
    contact = schema["components"]["schemas"]["Contact"]
    assert {"contacted_at", "channel", "summary", "next_follow_up"} <= set(contact["properties"])
    assert set(contact["required"]) >= {"contacted_at", "channel", "summary"}
