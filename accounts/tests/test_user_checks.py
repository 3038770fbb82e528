"""user_problems: the User model's rules on an import's username, name and role, without a full_clean() per row."""
import pytest
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from core.testing.hypothesis import examples
from accounts.models import Role, User
from accounts.services import UserUpsertResult, unusable_password, unusable_passwords, user_problems, users_upsert
from core.tabular import model_errors

pytestmark = pytest.mark.django_db

usernames = st.one_of(
    st.text(min_size=1, max_size=160),
    st.from_regex(r"[A-Za-z0-9@.+_-]{1,155}", fullmatch=True),
    st.sampled_from(["bad name!", "ß" * 150, "a" * 150, "a" * 151, "josé", "Ｂｏｂ", "x\x00y"]),
)
names = st.one_of(st.text(max_size=110), st.sampled_from(["", "x" * 100, "x" * 101, "鲍勃"]))


@settings(max_examples=examples(300), deadline=None)
@given(username=usernames, name=names, role=st.sampled_from([*Role.values, "nobody"]))
def test_user_problems_agree_with_full_clean(username, name, role):
    with translation.override("en"):
        expected = model_errors(User(username=username, name=name, role=role), exclude=["password"])

        assert sorted(user_problems(username=username, name=name, role=role)) == sorted(expected)


def test_a_new_users_password_is_unusable_and_never_the_same():
    user = User(username="x")
    passwords = {unusable_password() for _ in range(100)}

    user.password = passwords.pop()
    assert not user.has_usable_password() and len(user.password) == 41 and len(passwords) == 99
    many = unusable_passwords(1000)
    assert len(set(many)) == 1000 and all(len(p) == 41 and p.startswith("!") for p in many)


def test_upsert_returns_ids_and_reads_users_only_when_asked(django_assert_num_queries):
    existing = User.objects.create_user("bob", role=Role.CUSTOMER)

    result = users_upsert(names={"bob": "Bob", "amy": "Amy"}, role=Role.CUSTOMER)

    assert isinstance(result, UserUpsertResult) and result.created == ["amy"] and result.updated == ["bob"]
    assert result.ids["bob"] == existing.pk and list(result.ids) == ["bob", "amy"]
    amy = User.objects.get(username="amy")
    assert result.ids["amy"] == amy.pk
    assert (amy.name, amy.role, amy.is_staff, amy.is_active) == ("Amy", "customer", False, True)
    assert amy.username_key == "amy"
    assert not amy.has_usable_password() and amy.date_joined is not None
    with django_assert_num_queries(1):
        assert result.users["amy"] == amy and result.users["bob"].name == "Bob"


def test_new_administrators_are_staff():
    users_upsert(names={"root2": ""}, role=Role.ADMIN)

    assert User.objects.get(username="root2").is_staff
