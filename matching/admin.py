"""History of matching: runs, assignments and segments are written by services only, so read-only here.

Changing who serves whom is matching's business, so the customer and manager admins that offer it are
defined here, explicitly: `CustomerAssignmentAdmin` and `ManagerBookAdmin` subclass the apps' own admins
(which know nothing of matching), add the actions that call matching's services (capacity checked,
history and audit recorded, actor = the signed-in user), and replace the apps' registrations. The
manager autocomplete used to pick a manager for customers (and its "only eligible managers" rule)
lives here too.
"""
from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts import access
from accounts.admin import register_profile_inline
from accounts.models import Role
from core.admin import ReadOnlyAdmin
from customers.admin import CustomerProfileAdmin
from customers.models import CustomerProfile
from managers.admin import ManagerProfileAdmin, ManagerProfileInline
from managers.messages import capacity_below_book_warnings
from managers.models import ManagerProfile, capacity_needs_confirmation
from managers.selectors import manager_load, manager_loads

from .forms import ManualAssignmentForm
from .models import Assignment, MatchingRun, RunLock, Segment
from .services import customers_assign, customers_unlock, manager_availability_update, manager_book_transfer, run_undo


@admin.action(description=_("Undo the selected run"), permissions=["undo"])
def undo_run(modeladmin, request, queryset):
    if queryset.count() != 1:
        modeladmin.message_user(request, _("Select exactly one run to undo."), messages.ERROR)
        return
    run = queryset.get()
    try:
        undo = run_undo(run=run, actor=request.user)
    except ValidationError as exc:  # refusals, and RunInProgress
        modeladmin.message_user(request, " ".join(exc.messages), messages.ERROR)
        return
    modeladmin.message_user(
        request, _("Run %(run)s undone by run %(undo)s: %(count)d customer(s) restored.")
        % {"run": run.pk, "undo": undo.pk, "count": undo.customers_moved},
        messages.SUCCESS,
    )


@admin.register(MatchingRun)
class MatchingRunAdmin(ReadOnlyAdmin):
    actions = [undo_run]

    list_display = (
        "__str__", "status", "dry_run", "actor", "started_at", "finished_at", "customers_classified",
        "customers_placed", "customers_moved", "customers_unassigned", "fallbacks", "total_score", "mean_score",
    )
    list_filter = ("kind", "strategy", "status", "dry_run")
    search_fields = ("actor__username", "actor__name")
    list_select_related = ("actor",)

    @admin.display(description=_("mean score"))
    def mean_score(self, obj) -> str:
        return f"{obj.mean_score:.2f}"

    def has_undo_permission(self, request) -> bool:
        """Undoing moves customers: an administrator's decision, as in the console and the API, not a
        data clerk's who may change customer profiles."""
        return access.can_run_matching(request.user)


@admin.register(Assignment)
class AssignmentAdmin(ReadOnlyAdmin):
    list_display = (
        "created_at", "customer", "customer_class", "previous_manager", "new_manager",
        "needs_match", "hobbies_match", "total", "reason", "run", "actor",
    )
    list_filter = ("reason", "run__kind", "customer_class")
    date_hierarchy = "created_at"
    search_fields = ("customer__user__username", "customer__user__name")
    list_select_related = ("customer__user", "previous_manager__user", "new_manager__user", "run", "actor")


@admin.register(Segment)
class SegmentAdmin(ReadOnlyAdmin):
    list_display = ("label", "name", "size", "median_age", "median_assets", "computed_at")
    search_fields = ("name",)


@admin.register(RunLock)
class RunLockAdmin(ReadOnlyAdmin):
    """Who last took the lock that keeps runs from interleaving, and when."""

    list_display = ("__str__", "acquired_at")


# --- actions on the customer and manager admins --------------------------------------------------

