import pytest
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

from audit.models import AuditEvent
from change_requests.models import ChangeRequest

from .factories import ChangeRequestFactory

pytestmark = pytest.mark.django_db

URL = "/api/change-requests"


@pytest.fixture
def api():
    def make(user) -> APIClient:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {RefreshToken.for_user(user).access_token}")
        return client

    return make


def test_a_customer_asks_and_reads_their_own(bank, api):
    client = api(bank.asker.user)

    created = client.post(URL, {"reason": "availability", "text": "总是联系不上"}, format="json")

    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["status"], body["reason"], body["manager_id"], body["text"]) == (
        "open", "availability", bank.current.user_id, "总是联系不上"
    )
    assert [row["id"] for row in client.get(URL).json()["results"]] == [body["id"]]


def test_a_second_open_request_is_a_conflict(bank, api):
    client = api(bank.asker.user)
    client.post(URL, {"reason": "other"}, format="json")

    response = client.post(URL, {"reason": "other"}, format="json")

    assert response.status_code == 409
    assert set(response.json()) == {"detail", "errors"}


def test_bad_text_is_a_400_by_field(bank, api):
    response = api(bank.asker.user).post(URL, {"reason": "other", "text": "a\u202eb"}, format="json")

    assert response.status_code == 400
    assert "text" in response.json()["errors"]


def test_a_customer_never_sees_another_customer_s_requests(bank, api):
    ChangeRequestFactory(customer=bank.other)

    assert api(bank.asker.user).get(URL).json()["results"] == []


def test_admins_read_the_queue_with_filters(bank, api):
    open_one = ChangeRequestFactory(customer=bank.asker, reason="expertise")
    ChangeRequestFactory(customer=bank.other, reason="communication")
    client = api(bank.decider)

    everything = client.get(URL).json()["results"]
    by_reason = client.get(URL, {"reason": "expertise"}).json()["results"]
    by_manager = client.get(URL, {"manager": bank.current.user_id}).json()["results"]

    assert len(everything) == 2
    assert [row["id"] for row in by_reason] == [open_one.pk]
    assert [row["id"] for row in by_manager] == [open_one.pk]
    assert client.get(URL, {"status": "declined"}).json()["results"] == []
    assert client.get(URL, {"status": "nonsense"}).status_code == 400


def test_an_admin_approves_with_a_manager_s_user_id(bank, api):
    request = ChangeRequestFactory(customer=bank.asker)

    response = api(bank.decider).post(f"{URL}/{request.pk}/approve", {"manager": bank.best.user_id}, format="json")

    assert response.status_code == 200, response.content
    assert (response.json()["status"], response.json()["new_manager_id"]) == ("approved", bank.best.user_id)
    bank.asker.refresh_from_db()
    assert bank.asker.manager == bank.best


def test_approving_to_a_full_manager_is_a_conflict(bank, api):
    request = ChangeRequestFactory(customer=bank.asker)

    response = api(bank.decider).post(f"{URL}/{request.pk}/approve", {"manager": bank.full.user_id}, format="json")

    assert response.status_code == 409
    request.refresh_from_db()
    assert request.status == "open"


def test_approving_to_an_unknown_manager_is_a_400(bank, api):
    request = ChangeRequestFactory(customer=bank.asker)

    response = api(bank.decider).post(f"{URL}/{request.pk}/approve", {"manager": bank.asker.user_id}, format="json")

    assert response.status_code == 400
    assert "manager" in response.json()["errors"]


def test_an_admin_declines_with_a_reply(bank, api):
    request = ChangeRequestFactory(customer=bank.asker)

    response = api(bank.decider).post(f"{URL}/{request.pk}/decline", {"reply": "请再给一次机会"}, format="json")

    assert (response.status_code, response.json()["reply"]) == (200, "请再给一次机会")
    assert AuditEvent.objects.filter(action="change_request.declined").count() == 1
    again = api(bank.decider).post(f"{URL}/{request.pk}/decline", {"reply": "再次"}, format="json")
    assert again.status_code == 409


def test_an_unknown_request_is_a_404(bank, api):
    response = api(bank.decider).post(f"{URL}/999999/decline", {"reply": "x"}, format="json")

    assert response.status_code == 404


@pytest.mark.parametrize("who", ["current", "asker", "anonymous"])
def test_nobody_but_an_admin_decides(bank, api, who):
    request = ChangeRequestFactory(customer=bank.asker)
    client = APIClient() if who == "anonymous" else api(
        bank.current.user if who == "current" else bank.asker.user
    )

    approve = client.post(f"{URL}/{request.pk}/approve", {"manager": bank.best.user_id}, format="json")
    decline = client.post(f"{URL}/{request.pk}/decline", {"reply": "x"}, format="json")

    expected = 401 if who == "anonymous" else 403
    assert (approve.status_code, decline.status_code) == (expected, expected)
    assert ChangeRequest.objects.get().status == "open"


def test_a_manager_reads_no_requests_through_the_api(bank, api):
    ChangeRequestFactory(customer=bank.asker)

    assert api(bank.current.user).get(URL).status_code == 403
    assert api(bank.current.user).post(URL, {"reason": "other"}, format="json").status_code == 403


def test_the_schema_documents_the_routes(bank, api):
    schema = api(bank.decider).get("/api/schema/", HTTP_ACCEPT="application/json").content.decode()

    for path in ("/api/change-requests", "/api/change-requests/{id}/approve", "/api/change-requests/{id}/decline"):
        assert path in schema
