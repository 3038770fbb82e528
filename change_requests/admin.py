from django.contrib import admin

from .models import ChangeRequest


@admin.register(ChangeRequest)
class ChangeRequestAdmin(admin.ModelAdmin):
    """Read-only: requests are opened on /me/ and decided in the console, through the services."""

    list_display = ("id", "customer", "manager", "reason", "status", "new_manager", "decided_by", "created_at")
    list_filter = ("status", "reason")
    search_fields = ("customer__user__username", "customer__user__name", "manager__user__username")
    list_select_related = ("customer__user", "manager__user", "new_manager__user", "decided_by")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
