from django.contrib import admin

from core.admin import ReadOnlyAdmin

from .models import Contact


@admin.register(Contact)
class ContactAdmin(ReadOnlyAdmin):
    """The log, read-only: managers record and correct it in their workspace (checked and audited there);
    admins read it, here and on the console's customer page."""

    list_display = ("contacted_at", "customer", "manager", "channel", "next_follow_up", "updated_at")
    list_filter = ("channel", "contacted_at", "next_follow_up")
    search_fields = ("customer__user__username", "customer__user__name", "manager__user__username", "summary")
    list_select_related = ("customer__user", "manager__user")
    raw_id_fields = ("customer", "manager")
    ordering = ("-contacted_at", "-id")
    fields = ("customer", "manager", "contacted_at", "channel", "summary", "next_follow_up", "created_at", "updated_at")
    readonly_fields = fields
