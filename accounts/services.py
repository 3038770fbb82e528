"""Writes on users. Bulk upsert by username for the imports; the rules come from the User model."""
from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property

from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX, UNUSABLE_PASSWORD_SUFFIX_LENGTH
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from audit.services import audit_record
from core.bulk import BATCH_SIZE, bulk_insert_with_ids, bulk_update_rows
from core.tabular import CellValues, Row, RowError, field_problems

from .models import Role, User, username_key

# What an import says about a user: the cells it gives (username, name) and the role it creates.
_USER_CHECKED = ("username", "role", "name")


def users_by_username(*, usernames: Iterable[str]) -> dict[str, User]:
    """Existing users for these usernames, a query per 5,000, keyed by the username as asked for.

    Usernames ignore case (`accounts.models.username_key`): `Bob` in a file is the existing user `bob`.
    """
    keys = {username: username_key(username) for username in usernames}
    if not keys:
        return {}
    wanted = list(set(keys.values()))
    by_key = {}
    for start in range(0, len(wanted), BATCH_SIZE):  # an IN list within every database's limits
        chunk = wanted[start : start + BATCH_SIZE]
        by_key.update((user.username_key, user) for user in User.objects.filter(username_key__in=chunk))
    return {username: by_key[key] for username, key in keys.items() if key in by_key}


def user_problems(*, username: str, name: str, role: str, existing: User | None = None) -> list[tuple[str, str]]:
    """What is wrong with creating or updating this user: `(field, message)` pairs, no query.

    The username and name rules are the User model's fields' (validators, lengths), checked as
    `full_clean()` checks a new user with this username, name and role: its other fields keep their
    (valid) defaults and `User.clean()` only normalises, so the three fields are all there is to check,
    without building a user per row (`test_user_problems_agree_with_full_clean`). A username that
    belongs to a user of another role is refused, so an import never turns a manager into a customer.
    """
    return _UserRules().problems(username=username, name=name, role=role, existing=existing)


class _UserRules:
    """`user_problems` for the rows of one file: the role and the display names (which repeat) are checked
    once per value; the username, different on every row, each time."""

    def __init__(self):
        self._cells = CellValues(User, _USER_CHECKED)

    def problems(self, *, username: str, name: str, role: str, existing: User | None = None) -> list[tuple[str, str]]:
        fields = self._cells.fields
        if not username:
            return [("username", str(fields["username"].error_messages["blank"]))]
        problems = []
        if existing is not None and existing.role != role:
            problems.append((
                "username",
                _("“%(username)s” is already a user with the role “%(role)s”, not “%(expected)s”")
                % {"username": username, "role": Role(existing.role).label, "expected": Role(role).label},
            ))
        problems += [("username", message) for message in field_problems(fields["username"], username)]
        problems += [("role", message) for message in self._cells.problems("role", role)]
        problems += [("name", message) for message in self._cells.problems("name", name)]
        return problems


@dataclass
class UserRowsCheck:
    """The user part of an import: which row is which username, who exists already, what is wrong."""

    usernames: dict[int, str] = field(default_factory=dict)  # line -> username, for rows without user errors
    existing: dict[str, User] = field(default_factory=dict)  # username -> the user already in the database
    errors: list[RowError] = field(default_factory=list)


