"""Admin for relationship managers.

A new manager, on the add page or in the profile inline of the user page, is created by `manager_create` (one
audited event). Every field of an existing manager is saved through the service that audits it, on the manager
page and in the profile inline of the user page alike: the phone, services and hobbies through
`managers.services` (as in the console, the workspace and the API); capacity and the accepting flag through
the update an app above registers (`register_availability_update`: matching's `manager_availability_update`,
which takes the run lock and audits), and the branch and tiers served likewise
(`register_service_area_update`: matching's `manager_service_area_update`). Lowering a capacity below the book
needs the explicit confirmation that update asks for. Actions on managers (moving a leaving manager's book)
are contributed by matching (`core.admin.AdminHooks`).
"""
from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import BigIntegerField, F, Q
from django.db.models.functions import Cast
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _

from accounts import access
from accounts.admin import ProfileUserColumns, register_profile_inline
from accounts.models import Role
from core.admin import AdminHooks, BigTableAdmin
from vocabularies.forms import TierCodesField
from vocabularies.services import terms_not_choosable
from vocabularies.tiers import tier_choices, tier_names

from .messages import capacity_below_book_warnings
from .models import ManagerProfile, capacity_needs_confirmation
from .selectors import manager_load, manager_load_expression, manager_loads
from .services import manager_contact_update, manager_create, manager_profile_update

#: How an existing manager's capacity and accepting flag are saved from the admin:
#: `update(manager=, actor=, capacity=, accepting_customers=, confirm_overflow=) -> ManagerProfile`, raising
#: `ValidationError` to refuse. A plain save until `register_availability_update` names the app's service.
_availability_update: Callable[..., ManagerProfile] | None = None


def register_availability_update(update: Callable[..., ManagerProfile]) -> None:
    """Save capacity and the accepting flag through `update` (matching's, under the run lock)."""
    global _availability_update
    _availability_update = update


#: How an existing manager's branch and tiers served are saved from the admin:
#: `update(manager=, actor=, branch=, tiers=) -> ManagerProfile`; a plain save until registered.
_service_area_update: Callable[..., ManagerProfile] | None = None


def register_service_area_update(update: Callable[..., ManagerProfile]) -> None:
    """Save the branch and tiers a manager serves through `update` (matching's, under the run lock, audited)."""
    global _service_area_update
    _service_area_update = update


class ManagerAvailabilityForm(forms.ModelForm):
    """Capacity below the current book needs the explicit confirmation the update asks for."""

    tiers = TierCodesField()

    confirm_overflow = forms.BooleanField(
        label=_("Keep the customers above the new capacity"), required=False,
        help_text=_("Needed when the new capacity is below the customers served: they stay, and automatic runs "
                    "assign this manager no one new until the book is below the capacity."),
    )

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is None:  # a new manager may not take a term no longer offered (`manager_create`)
            for field in ("capabilities", "hobbies"):
                if problems := terms_not_choosable(chosen=cleaned.get(field) or []):
                    self.add_error(field, problems)
            return cleaned
        capacity = cleaned.get("capacity")
        if capacity is None or cleaned.get("confirm_overflow"):
            return cleaned
        load = manager_load(self.instance)
        # Before _post_clean, the instance still holds the stored capacity.
        if capacity_needs_confirmation(capacity=capacity, previous=self.instance.capacity, served=load):
            self.add_error("capacity", _(
                "%(manager)s serves %(load)d customers, more than the new capacity of %(capacity)d. Tick “Keep the "
                "customers above the new capacity” to confirm, or move the book first."
            ) % {"manager": self.instance.user, "load": load, "capacity": capacity})
        return cleaned


def _availability_save(request, manager: ManagerProfile, form: ManagerAvailabilityForm) -> None:
    """Save an existing manager from an admin form through the services the console, the workspace and the API
    use, each audited with what changed: the phone, the services and hobbies, then capacity and the accepting
    flag, then the branch and tiers served (the registered updates: run lock, confirmation below the book).
    All or nothing: a refusal is shown and nothing is saved."""
    data = form.cleaned_data
    stored = ManagerProfile.objects.select_related("user", "branch").get(pk=manager.pk)
    try:
        with transaction.atomic():
            manager_contact_update(manager=stored, actor=request.user, phone=manager.phone)
            manager_profile_update(
                manager=stored, actor=request.user, capabilities=data["capabilities"], hobbies=data["hobbies"],
            )
            if _availability_update is not None:
                stored = _availability_update(
                    manager=stored, actor=request.user, capacity=manager.capacity,
                    accepting_customers=manager.accepting_customers,
                    confirm_overflow=data.get("confirm_overflow", False),
                )
            if _service_area_update is not None and (manager.branch, list(manager.tiers)) != (
                stored.branch, list(stored.tiers)
            ):
                stored = _service_area_update(
                    manager=stored, actor=request.user, branch=manager.branch, tiers=manager.tiers,
                )
            if _availability_update is None or _service_area_update is None:  # no app registered them
                stored.capacity, stored.accepting_customers = manager.capacity, manager.accepting_customers
                stored.branch, stored.tiers = manager.branch, manager.tiers
                stored.save()
    except ValidationError as exc:  # the book grew since the form was checked, or a run holds the lock
        messages.error(request, " ".join(exc.messages))
        return
    for warning in capacity_below_book_warnings([stored], book_sizes=manager_loads([stored.pk])):
        messages.warning(request, warning)


