import unicodedata

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.text import TextLineField


def username_key(username: str) -> str:
    """The username rule: one user per username ignoring case (Unicode-aware), accents kept.

    `Customer1` and `customer1` are the same user, `josé` and `jose` two. The key is stored in a
    unique column compared byte for byte on every database (utf8mb4_bin on MySQL/MariaDB), so the rule
    does not depend on a collation: SQLite and MariaDB accept and refuse the same usernames.
    """
    return unicodedata.normalize("NFKC", username or "").casefold()


class Role(models.TextChoices):
    """The one place that says who a user is: every role check goes through these values."""

    CUSTOMER = "customer", _("Customer")
    MANAGER = "manager", _("Relationship manager")
    ADMIN = "admin", _("Administrator")


class UserQuerySet(models.QuerySet):
    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        for user in objs:
            user.username_key = username_key(user.username)
        return super().bulk_create(objs, *args, **kwargs)


class PortraitUserManager(UserManager.from_queryset(UserQuerySet)):
    def get_by_natural_key(self, username):
        """Sign-in finds the user whatever the case typed (`ALICE` signs in as `alice`)."""
        return self.get(username_key=username_key(username))

    def create_superuser(self, username, email=None, password=None, **extra_fields):
        extra_fields.setdefault("role", Role.ADMIN)
        return super().create_superuser(username, email, password, **extra_fields)


class User(AbstractUser):
    """A person who signs in: a customer, a relationship manager or a bank administrator."""

    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.CUSTOMER, db_index=True)
    name = TextLineField(_("display name"), max_length=100, blank=True)
    first_name = TextLineField(_("first name"), max_length=150, blank=True)
    last_name = TextLineField(_("last name"), max_length=150, blank=True)
    username_key = models.CharField(
        _("username key"), max_length=150, unique=True, editable=False,
        help_text=_("The username case-folded: two usernames differing only in case are one user."),
    )

    objects = PortraitUserManager()

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(condition=models.Q(role__in=Role.values), name="user_role_valid"),
            models.CheckConstraint(
                condition=~models.Q(role=Role.ADMIN) | models.Q(is_staff=True),
                name="user_admin_is_staff",
                violation_error_message=_("Administrators must be staff members."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.display_name} ({self.username})" if self.name else self.username

    def clean(self) -> None:
        super().clean()
        if self.role == Role.ADMIN:
            self.is_staff = True
        self.username_key = username_key(self.username)

    def validate_unique(self, exclude=None) -> None:
        """The username's uniqueness is its key's, reported on the username (the key is never shown)."""
        exclude = {*(exclude or ()), "username_key"}
        super().validate_unique(exclude=exclude)
        if "username" in exclude or not self.username:
            return
        if User.objects.filter(username_key=username_key(self.username)).exclude(pk=self.pk).exists():
            raise ValidationError(
                {"username": _("A user with that username already exists (usernames ignore case).")},
                code="unique",
            )

    def save(self, *args, **kwargs):
        self.username_key = username_key(self.username)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "username" in update_fields:
            kwargs["update_fields"] = {*update_fields, "username_key"}
        # `_password` holds the raw password between `set_password()` and the save that stores it; a hash
        # upgraded at sign-in clears it first, so that one is not a change of password.
        password_changed = self._password is not None and not self._state.adding
        super().save(*args, **kwargs)
        if password_changed:
            from .signals import password_changed as signal

            signal.send(sender=type(self), user=self)

    @property
    def display_name(self) -> str:
        return self.name or self.username

    @property
    def is_customer(self) -> bool:
        return self.role == Role.CUSTOMER

    @property
    def is_manager(self) -> bool:
        return self.role == Role.MANAGER

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN
