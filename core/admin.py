"""Admin building blocks that know no domain: big-table changelists, read-only history, and hooks through
which an app adds to the admin of a model it does not own."""
from __future__ import annotations

from collections.abc import Callable

from django.contrib import admin
from django.contrib.admin.options import IS_POPUP_VAR
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest
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


class AdminHooks:
    """A `ModelAdmin` mixin: the apps above a model's own add to its admin, which knows nothing of them and
    stays registered as its app registered it (nobody unregisters and replaces it).

    - `contribute_action(action, allowed=...)`: an action (a function, as for `ModelAdmin.actions`), offered
      and run only for a request `allowed(request)` approves;
    - `contribute_autocomplete_filter(source, narrow)`: what the admin's autocomplete offers for the field
      `source` ("app_label.model_name.field_name") of another model, narrowed by `narrow(queryset)`.

    Call them from the contributing app's admin module. Each admin class keeps its own contributions.
    """

    contributed_actions: tuple[tuple[Callable, Callable[[HttpRequest], bool]], ...] = ()
    contributed_autocomplete_filters: dict[str, Callable[[QuerySet], QuerySet]] = {}

    @classmethod
    def contribute_action(cls, action: Callable, *, allowed: Callable[[HttpRequest], bool]) -> None:
        if action not in (contributed for contributed, _ in cls.contributed_actions):
            cls.contributed_actions = (*cls.contributed_actions, (action, allowed))

    @classmethod
    def contribute_autocomplete_filter(cls, source: str, narrow: Callable[[QuerySet], QuerySet]) -> None:
        cls.contributed_autocomplete_filters = {**cls.contributed_autocomplete_filters, source: narrow}

    def get_actions(self, request):
        actions = super().get_actions(request)
        if self.actions is None or IS_POPUP_VAR in request.GET:
            return actions
        for action, allowed in self.contributed_actions:
            if allowed(request):
                func, name, description = self.get_action(action)
                actions[name] = (func, name, description)
        return actions

    def get_search_results(self, request, queryset, search_term):
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if request.resolver_match is not None and request.resolver_match.url_name == "autocomplete":
            source = ".".join(request.GET.get(key, "") for key in ("app_label", "model_name", "field_name"))
            if narrow := self.contributed_autocomplete_filters.get(source):
                queryset = narrow(queryset)
        return queryset, may_have_duplicates
