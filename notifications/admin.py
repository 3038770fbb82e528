from django.contrib import admin

from core.admin import ReadOnlyAdmin

from .models import Notification, NotificationSettings


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    """Read-only: notifications are written when a customer's manager changes and read by their recipients."""

    list_display = ("created_at", "recipient", "audience", "kind", "customer", "customers", "previous_manager",
                    "new_manager", "run", "read_at", "emailed_at")
    list_filter = ("kind", "audience", "created_at", "read_at")
    date_hierarchy = "created_at"
    search_fields = ("recipient__username", "recipient__name", "customer__user__username", "customer__user__name")
    list_select_related = ("recipient", "customer__user", "previous_manager__user", "new_manager__user", "run")
    raw_id_fields = ("recipient", "customer", "previous_manager", "new_manager", "run")


@admin.register(NotificationSettings)
class NotificationSettingsAdmin(ReadOnlyAdmin):
    """Read-only: each person sets their own on their notifications page."""

    list_display = ("user", "email_enabled", "language", "updated_at")
    list_filter = ("email_enabled", "language")
    search_fields = ("user__username", "user__name")
    list_select_related = ("user",)
    raw_id_fields = ("user",)
