from django.contrib import admin

from core.admin import ReadOnlyAdmin

from .models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    """Readable by staff with the view permission; nobody, a superuser included, changes or deletes it."""

    list_display = ("created_at", "actor_username", "action", "target_type", "target_id", "summary", "ip_address")
    list_filter = ("action", "target_type")
    search_fields = ("actor_username", "target_id", "summary")
    date_hierarchy = "created_at"
