from django.contrib import admin
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from .models import Branch, Hobby, Service
from .services import branch_delete, branch_save


def _usage(reverse_m2m) -> Coalesce:
    """How many rows use the term, through the reverse side of a many-to-many (`Service.customers`).

    A correlated count on the through table, evaluated only for the rows on the page; two joined
    `Count`s would multiply customers by managers for every term.
    """
    field = reverse_m2m.rel.field
    term = field.m2m_reverse_field_name()
    uses = (
        field.remote_field.through.objects.filter(**{term: OuterRef("pk")})
        .order_by()
        .values(term)
        .annotate(n=Count("*"))
        .values("n")
    )
    return Coalesce(Subquery(uses, output_field=IntegerField()), 0)


def _is_autocomplete(request) -> bool:
    """The admin's autocomplete view asks for terms to offer on a portrait's form."""
    return request.resolver_match is not None and request.resolver_match.url_name == "autocomplete"


class TermAdmin(admin.ModelAdmin):
    list_display = ("name", "is_active", "order", "customer_count", "manager_count")
    list_display_links = ("name",)
    list_editable = ("is_active", "order")
    list_filter = ("is_active",)
    search_fields = ("name",)
    ordering = ("order", "name")

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if _is_autocomplete(request):
            return queryset
        return queryset.annotate(customer_count=_usage(self.model.customers), manager_count=_usage(self.model.managers))

    def get_search_results(self, request, queryset, search_term):
        """Inactive terms stay on portraits but are not offered when a portrait is edited."""
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if _is_autocomplete(request):
            queryset = queryset.filter(is_active=True)
        return queryset, may_have_duplicates

    @admin.display(description=_("customers"), ordering="customer_count")
    def customer_count(self, obj) -> int:
        return obj.customer_count

    @admin.display(description=_("managers"), ordering="manager_count")
    def manager_count(self, obj) -> int:
        return obj.manager_count


@admin.register(Service)
class ServiceAdmin(TermAdmin):
    pass


@admin.register(Hobby)
class HobbyAdmin(TermAdmin):
    pass


@admin.register(Branch)
class BranchAdmin(admin.ModelAdmin):
    """Branches, saved and deleted through `services.branch_save` and `branch_delete` (audited)."""

    list_display = ("code", "name", "region", "customer_count", "manager_count")
    list_filter = ("region",)
    search_fields = ("code", "name", "region")  # also the branch autocomplete of portraits
    ordering = ("code",)

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if _is_autocomplete(request):
            return queryset
        return queryset.annotate(customer_count=_count_of(Branch.customers), manager_count=_count_of(Branch.managers))

    def save_model(self, request, obj, form, change):
        branch_save(branch=obj, actor=request.user)

    def delete_model(self, request, obj):
        branch_delete(branch=obj, actor=request.user)

    def delete_queryset(self, request, queryset):
        for branch in queryset:
            branch_delete(branch=branch, actor=request.user)

    @admin.display(description=_("customers"), ordering="customer_count")
    def customer_count(self, obj) -> int:
        return obj.customer_count

    @admin.display(description=_("managers"), ordering="manager_count")
    def manager_count(self, obj) -> int:
        return obj.manager_count


def _count_of(reverse_fk) -> Coalesce:
    """How many rows point to the branch, a correlated count for the rows on the page (see `_usage`)."""
    field = reverse_fk.field
    rows = (
        field.model.objects.filter(**{field.name: OuterRef("pk")}).order_by().values(field.name)
        .annotate(n=Count("*")).values("n")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)
