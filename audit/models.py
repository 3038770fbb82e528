"""Who did what: an append-only log every write service adds to through `audit_record`."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from . import words


class AppendOnly(Exception):
    """Raised on any attempt to change or delete an audit event through the ORM."""


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnly("audit events cannot be changed")

    def delete(self):
        raise AppendOnly("audit events cannot be deleted")

    def bulk_update(self, objs, fields, batch_size=None):
        raise AppendOnly("audit events cannot be changed")


class AuditEvent(models.Model):
    """One action by a person (or the system, when `actor` is empty) on one object or on many."""

    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("actor"), help_text=_("Empty for the system (the command line, scheduled jobs)."),
    )
    actor_username = models.CharField(_("actor username"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=64, db_index=True)
    target_type = models.CharField(_("object type"), max_length=64, blank=True, db_index=True)
    target_id = models.CharField(_("object id"), max_length=64, blank=True)
    summary = models.CharField(_("summary"), max_length=500, blank=True)
    changes = models.JSONField(_("changed fields"), default=dict, blank=True, help_text=_("field: [old, new]"))
    data = models.JSONField(_("details"), default=dict, blank=True)
    ip_address = models.GenericIPAddressField(_("client IP"), null=True, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["target_type", "target_id"], name="audit_target_idx"),
            models.Index(fields=["actor", "-created_at"], name="audit_actor_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_username or 'system'} {self.action}"

    @property
    def actor_label(self) -> str:
        return self.actor_username or str(_("system"))

    @property
    def action_label(self) -> str:
        """The action in words (audit.words); the code stays in `action` and in exports."""
        return words.action_label(self.action)

    @property
    def target_label(self) -> str:
        """What the action was done to: "Customer customer7", "Assignment run #8"."""
        if not self.target_type:
            return ""
        kind = words.object_type_label(self.target_type)
        people = ("customers.customerprofile", "managers.managerprofile", "accounts.user")
        if self.summary and self.target_type in people:
            return f"{kind} {self.summary}"
        return f"{kind} #{self.target_id}" if self.target_id else kind

    @property
    def change_rows(self) -> list[tuple[str, object, object]]:
        """(field in words, before, after) per changed field."""
        return [(words.field_label(name), pair[0], pair[1]) for name, pair in self.changes.items()]

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnly("audit events cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnly("audit events cannot be deleted")
