import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.utils import translation

from accounts.models import Role, User
from accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_admin_role_implies_staff_on_validation():
    user = User(username="boss", role=Role.ADMIN, is_staff=False)
    user.set_unusable_password()

    user.full_clean()

    assert user.is_staff is True


def test_database_refuses_admin_without_staff():
    user = User(username="boss", role=Role.ADMIN, is_staff=False)
    user.set_unusable_password()

    with pytest.raises(IntegrityError), transaction.atomic():
        user.save()


def test_database_refuses_admin_without_staff_in_bulk():
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.bulk_create([User(username="boss", role=Role.ADMIN, is_staff=False, password="!")])


def test_staff_flag_is_not_forced_on_other_roles():
    user = User(username="c1", role=Role.CUSTOMER)
    user.set_unusable_password()

    user.full_clean()

    assert user.is_staff is False


class TestRoleRejects:
    def test_unknown_role_fails_validation_on_the_role_field(self):
        user = User(username="x", role="teller")
        user.set_unusable_password()

        with pytest.raises(ValidationError) as excinfo:
            user.full_clean()

        assert excinfo.value.error_dict["role"][0].code == "invalid_choice"

    def test_database_refuses_unknown_role(self):
        with pytest.raises(IntegrityError), transaction.atomic():
            User.objects.bulk_create([User(username="x", role="teller", password="!")])


def test_createsuperuser_gets_role_admin():
    call_command("createsuperuser", interactive=False, username="root", email="root@example.com", verbosity=0)

    user = User.objects.get(username="root")
    assert (user.role, user.is_staff, user.is_superuser) == (Role.ADMIN, True, True)


def test_create_user_defaults_to_customer():
    user = User.objects.create_user("someone", password="x-long-password")

    assert user.role == Role.CUSTOMER
    assert user.is_customer and not user.is_manager and not user.is_admin


def test_str_and_display_name():
    named = UserFactory.build(username="c1", name="王伟")
    unnamed = UserFactory.build(username="c2", name="")

    assert (str(named), named.display_name) == ("王伟 (c1)", "王伟")
    assert (str(unnamed), unnamed.display_name) == ("c2", "c2")


def test_admin_constraint_message_is_clear():
    user = User(username="boss", role=Role.ADMIN, is_staff=False)
    constraint = next(c for c in User._meta.constraints if c.name == "user_admin_is_staff")

    with pytest.raises(ValidationError) as excinfo:
        constraint.validate(User, user)

    with translation.override("en"):
        assert excinfo.value.messages == ["Administrators must be staff members."]
