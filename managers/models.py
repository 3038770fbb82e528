from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from vocabularies.tiers import validate_tier_codes


#: The most customers one manager may serve: far above any real book, low enough that sums of
#: capacities stay exact on every backend (imports, the console, the API and the admin share it).
MAX_CAPACITY = 100_000


#: A phone number as people write it: an optional leading +, then digits with spaces, hyphens or brackets
#: between them (7 to 20 characters): "+86 10 6552 8888", "010-65528888", "(021) 6888 8888", "138 0013 8000".
phone_validator = RegexValidator(
    r"^\+?[0-9(][0-9 ()-]{5,18}[0-9]$",
    _("Enter a phone number of 7 to 20 digits; spaces, hyphens, brackets and a leading + are allowed."),
    code="invalid_phone",
)


def tel_uri(phone: str) -> str:
    """The phone number as a tel: link takes it (digits and a leading +)."""
    return "tel:" + "".join(char for char in phone if char.isdigit() or char == "+")


def default_capacity() -> int:
    return settings.PORTRAIT_DEFAULT_MANAGER_CAPACITY


def capacity_needs_confirmation(*, capacity: int, previous: int | None, served: int) -> bool:
    """A capacity lowered below the customers already served is kept only on the changer's explicit word:
    the customers stay, and automatic runs give the manager no one new. Unchanged capacities pass."""
    return capacity != previous and capacity < served


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
    phone = models.CharField(
        _("phone"), max_length=20, blank=True, validators=[phone_validator],
        help_text=_("The number customers call; shown to the manager's customers on their page."),
    )
    # A branch field belongs here when branches exist (the manager card on /me/ shows it then).
    capacity = models.PositiveIntegerField(
        _("capacity"),
        default=default_capacity,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_CAPACITY)],
        help_text=_("The most customers this manager may serve."),
    )
    accepting_customers = models.BooleanField(
        _("accepting customers"),
        default=True,
        db_index=True,
        help_text=_("Off while on leave: no new customers are assigned."),
    )
    branch = models.ForeignKey(
        "vocabularies.Branch",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="managers",
        verbose_name=_("branch"),
        help_text=_("Empty: serves every branch."),
    )
    tiers = models.JSONField(
        _("tiers served"),
        default=list,
        blank=True,
        validators=[validate_tier_codes],
        help_text=_("Codes of the service tiers this manager serves; none: every tier."),
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

    @property
    def tel_uri(self) -> str:
        return tel_uri(self.phone) if self.phone else ""

    def serves_tier(self, code: str) -> bool:
        return not self.tiers or code in self.tiers
