from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Role


def default_capacity() -> int:
    return settings.PORTRAIT_DEFAULT_MANAGER_CAPACITY


class ManagerProfile(models.Model):
    """What a relationship manager offers and how many customers they can serve."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="manager_profile",
        limit_choices_to={"role": Role.MANAGER},
        verbose_name=_("user"),
    )
    capabilities = models.ManyToManyField(
        "vocabularies.Service", blank=True, related_name="managers", verbose_name=_("capabilities")
    )
    hobbies = models.ManyToManyField(
        "vocabularies.Hobby", blank=True, related_name="managers", verbose_name=_("hobbies")
    )
    capacity = models.PositiveIntegerField(
        _("capacity"),
        default=default_capacity,
        validators=[MinValueValidator(1)],
        help_text=_("The most customers this manager may serve."),
    )
    accepting_customers = models.BooleanField(
        _("accepting customers"),
        default=True,
        db_index=True,
        help_text=_("Off while on leave: no new customers are assigned."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("manager profile")
        verbose_name_plural = _("manager profiles")
        ordering = ["user__username"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(capacity__gte=1),
                name="manager_capacity_positive",
                violation_error_message=_("Capacity must be at least 1."),
            ),
        ]

    def __str__(self) -> str:
        return str(self.user)