def user_rows_check(*, rows: Sequence[Row], role: str, first_lines: dict[str, int] | None = None) -> UserRowsCheck:
    """Check the `username` and `name` cells of import rows, with a query per 5,000 rows.

    Usernames are normalised as Django does on save (NFKC). A blank username, one that repeats in the
    file (ignoring case: `Bob` and `bob` are the same person on a case-insensitive database), one that
    belongs to another role, or a username/name the model refuses, is reported with its line.
    `first_lines`: for a file checked a chunk of rows at a time, the usernames (`username_key`) of the
    chunks before, by the line they were first on; this chunk's are added to it.
    """
    check = UserRowsCheck()
    first_line: dict[str, int] = {} if first_lines is None else first_lines
    candidates: dict[int, str] = {}
    for row in rows:
        username = User.normalize_username(row.values.get("username", ""))
        if not username:
            blank = str(User._meta.get_field("username").error_messages["blank"])
            check.errors.append(RowError(row.line, "username", blank, "blank"))
            continue
        key = username_key(username)
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
    rules = _UserRules()
    for row in rows:
        username = candidates.get(row.line)
        if username is None:
            continue
        problems = rules.problems(
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
    ids: dict[str, int]  # username -> the user's id, for every username given
    created: list[str]
    updated: list[str]  # existing users whose name changed

    @cached_property
    def users(self) -> dict[str, User]:
        """The users themselves (username -> user), read a query per `BATCH_SIZE`: an import needs only ids."""
        by_id = {}
        ids = list(self.ids.values())
        for start in range(0, len(ids), BATCH_SIZE):
            by_id.update(User.objects.in_bulk(ids[start : start + BATCH_SIZE]))
        return {username: by_id[pk] for username, pk in self.ids.items()}


def unusable_password() -> str:
    """What `set_unusable_password()` stores (the unusable prefix, then 40 random characters), drawn in one
    call instead of one per character: for 100k new users that draw was seconds."""
    return unusable_passwords(1)[0]


def unusable_passwords(count: int) -> list[str]:
    """`count` unusable passwords, from one draw of random bytes."""
    size = UNUSABLE_PASSWORD_SUFFIX_LENGTH  # hex characters: two per byte
    drawn = secrets.token_hex(size // 2 * count)
    return [UNUSABLE_PASSWORD_PREFIX + drawn[start : start + size] for start in range(0, size * count, size)]


@transaction.atomic(savepoint=False)
def users_upsert(
    *, names: Mapping[str, str], role: str, existing: Mapping[str, User] | None = None, checked: bool = False
) -> UserUpsertResult:
    """Create or update users by username, in bulk: a few queries per 5,000 users.

    `names` maps username -> display name. Existing users get the name (nothing else changes); new ones
    are created with `role` and an unusable password, so nobody can sign in until a password is set; their
    other fields get the model's defaults. `existing` is what `users_by_username` returned, when the caller
    has it already. Raises `ValidationError` (nothing written) when a username belongs to another role or
    the model refuses it; `checked` skips that check when the caller made it on these names and `existing`
    (`user_rows_check`). No `User` instance is built for new users: the rows go in as tuples.
    """
    if existing is None:
        existing = users_by_username(usernames=names)
    normalize = User._meta.get_field("name").normalize  # stored as `full_clean` would store it (`core.text`)
    names = {username: normalize(display_name) for username, display_name in names.items()}
    if not checked:
        rules = _UserRules()
        problems = {
            username: [f"{name}: {message}" for name, message in found]
            for username, display_name in names.items()
            if (found := rules.problems(username=username, name=display_name, role=role,
                                        existing=existing.get(username)))
        }
        if problems:
            raise ValidationError(problems)

    ids, new, changed = {}, [], []
    for username, display_name in names.items():
        user = existing.get(username)
        if user is None:
            new.append(username)
            continue
        if user.name != display_name:
            user.name = display_name
            changed.append(user)
        ids[username] = user.pk

    new_ids = bulk_insert_with_ids(
        User,
        fields=["username", "username_key", "name", "password"],
        rows=[
            (username, username_key(username), names[username], password)
            for username, password in zip(new, unusable_passwords(len(new)))
        ],
        key_field="username_key",
        values={"role": role, "is_staff": role == Role.ADMIN},
    )
    ids.update(zip(new, new_ids))
    ids = {username: ids[username] for username in names}
    bulk_update_rows(User, fields=["name"], rows=[(user.pk, user.name) for user in changed])
    return UserUpsertResult(ids=ids, created=new, updated=[user.username for user in changed])


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


#: What stops a user's role from changing: `check(user=..., stored_role=...) -> str | None`, one per app that
#: owns a profile of a role (customers, managers), registered in its `AppConfig.ready()`. Accounts sits
#: below those apps and does not import them: they bring their rule here.
_ROLE_CHANGE_CHECKS: list[Callable[..., str | None]] = []


def register_role_change_check(check: Callable[..., str | None]) -> None:
    """Have `user_role_change_problem` ask `check(user=user, stored_role=role)` too."""
    if check not in _ROLE_CHANGE_CHECKS:
        _ROLE_CHANGE_CHECKS.append(check)


def user_role_change_problem(*, user: User, role: str) -> str | None:
    """Why `user` may not change to `role`, or None: a profile of the old role must not be left serving.

    A manager's profile keeps its customers and stays a candidate for runs whatever the user's role, and
    a customer's portrait keeps its manager: the profile has to go first (a manager's book moved away).
    Each app that owns a profile says what its profile needs (`register_role_change_check`).
    """
    if user.pk is None or role == user.role:
        return None
    stored = User.objects.only("role").get(pk=user.pk).role
    if role == stored:
        return None
    for check in _ROLE_CHANGE_CHECKS:
        if problem := check(user=user, stored_role=stored):
            return problem
    return None


class _ResetLinkForm(PasswordResetForm):
    """Django's password reset mail (token, link, templates, email backend) for one given account, even one
    without a usable password yet (an imported manager): Django's own form looks users up by address."""

    def __init__(self, user: User):
        super().__init__(data={"email": user.email})
        self.user = user

    def get_users(self, email):
        yield self.user


#: The mail's templates (the link leads to `portal:password_reset_confirm`).
RESET_SUBJECT_TEMPLATE = "portal/password_reset_subject.txt"
RESET_EMAIL_TEMPLATE = "portal/password_reset_email.txt"


def user_password_reset_send(*, user: User, actor: User, request) -> None:
    """Mail `user` a one-time link to set their own password (Django's reset flow); audited.

    How staff who are not superusers help someone with their password: they never set or learn it.
    `request` gives the link its host and scheme. Raises `ValidationError` when the account has no email
    address or is inactive.
    """
    if not user.is_active:
        raise ValidationError(_("%(user)s is deactivated: no reset link is sent.") % {"user": user.username})
    if not user.email:
        raise ValidationError(_("%(user)s has no email address: add one, then send the link.") % {
            "user": user.username})
    form = _ResetLinkForm(user)
    if not form.is_valid():
        raise ValidationError(form.errors["email"])
    form.save(request=request, use_https=request.is_secure(), subject_template_name=RESET_SUBJECT_TEMPLATE,
              email_template_name=RESET_EMAIL_TEMPLATE)
    audit_record(actor=actor, action="user.password_reset_sent", target=user, summary=user.username,
                 data={"email": user.email})
