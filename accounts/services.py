"""Writes on users. Bulk upsert by username for the imports; the rules come from the User model."""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from audit.services import audit_record
from core.bulk import bulk_create_with_ids
from core.tabular import Row, RowError, model_errors

from .models import Role, User

# Fields an unsaved user built from a file row cannot be checked on: it has no password yet.
_USER_EXCLUDE = ("password",)


def users_by_username(*, usernames: Iterable[str]) -> dict[str, User]:
    """Existing users for these usernames, in one query, keyed by the username as asked for.

    With a case-insensitive collation (MySQL's) the database also returns `Bob` for `bob`: such a user
    is the one asked for, since that database would refuse to create the second spelling anyway.
    """
    wanted = list(dict.fromkeys(usernames))
    if not wanted:
        return {}
    found = list(User.objects.filter(username__in=wanted))
    exact = {user.username: user for user in found}
    folded = {user.username.casefold(): user for user in found}
    result = {}
    for username in wanted:
        user = exact.get(username) or folded.get(username.casefold())
        if user is not None:
            result[username] = user
    return result


def user_problems(*, username: str, name: str, role: str, existing: User | None = None) -> list[tuple[str, str]]:
    """What is wrong with creating or updating this user: `(field, message)` pairs, no query.

    The username and name rules are the User model's (validators, lengths); a username that belongs to
    a user of another role is refused, so an import never turns a manager into a customer.
    """
    if not username:
        return [("username", str(User._meta.get_field("username").error_messages["blank"]))]
    problems = []
    if existing is not None and existing.role != role:
        problems.append((
            "username",
            _("“%(username)s” is already a user with the role “%(role)s”, not “%(expected)s”")
            % {"username": username, "role": Role(existing.role).label, "expected": Role(role).label},
        ))
    problems += model_errors(User(username=username, name=name, role=role), exclude=_USER_EXCLUDE)
    return problems


@dataclass
class UserRowsCheck:
    """The user part of an import: which row is which username, who exists already, what is wrong."""

    usernames: dict[int, str] = field(default_factory=dict)  # line -> username, for rows without user errors
    existing: dict[str, User] = field(default_factory=dict)  # username -> the user already in the database
    errors: list[RowError] = field(default_factory=list)


def user_rows_check(*, rows: Sequence[Row], role: str) -> UserRowsCheck:
    """Check the `username` and `name` cells of import rows, with one query for the whole file.

    Usernames are normalised as Django does on save (NFKC). A blank username, one that repeats in the
    file (ignoring case: `Bob` and `bob` are the same person on a case-insensitive database), one that
    belongs to another role, or a username/name the model refuses, is reported with its line.
    """
    check = UserRowsCheck()
    first_line: dict[str, int] = {}
    candidates: dict[int, str] = {}
    for row in rows:
        username = User.normalize_username(row.values.get("username", ""))
        if not username:
            blank = str(User._meta.get_field("username").error_messages["blank"])
            check.errors.append(RowError(row.line, "username", blank, "blank"))
            continue
        key = username.casefold()
        if key in first_line:
            check.errors.append(
                RowError(
                    row.line,
                    "username",
                    _("“%(username)s” appears again (first on line %(line)d)")
                    % {"username": username, "line": first_line[key]},
                    "duplicate",
                )
            )
            continue
        first_line[key] = row.line
        candidates[row.line] = username

    check.existing = users_by_username(usernames=candidates.values())
    for row in rows:
        username = candidates.get(row.line)
        if username is None:
            continue
        problems = user_problems(
            username=username,
            name=row.values.get("name", ""),
            role=role,
            existing=check.existing.get(username),
        )
        check.errors += [RowError(row.line, name, message, "user") for name, message in problems]
        if not problems:
            check.usernames[row.line] = username
    return check


@dataclass
class UserUpsertResult:
    users: dict[str, User]  # username -> saved user (with its id), for every username given
    created: list[str]
    updated: list[str]  # existing users whose name changed


@transaction.atomic(savepoint=False)
def users_upsert(
    *, names: Mapping[str, str], role: str, existing: Mapping[str, User] | None = None
) -> UserUpsertResult:
    """Create or update users by username, in bulk, in a constant number of queries.

    `names` maps username -> display name. Existing users get the name (nothing else changes); new ones
    are created with `role` and an unusable password, so nobody can sign in until a password is set.
    `existing` is what `users_by_username` returned, when the caller has it already. Raises
    `ValidationError` (nothing written) when a username belongs to another role or the model refuses it.
    """
    if existing is None:
        existing = users_by_username(usernames=names)
    problems = {
        username: [f"{name}: {message}" for name, message in found]
        for username, display_name in names.items()
        if (found := user_problems(username=username, name=display_name, role=role, existing=existing.get(username)))
    }
    if problems:
        raise ValidationError(problems)

    users, new, changed = {}, [], []
    for username, display_name in names.items():
        user = existing.get(username)
        if user is None:
            user = User(username=username, name=display_name, role=role, is_staff=role == Role.ADMIN)
            user.set_unusable_password()
            new.append(user)
        elif user.name != display_name:
            user.name = display_name
            changed.append(user)
        users[username] = user

    bulk_create_with_ids(User, new, key_field="username")
    User.objects.bulk_update(changed, ["name"])
    return UserUpsertResult(users=users, created=[u.username for u in new], updated=[u.username for u in changed])


@transaction.atomic
def user_register_customer(*, username: str, password: str, name: str = "", email: str = "") -> User:
    """Self-registration: always a customer, never staff, with a password Django's validators accept.

    The portrait comes next (the customer is asked for it on first sign-in). Raises `ValidationError`
    by field: a taken username, a password the validators refuse, a name the model refuses.
    """
    user = User(username=User.normalize_username(username), name=name, email=email, role=Role.CUSTOMER)
    errors = {}
    try:
        user.full_clean(exclude=["password"])
    except ValidationError as exc:
        errors.update(exc.message_dict)
    try:
        validate_password(password, user)
    except ValidationError as exc:
        errors.setdefault("password", []).extend(exc.messages)
    if errors:
        raise ValidationError(errors)
    user.set_password(password)
    user.save()
    audit_record(actor=user, action="user.registered", target=user, summary=f"{user.username} registered")
    return user
