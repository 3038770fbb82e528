from django.contrib import admin

from .models import CapacityScenario


@admin.register(CapacityScenario)
class CapacityScenarioAdmin(admin.ModelAdmin):
    """Read-only: scenarios are saved, evaluated and applied in the console, through the services."""

    list_display = ("name", "created_by", "created_at", "updated_at", "evaluated_at")
    search_fields = ("name",)
    list_select_related = ("created_by",)
    readonly_fields = ("name", "created_by", "created_at", "updated_at", "changes", "result", "evaluated_at")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