@admin.action(description=_("Assign to a manager…"), permissions=["assign"])
def assign_manager(modeladmin, request, queryset):
    """Ask for the manager and a reason, then assign through the service (all or nothing)."""
    form = ManualAssignmentForm(request.POST if "apply" in request.POST else None)
    if form.is_valid():
        try:
            assignments = customers_assign(
                customer_ids=list(queryset.values_list("pk", flat=True)), manager=form.cleaned_data["manager"],
                actor=request.user, note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            modeladmin.message_user(request, " ".join(exc.messages), messages.ERROR)
            return None
        modeladmin.message_user(
            request,
            ngettext("%(count)d customer assigned to %(manager)s.", "%(count)d customers assigned to %(manager)s.",
                     len(assignments)) % {"count": len(assignments), "manager": form.cleaned_data["manager"]},
            messages.SUCCESS,
        )
        return None
    return TemplateResponse(request, "admin/matching/assign_manager.html", {
        **modeladmin.admin_site.each_context(request),
        "title": _("Assign to a manager"),
        "opts": modeladmin.model._meta,
        "queryset": queryset.select_related("user", "manager__user"),
        "form": form,
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
    })


@admin.action(description=_("Unlock: let rebalancing move them again"), permissions=["assign"])
def unlock_manager(modeladmin, request, queryset):
    count = customers_unlock(customer_ids=list(queryset.values_list("pk", flat=True)), actor=request.user)
    modeladmin.message_user(request, _("%(count)d customer(s) unlocked.") % {"count": count}, messages.SUCCESS)


@admin.action(description=_("Move the whole book to other managers (manager leaving)"), permissions=["move_book"])
def move_book(modeladmin, request, queryset):
    for manager in queryset.select_related("user"):
        try:
            report = manager_book_transfer(manager=manager, actor=request.user)
        except ValidationError as exc:  # refusals, and RunInProgress
            modeladmin.message_user(request, f"{manager}: {' '.join(exc.messages)}", messages.ERROR)
            continue
        run = report.run
        level = messages.WARNING if run.customers_unassigned else messages.SUCCESS
        modeladmin.message_user(
            request,
            _("%(manager)s: %(moved)d customer(s) moved (run %(run)s); %(left)d stay for lack of room elsewhere.")
            % {"manager": manager, "moved": len(report.changes), "run": run.pk, "left": run.customers_unassigned},
            level,
        )


# The apps register their own admins; these replace them with the matching actions added (see above).
admin.site.unregister(CustomerProfile)
admin.site.unregister(ManagerProfile)


@admin.register(CustomerProfile)
class CustomerAssignmentAdmin(CustomerProfileAdmin):
    """Customers, plus assigning them to a manager by hand and unlocking them."""

    actions = [*(CustomerProfileAdmin.actions or []), assign_manager, unlock_manager]

    def has_assign_permission(self, request) -> bool:
        """Choosing a customer's manager (and unlocking) is an administrator's decision, as in the console
        and the API; a data clerk who may change portraits does not get it with that permission."""
        return access.can_assign_by_hand(request.user)


class ManagerAvailabilityForm(forms.ModelForm):
    """Capacity below the current book needs the explicit confirmation the service asks for."""

    confirm_overflow = forms.BooleanField(
        label=_("Keep the customers above the new capacity"), required=False,
        help_text=_("Needed when the new capacity is below the customers served: they stay, and automatic runs "
                    "assign this manager no one new until the book is below the capacity."),
    )

    def clean(self):
        cleaned = super().clean()
        capacity = cleaned.get("capacity")
        if self.instance.pk is None or capacity is None or cleaned.get("confirm_overflow"):
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
    """Save an existing manager from an admin form: capacity and the accepting flag through
    `manager_availability_update` (run lock, confirmation below the book, audit), the rest as usual."""
    capacity, accepting = manager.capacity, manager.accepting_customers
    stored = ManagerProfile.objects.get(pk=manager.pk)
    manager.capacity, manager.accepting_customers = stored.capacity, stored.accepting_customers
    manager.save()  # the other fields
    try:
        updated = manager_availability_update(
            manager=manager, actor=request.user, capacity=capacity, accepting_customers=accepting,
            confirm_overflow=form.cleaned_data.get("confirm_overflow", False),
        )
    except ValidationError as exc:  # the book grew since the form was checked, or a run holds the lock
        messages.error(request, " ".join(exc.messages))
        return
    manager.capacity, manager.accepting_customers = updated.capacity, updated.accepting_customers
    for warning in capacity_below_book_warnings([manager], book_sizes=manager_loads([manager.pk])):
        messages.warning(request, warning)


class ManagerAvailabilityFormSet(BaseInlineFormSet):
    request = None  # set by ManagerAvailabilityInline.get_formset

    def save_existing(self, form, obj, commit=True):
        manager = form.save(commit=False)
        _availability_save(self.request, manager, form)
        form.save_m2m()
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


class ManagerAvailabilityInline(CapacityForAdministrators, ManagerProfileInline):
    """The manager profile on its user's page, with capacity and the accepting flag changed as on the manager's
    own page (the inline of the managers app knows nothing of matching's run lock)."""

    form = ManagerAvailabilityForm
    formset = ManagerAvailabilityFormSet

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)  # a new class on each call
        formset.request = request
        return formset


register_profile_inline(Role.MANAGER, ManagerAvailabilityInline)


@admin.register(ManagerProfile)
class ManagerBookAdmin(CapacityForAdministrators, ManagerProfileAdmin):
    """Managers, plus moving a leaving manager's book; also serves the manager autocomplete of customers.

    Capacity and the accepting flag of an existing manager change through `manager_availability_update`
    (run lock, confirmation below the book, audit), like on every other surface.
    """

    actions = [*(ManagerProfileAdmin.actions or []), move_book]
    form = ManagerAvailabilityForm

    def save_model(self, request, obj, form, change):
        if not change:
            return super().save_model(request, obj, form, change)
        _availability_save(request, obj, form)

    def has_move_book_permission(self, request) -> bool:
        """Moving a whole book is an administrator's decision (the admin role), not a data clerk's."""
        return access.can_move_book(request.user)

    def get_search_results(self, request, queryset, search_term):
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if request.GET.get("model_name") == "customerprofile" and request.GET.get("field_name") == "manager":
            # Choosing a manager for customers (the assign action): only those who can take them.
            queryset = queryset.filter(user__is_active=True, accepting_customers=True)
        return queryset, may_have_duplicates
