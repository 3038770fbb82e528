"""What the bulk import keeps while checking each distinct cell once and writing rows as tuples: the same
answers per row, counts, links and classes as a row-by-row import."""
import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from accounts.models import Role, User
from accounts.services import users_upsert
from customers.models import CustomerProfile
from imports.services import customers_import, managers_import
from managers.models import ManagerProfile

from .test_customers_import_export import HEADER, make_customer, portrait

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_and_quiet_signal")]


def rows(text: str) -> list[dict]:
    columns = HEADER.split(",")
    return [dict(zip(columns, line.split(","))) for line in text.strip().splitlines()]


def test_a_repeated_bad_cell_is_reported_on_every_line(vocab):
    result = customers_import(rows=rows("\n".join(f"c{i},,17,,1,Funds;Pensions,Golf" for i in range(4))))

    assert [str(error) for error in result.errors] == [
        message
        for line in range(2, 6)
        for message in (
            f"line {line}: age: Ensure this value is greater than or equal to 18.",
            f"line {line}: needs: unknown term “Pensions”",
        )
    ]


def test_an_inactive_term_a_customer_has_is_kept_and_the_row_is_unchanged(vocab):
    make_customer("alice", age=41, total_assets="1.00", needs=[vocab["Trust"]], hobbies=[vocab["Hunting"]])

    result = customers_import(rows=rows("alice,,41,,1,Trust,Hunting\nbob,,41,,1,Trust,Hunting"))

    assert [str(error) for error in result.errors] == [
        "line 3: needs: term “Trust” is inactive", "line 3: hobbies: term “Hunting” is inactive",
    ]
    result = customers_import(rows=rows("alice,,41,,1,Trust,Hunting"))
    assert (result.created, result.updated, result.unchanged) == (0, 0, 1)


def test_the_same_term_cell_on_new_and_existing_customers(vocab):
    make_customer("alice", needs=[vocab["Funds"]])

    result = customers_import(
        rows=rows("alice,,40,,1000.00,Funds,\nbob,,40,,1000.00,Funds,\ncara,,40,,1000.00,Loans;funds,")
    )

    assert (result.created, result.updated, result.unchanged) == (2, 0, 1)
    assert portrait("bob")["needs"] == ["Funds"] and portrait("cara")["needs"] == ["Funds", "Loans"]
    assert portrait("alice")["needs"] == ["Funds"]


def test_new_customers_get_the_models_defaults_and_the_users_an_unusable_password(vocab):
    customers_import(rows=rows("dan,Dan,30,,5.5,,"))

    profile = CustomerProfile.objects.select_related("user").get(user__username="dan")
    assert (profile.customer_class, profile.segment, profile.manager, profile.manager_locked) == ("", None, None, False)
    assert profile.user.role == Role.CUSTOMER and not profile.user.has_usable_password() and profile.user.name == "Dan"
    assert profile.created_at is not None


def test_an_existing_customers_name_and_portrait_are_updated(vocab):
    make_customer("erin", name="Old", age=30, needs=[vocab["Funds"]])

    result = customers_import(rows=rows("erin,New,31,Chef,7,Loans,Golf"))

    assert result.updated == 1
    assert portrait("erin") == {"name": "New", "age": 31, "occupation": "Chef", "total_assets": 7,
                                "needs": ["Loans"], "hobbies": ["Golf"]}


def test_an_empty_capacity_keeps_the_current_one_and_new_managers_get_the_default(vocab, settings):
    settings.PORTRAIT_DEFAULT_MANAGER_CAPACITY = 12
    user = User.objects.create_user("mo", role=Role.MANAGER)
    ManagerProfile.objects.create(user=user, capacity=3)

    result = managers_import(rows=[{"username": "mo", "name": "Mo", "capabilities": "Funds", "hobbies": "",
                                    "capacity": ""},
                                   {"username": "ny", "name": "", "capabilities": "", "hobbies": "", "capacity": ""}])

    assert result.ok and (result.created, result.updated) == (1, 1)
    assert dict(ManagerProfile.objects.values_list("user__username", "capacity")) == {"mo": 3, "ny": 12}


def test_users_upsert_still_checks_names_it_is_given_unchecked():
    with translation.override("en"), pytest.raises(ValidationError) as excinfo:
        users_upsert(names={"bad name!": ""}, role=Role.CUSTOMER)

    assert "username: Enter a valid username" in str(excinfo.value)  # raised before anything is written
