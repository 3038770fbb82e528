"""Admin building blocks that know no domain: big-table changelists and read-only history."""
from django.contrib import admin
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property


class LargeTablePaginator(Paginator):
    """Counts primary keys only, for changelists over 100k rows.

    Django's count would carry the page's annotations (a manager's load, a term's usage) into the
    COUNT query; counting ``pk`` with no ordering keeps it to the filtered base table and the joins
    that filters or searches need. Used together with ``show_full_result_count = False``, which
    drops the second, unfiltered count.
    """

    @cached_property
    def count(self) -> int:
        if isinstance(self.object_list, QuerySet):
            return self.object_list.order_by().values("pk").count()
        return super().count


class BigTableAdmin(admin.ModelAdmin):
    """Defaults for changelists of tables that grow with the number of customers."""

    paginator = LargeTablePaginator
    show_full_result_count = False


class ReadOnlyAdmin(BigTableAdmin):
    """Viewable by staff with the view permission; nobody adds, changes or deletes history here."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
