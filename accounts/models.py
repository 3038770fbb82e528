from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """The one place that says who a user is: every role check goes through these values."""

    CUSTOMER = "customer", _("Customer")
    MANAGER = "manager", _("Relationship manager")
    ADMIN = "admin", _("Administrator")


class PortraitUserManager(UserManager):
    def create_superuser(self, username, email=None, password=None, **extra_fields):
        extra_fields.setdefault("role", Role.ADMIN)
        return super().create_superuser(username, email, password, **extra_fields)


class User(AbstractUser):
    """A person who signs in: a customer, a relationship manager or a bank administrator."""

    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.CUSTOMER, db_index=True)
    name = models.CharField(_("display name"), max_length=100, blank=True)

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

    def save(self, *args, **kwargs):
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
