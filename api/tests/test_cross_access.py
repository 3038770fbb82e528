"""What a caller learns about others' customers through the API: their own book only, and guessed ids of
other roles are not found. The status of every endpoint and method for every caller is in
portrait/tests/test_access_matrix.py, generated from the URL configuration.
"""
import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", ["manager", "other_manager"])
def test_a_manager_lists_only_their_own_customers(role, two_books, api):
    response = api(two_books.user(role)).get("/api/customers")

    own = two_books.customer if role == "manager" else two_books.other_customer
    assert [row["id"] for row in response.json()["results"]] == [own.user_id]


def test_guessed_ids_of_other_roles_are_not_found(two_books, api):
    client = api(two_books.customer.user)

    assert client.get(f"/api/customers/{two_books.manager.user_id}/profile").status_code == 404
    assert client.get(f"/api/managers/{two_books.customer.user_id}/profile").status_code == 404
    assert client.get("/api/customers/999999/profile").status_code == 404
    assert client.get("/api/customers/-5/profile").status_code == 404
    assert client.get(f"/api/customers/{10**25}/profile").status_code == 404
