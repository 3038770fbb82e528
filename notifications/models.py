"""What people are told when a customer's manager changes: one row per person told, read or not, and
each person's wish for e-mail."""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from matching.events import ChangeCause


class Audience(models.TextChoices):
    """Who the recipient is to the change."""

    CUSTOMER = "customer", _("the customer")
    NEW_MANAGER = "new_manager", _("the new manager")
    PREVIOUS_MANAGER = "previous_manager", _("the previous manager")


class Notification(models.Model):
    """One person told of one change of a customer's manager, or a manager told of many at once.

    A manager whom one write gives (or takes) more than `notifications.services.SUMMARY_AFTER` customers
    gets one notice counting them (`customers` > 1, no `customer`; their book, or the run, lists them)
    instead of one per customer: a run that moves most of a bank writes a notice per customer, not three.

    `batch` groups the notifications of one write (a run, an undo, a manual assignment): the mail goes out
    per batch, one digest per manager and one mail per customer. `emailed_at` is set once its mail is sent,
    so a retried mail task sends only what is left.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("recipient")
    )
    audience = models.CharField(_("told as"), max_length=16, choices=Audience.choices)
    kind = models.CharField(_("cause"), max_length=16, choices=ChangeCause.choices)
    customer = models.ForeignKey(
        "customers.CustomerProfile", on_delete=models.CASCADE, null=True, blank=True, related_name="+",
        verbose_name=_("customer"), help_text=_("Empty when the notice counts many customers."),
    )
    customers = models.PositiveIntegerField(
        pgettext_lazy("how many customers a notification is about", "customers"), default=1,
        help_text=_("How many customers joined or left: more than one in a summary."),
    )
    previous_manager = models.ForeignKey(
        "managers.ManagerProfile", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("previous manager"),
    )
    new_manager = models.ForeignKey(
        "managers.ManagerProfile", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("new manager"),
    )
    run = models.ForeignKey(
        "matching.MatchingRun", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("run"), help_text=_("Empty for a change made by hand."),
    )
    batch = models.UUIDField(_("batch"), db_index=True, editable=False)
    created_at = models.DateTimeField(_("when"), default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "-created_at", "-id"], name="notification_inbox_idx"),
            models.Index(fields=["recipient", "read_at"], name="notification_unread_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(audience__in=Audience.values), name="notification_audience_valid"
            ),
            models.CheckConstraint(condition=models.Q(kind__in=ChangeCause.values), name="notification_kind_valid"),
            # One customer named, or a manager's count of several.
            models.CheckConstraint(
                condition=models.Q(customer__isnull=False, customers=1)
                | models.Q(customer__isnull=True, customers__gt=1,
                           audience__in=[Audience.NEW_MANAGER, Audience.PREVIOUS_MANAGER]),
                name="notification_customer_or_summary",
            ),
        ]

    def __str__(self) -> str:
        about = self.customer if self.customer_id else f"× {self.customers}"
        return f"{self.recipient} · {about} ({self.get_kind_display()})"

    @property
    def is_summary(self) -> bool:
        """Whether it counts several customers rather than naming one."""
        return self.customer_id is None

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class NotificationSettings(models.Model):
    """A person's wishes for notifications; without a row, e-mail is on, in the site's language.

    Users have no language of their own (the interface's is the browser's or the one chosen in the
    navigation, per session): the mail's is chosen here, blank meaning the site's (`LANGUAGE_CODE`)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True,
        related_name="notification_settings", verbose_name=_("user"),
    )
    email_enabled = models.BooleanField(_("send me e-mail"), default=True)
    language = models.CharField(_("language of the e-mail"), max_length=16, choices=settings.LANGUAGES, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("notification settings")
        verbose_name_plural = _("notification settings")

    def __str__(self) -> str:
        return str(self.user)

    @property
    def mail_language(self) -> str:
        return self.language or settings.LANGUAGE_CODE
