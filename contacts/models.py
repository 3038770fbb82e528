"""The contact log: what a manager did with a customer, and when to follow up.

A contact hangs off the customer, not the manager: when the customer changes manager the log stays with
them and the new manager reads it; `manager` keeps who recorded each entry.
"""
import datetime

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.text import TextBlockField

SUMMARY_MAX_LENGTH = 2000
# No log reaches further back (and every database stores the times from here on).
EARLIEST = datetime.datetime(2000, 1, 1, tzinfo=datetime.timezone.utc)


class Channel(models.TextChoices):
    PHONE = "phone", _("phone")
    VISIT = "visit", _("visit")
    WECHAT = "wechat", _("WeChat")
    EMAIL = "email", _("e-mail")
    BRANCH = "branch", _("at the branch")


class Contact(models.Model):
    """One contact with a customer, recorded by a manager, with the date to follow up (if any)."""

    customer = models.ForeignKey(
        "customers.CustomerProfile", on_delete=models.CASCADE, related_name="contacts", verbose_name=_("customer"),
    )
    manager = models.ForeignKey(
        "managers.ManagerProfile", on_delete=models.PROTECT, related_name="contacts_recorded",
        verbose_name=_("recorded by"), help_text=_("The manager who recorded it, kept when the customer moves."),
    )
    contacted_at = models.DateTimeField(_("when"))
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    # The project's free-text rule (`core.text`), line feeds allowed: a summary may take several lines.
    summary = TextBlockField(_("summary"), validators=[MaxLengthValidator(SUMMARY_MAX_LENGTH)])
    next_follow_up = models.DateField(_("next follow-up"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["-contacted_at", "-id"]
        indexes = [
            # A customer's log newest first, and "is there a later contact?" for the follow-ups due.
            models.Index(fields=["customer", "contacted_at"], name="contact_customer_time_idx"),
            # Follow-ups due: the customers of a book (customers' own (manager, user) index), then their dates.
            models.Index(fields=["customer", "next_follow_up"], name="contact_customer_follow_up_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "manager", "contacted_at", "channel"], name="contact_once_per_moment",
                violation_error_message=_("This contact is already recorded (same customer, time and channel)."),
            ),
            models.CheckConstraint(
                condition=models.Q(channel__in=Channel.values), name="contact_channel_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.customer} {self.contacted_at:%Y-%m-%d %H:%M} {self.get_channel_display()}"

    def clean(self) -> None:
        """A contact has happened (not later than now, not before 2000), and its follow-up is not before it."""
        errors = {}
        if self.contacted_at is not None:
            if self.contacted_at > timezone.now():
                errors["contacted_at"] = _("A contact cannot be in the future.")
            elif self.contacted_at < EARLIEST:
                errors["contacted_at"] = _("A contact cannot be before 2000.")
            elif self.next_follow_up is not None and self.next_follow_up < timezone.localdate(self.contacted_at):
                errors["next_follow_up"] = _("The next follow-up cannot be before the contact.")
        if errors:
            raise ValidationError(errors)
