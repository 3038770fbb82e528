"""A customer's request for another manager: one open at a time, decided by an admin.

The request keeps the manager the customer had when asking (`manager`), so the history reads right after
the customer moves; on approval `new_manager` is the one chosen (through `matching`'s manual assignment).
"""
from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Case, F, Q, Value, When
from django.utils.translation import gettext_lazy as _

from core.text import TextBlockField

TEXT_MAX_LENGTH = 1000


class ReasonCategory(models.TextChoices):
    COMMUNICATION = "communication", _("communication")
    EXPERTISE = "expertise", _("expertise")
    AVAILABILITY = "availability", _("availability")
    MOVED = "moved", _("moved or changed branch")
    OTHER = "other", _("other")


class RequestStatus(models.TextChoices):
    OPEN = "open", _("open")
    APPROVED = "approved", _("approved")
    DECLINED = "declined", _("declined")


class ChangeRequest(models.Model):
    """A customer asks for another manager; an admin approves (choosing the new manager) or declines."""

    customer = models.ForeignKey(
        "customers.CustomerProfile", on_delete=models.CASCADE, related_name="change_requests",
        verbose_name=_("customer"),
    )
    manager = models.ForeignKey(
        "managers.ManagerProfile", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("manager when asked"),
    )
    reason = models.CharField(_("reason"), max_length=16, choices=ReasonCategory.choices)
    text = TextBlockField(_("what happened"), blank=True, validators=[MaxLengthValidator(TEXT_MAX_LENGTH)])
    status = models.CharField(_("status"), max_length=16, choices=RequestStatus.choices, default=RequestStatus.OPEN)
    # The customer's id while the request is open, NULL once decided: a unique column that holds "one open
    # request per customer" on every backend (MariaDB has no partial unique index; NULLs never collide).
    open_for = models.GeneratedField(
        expression=Case(When(status=RequestStatus.OPEN, then=F("customer_id")), default=Value(None)),
        output_field=models.BigIntegerField(null=True),
        db_persist=True,
        unique=True,
        editable=False,
    )
    reply = TextBlockField(_("reply"), blank=True, validators=[MaxLengthValidator(TEXT_MAX_LENGTH)])
    new_manager = models.ForeignKey(
        "managers.ManagerProfile", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("new manager"),
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    created_at = models.DateTimeField(_("asked"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("request for another manager")
        verbose_name_plural = _("requests for another manager")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "created_at"], name="change_request_queue_idx"),
            models.Index(fields=["customer", "created_at"], name="change_request_customer_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=RequestStatus.values), name="change_request_status_valid"),
            models.CheckConstraint(condition=Q(reason__in=ReasonCategory.values), name="change_request_reason_valid"),
            models.CheckConstraint(
                condition=Q(status=RequestStatus.OPEN, decided_at__isnull=True)
                | (~Q(status=RequestStatus.OPEN) & Q(decided_at__isnull=False)),
                name="change_request_decided_when_closed",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.customer} ({self.get_status_display()})"

    @property
    def is_open(self) -> bool:
        return self.status == RequestStatus.OPEN
