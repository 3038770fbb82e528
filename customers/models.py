from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from core.text import TextLineField
from vocabularies.tiers import Tier, tier_of

MIN_AGE, MAX_AGE = 18, 120


class CustomerClass(models.TextChoices):
    """A-E, from the overlap with the best manager (see matching.engine.classify): the "match fit" on pages
    (docs/glossary.md), never a grade of the customer; the field keeps its name for the systems that read it."""

    A = "A", "A"
    B = "B", "B"
    C = "C", "C"
    D = "D", "D"
    E = "E", "E"


class CustomerProfile(models.Model):
    """A bank customer's portrait and the manager who serves them."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="customer_profile",
        limit_choices_to={"role": Role.CUSTOMER},
        verbose_name=_("user"),
    )
    age = models.PositiveSmallIntegerField(
        _("age"), validators=[MinValueValidator(MIN_AGE), MaxValueValidator(MAX_AGE)]
    )
    occupation = TextLineField(_("occupation"), max_length=100, blank=True)
    # 15 digits: the most a double holds exactly, so amounts round-trip on SQLite (which stores REAL) too.
    total_assets = models.DecimalField(
        _("total assets (yuan)"), max_digits=15, decimal_places=2, default=Decimal("0.00"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    needs = models.ManyToManyField(
        "vocabularies.Service", blank=True, related_name="customers", verbose_name=_("needs")
    )
    hobbies = models.ManyToManyField(
        "vocabularies.Hobby", blank=True, related_name="customers", verbose_name=_("hobbies")
    )
    customer_class = models.CharField(
        _("match fit"),
        max_length=1,
        choices=CustomerClass.choices,
        blank=True,
        help_text=_(
            "How well the customer fits the best manager, from A (best) to E; not a wealth tier. Empty until matched."
        ),
    )
    segment = models.PositiveSmallIntegerField(
        _("segment"), null=True, blank=True, help_text=_("Empty until segmented.")
    )
    branch = models.ForeignKey(
        "vocabularies.Branch",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="customers",
        verbose_name=_("branch"),
        help_text=_("Empty: any branch may serve the customer."),
    )
    manager = models.ForeignKey(
        "managers.ManagerProfile",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="customers",
        verbose_name=_("manager"),
    )
    manager_locked = models.BooleanField(
        _("manager locked"),
        default=False,
        help_text=_("Assigned by hand: automatic runs do not move this customer."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("customer profile")
        verbose_name_plural = _("customer profiles")
        ordering = ["user__username"]
        indexes = [
            models.Index(fields=["customer_class"], name="customer_class_idx"),
            models.Index(fields=["segment"], name="customer_segment_idx"),
            models.Index(fields=["manager", "customer_class"], name="customer_manager_class_idx"),
            # A manager's book in user id order (the API's key), read a page at a time without a sort.
            models.Index(fields=["manager", "user"], name="customer_manager_user_idx"),
            models.Index(fields=["total_assets"], name="customer_assets_idx"),
            models.Index(fields=["age"], name="customer_age_idx"),
            models.Index(fields=["created_at"], name="customer_created_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(age__gte=MIN_AGE, age__lte=MAX_AGE),
                name="customer_age_range",
                violation_error_message=_("Age must be between 18 and 120."),
            ),
            models.CheckConstraint(
                condition=models.Q(total_assets__gte=0),
                name="customer_assets_non_negative",
                violation_error_message=_("Total assets cannot be negative."),
            ),
            models.CheckConstraint(
                condition=models.Q(customer_class__in=["", *CustomerClass.values]),
                name="customer_class_valid",
            ),
        ]

    def __str__(self) -> str:
        return str(self.user)

    @property
    def tier(self) -> Tier:
        """The service tier the customer's total assets set (`vocabularies.tiers`)."""
        return tier_of(self.total_assets)


class SavedView(models.Model):
    """A user's named customer list: a query string of the one customer filter (`customers.filters`), saved
    from the list and reopened with one click. Per user: nobody else sees or changes it."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_views", verbose_name=_("owner")
    )
    name = models.CharField(_("name"), max_length=80)
    query = models.CharField(_("query"), max_length=2000, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("saved view")
        verbose_name_plural = _("saved views")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["owner", "name"], name="saved_view_name_unique_per_owner")]

    def __str__(self) -> str:
        return self.name
