from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.admin import ReadOnlyAdmin

from .models import BackgroundJob


@admin.register(BackgroundJob)
class BackgroundJobAdmin(ReadOnlyAdmin):
    """What was asked of the task queue, by whom, and how it ended: read-only, like every history."""

    list_display = (
        "__str__", "kind_label", "status", "phase", "progress", "actor", "created_at", "started_at", "finished_at",
    )
    list_filter = ("status", "kind")
    search_fields = ("actor__username", "error")
    list_select_related = ("actor",)
    date_hierarchy = "created_at"

    @admin.display(description=_("kind"))
    def kind_label(self, obj) -> str:
        return obj.kind_label