def _manager_create(request, manager: ManagerProfile, form: ManagerAvailabilityForm) -> None:
    """Create a manager from an admin form through `manager_create` (one audited event) and give the admin's
    unsaved instance the new row's id. The form refused what the service refuses, so a refusal here raises
    (the admin's transaction rolls back)."""
    manager.pk = manager_create(
        user=manager.user, actor=request.user, phone=manager.phone, branch=manager.branch, tiers=manager.tiers,
        capacity=manager.capacity, accepting_customers=manager.accepting_customers,
        capabilities=form.cleaned_data["capabilities"], hobbies=form.cleaned_data["hobbies"],
    ).pk


class TiersServedFilter(admin.SimpleListFilter):
    """The managers who serve a service tier: those who list it, and those who serve every tier (none listed)."""

    title = _("tier served")
    parameter_name = "serves_tier"

    def lookups(self, request, model_admin):
        return tier_choices()

    def queryset(self, request, queryset):
        if self.value() not in dict(tier_choices()):
            return queryset
        # `tiers` is a JSON list of codes: its text holds the quoted code (JSON containment is not on SQLite).
        return queryset.filter(Q(tiers=[]) | Q(tiers__icontains=f'"{self.value()}"'))


class ManagerAvailabilityFormSet(BaseInlineFormSet):
    request = None  # set by ManagerProfileInline.get_formset

    def save_existing(self, form, obj, commit=True):
        manager = form.save(commit=False)
        _availability_save(self.request, manager, form)  # the terms too: no save_m2m
        return manager

    def save_new(self, form, commit=True):
        manager = form.save(commit=False)
        manager.user = self.instance
        _manager_create(self.request, manager, form)  # the terms too: no save_m2m
        return manager


class CapacityForAdministrators:
    """Capacity is an administrator's decision (`can_set_capacity`), not a data clerk's who may change
    managers: read-only for anyone else, who is not offered the confirmation box either."""

    def get_fields(self, request, obj=None):
        fields = list(super().get_fields(request, obj))
        if obj is not None and "confirm_overflow" not in fields and access.can_set_capacity(request.user):
            fields.insert(fields.index("capacity") + 1, "confirm_overflow")
        return fields

    def get_readonly_fields(self, request, obj=None):
        fields = tuple(super().get_readonly_fields(request, obj))
        return fields if access.can_set_capacity(request.user) else (*fields, "capacity")


class ManagerProfileInline(CapacityForAdministrators, admin.StackedInline):
    """The profile on its user's change page (accounts.admin.UserAdmin shows it to managers), with capacity
    and the accepting flag saved as on the manager page."""

    model = ManagerProfile
    fk_name = "user"
    extra = 0
    max_num = 1
    can_delete = False  # delete the user instead
    autocomplete_fields = ("branch", "capabilities", "hobbies")
    fields = ("phone", "branch", "tiers", "capabilities", "hobbies", "capacity", "accepting_customers", "created_at",
              "updated_at")
    readonly_fields = ("created_at", "updated_at")
    form = ManagerAvailabilityForm
    formset = ManagerAvailabilityFormSet

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)  # a new class on each call
        formset.request = request
        return formset


register_profile_inline(Role.MANAGER, ManagerProfileInline)


@admin.register(ManagerProfile)
class ManagerProfileAdmin(AdminHooks, CapacityForAdministrators, ProfileUserColumns, BigTableAdmin):
    """Managers; also the manager autocomplete, which matching narrows for choosing a customer's manager."""

    list_display = (
        "username", "display_name", "branch", "tiers_served", "capacity", "load", "free_room",
        "accepting_customers", "account_active",
    )
    list_filter = ("accepting_customers", "user__is_active", "branch", TiersServedFilter)
    search_fields = ("user__username", "user__name")  # also the manager autocomplete
    list_select_related = ("user", "branch")
    autocomplete_fields = ("user", "branch", "capabilities", "hobbies")
    fields = ("user", "phone", "branch", "tiers", "capabilities", "hobbies", "capacity", "accepting_customers", "load",
              "free_room", "created_at", "updated_at")
    readonly_fields = ("load", "free_room", "created_at", "updated_at")
    form = ManagerAvailabilityForm

    def get_queryset(self, request):
        # Capacity is unsigned on MySQL: cast before subtracting so an overfull manager shows a negative room.
        # The user also for the manager autocomplete of customers, which ignores list_select_related.
        return (
            super()
            .get_queryset(request)
            .select_related("user")
            .annotate(load=manager_load_expression())
            .annotate(free_room=Cast(F("capacity"), BigIntegerField()) - F("load"))
        )

    def save_model(self, request, obj, form, change):
        if change:
            _availability_save(request, obj, form)
            return
        _manager_create(request, obj, form)
        for warning in capacity_below_book_warnings([obj], book_sizes=manager_loads([obj.pk])):
            self.message_user(request, warning, messages.WARNING)

    def save_related(self, request, form, formsets, change):
        # The services saved the terms: no save_m2m.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        return (*fields, "user") if obj is not None else fields  # a profile stays with its user

    @admin.display(description=_("tiers served"))
    def tiers_served(self, obj) -> str:
        return ", ".join(tier_names(obj.tiers)) if obj.tiers else _("every tier")

    @admin.display(description=_("customers served"), ordering="load")
    def load(self, obj) -> int | None:
        return getattr(obj, "load", None)

    @admin.display(description=_("free room"), ordering="free_room")
    def free_room(self, obj) -> int | None:
        return getattr(obj, "free_room", None)
