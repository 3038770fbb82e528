"""One username rule on every database: case does not make a new user, accents do.

Defect 5: on MariaDB's default collation `josé` equalled `jose` and `CUSTOMER1` equalled `customer1`,
while SQLite told them apart, so an import that passed `--dry-run` then failed on a duplicate key.
Now `Customer1` and `customer1` are one user everywhere, `josé` and `jose` two, on both backends.
"""
import pytest
from django.contrib.auth import authenticate
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import RequestFactory

from accounts.models import Role, User
from accounts.services import user_register_customer, user_rows_check, users_upsert

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-passphrase-42"  # noqa: S105 - test data


def test_accents_make_different_users():
    User.objects.create_user("josé", password=PASSWORD)
    User.objects.create_user("jose", password=PASSWORD)

    assert set(User.objects.values_list("username", flat=True)) == {"josé", "jose"}


def test_case_does_not_make_a_new_user_even_in_bulk():
    User.objects.create_user("customer1", password=PASSWORD)

    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create_user("CUSTOMER1", password=PASSWORD)
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.bulk_create([User(username="Customer1", password="!")])


def test_non_ascii_case_counts_too():
    User.objects.create_user("élodie", password=PASSWORD)

    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create_user("ÉLODIE", password=PASSWORD)


def test_validation_names_the_clash_on_the_username():
    User.objects.create_user("lihua", password=PASSWORD)

    with pytest.raises(ValidationError) as refused:
        user_register_customer(username="LiHua", password=PASSWORD, name="李华")

    assert "username" in refused.value.message_dict


def test_sign_in_ignores_case():
    alice = User.objects.create_user("alice", password=PASSWORD)

    assert authenticate(request=RequestFactory().post("/"), username="ALICE", password=PASSWORD) == alice


def test_an_import_with_accented_twins_creates_both():
    result = users_upsert(names={"josé": "José", "jose": "Jose"}, role=Role.CUSTOMER)

    assert sorted(result.created) == ["jose", "josé"]
    assert User.objects.count() == 2


def test_an_import_meets_an_existing_user_in_another_case_as_that_user():
    existing = User.objects.create_user("Bob", password=PASSWORD, role=Role.CUSTOMER)

    result = users_upsert(names={"bob": "鲍勃"}, role=Role.CUSTOMER)

    assert result.created == [] and result.users["bob"].pk == existing.pk


def test_import_validation_reports_case_twins_by_line():
    from core.tabular import Row

    check = user_rows_check(rows=[Row(2, {"username": "Wang"}), Row(3, {"username": "josé"}),
                                  Row(4, {"username": "WANG"}), Row(5, {"username": "jose"})], role=Role.CUSTOMER)

    assert [(error.line, error.field) for error in check.errors] == [(4, "username")]
    assert "line 2" in check.errors[0].message
    assert sorted(check.usernames.values()) == ["Wang", "jose", "josé"]
