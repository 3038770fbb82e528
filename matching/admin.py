"""History of matching: runs, assignments and segments are written by services only, so read-only here.

Changing who serves whom is matching's business: its actions are contributed to the customer and manager
admins through their hooks (`core.admin.AdminHooks`), which stay as their apps registered them. The
actions call matching's services (capacity checked, history and audit recorded, actor = the signed-in
user); the manager autocomplete that picks a manager for customers offers only those who can take them;
capacity changes in the admin go through `manager_availability_update`, branch and tiers served through
`manager_service_area_update` (`managers.admin`'s hooks).
"""
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import ValidationError
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts import access
from core.admin import ReadOnlyAdmin
from customers.admin import CustomerProfileAdmin
from managers.admin import ManagerProfileAdmin, register_availability_update, register_service_area_update

from .forms import ManualAssignmentForm, managers_taking_customers
from .models import Assignment, MatchingRun, RunLock, Segment
from .services import (
    customers_assign, customers_unlock, manager_availability_update, manager_book_transfer, manager_service_area_update,
    run_undo,
)


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
        "__str__", "status", "actor", "started_at", "finished_at", "customers_classified",
        "customers_placed", "customers_moved", "customers_unassigned", "fallbacks", "total_score", "mean_score",
    )
    list_filter = ("kind", "strategy", "status")
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

@admin.action(description=_("Assign to a manager…"))
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


@admin.action(description=_("Unlock: let rebalancing move them again"))
def unlock_manager(modeladmin, request, queryset):
    count = customers_unlock(customer_ids=list(queryset.values_list("pk", flat=True)), actor=request.user)
    modeladmin.message_user(request, _("%(count)d customer(s) unlocked.") % {"count": count}, messages.SUCCESS)


@admin.action(description=_("Move the whole book to other managers (manager leaving)"))
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


# --- contributed to the customer and manager admins, which know nothing of matching ----------------

CustomerProfileAdmin.contribute_action(assign_manager, allowed=lambda request: access.can_assign_by_hand(request.user))
CustomerProfileAdmin.contribute_action(unlock_manager, allowed=lambda request: access.can_assign_by_hand(request.user))
ManagerProfileAdmin.contribute_action(move_book, allowed=lambda request: access.can_move_book(request.user))
# Choosing a manager for customers (the assign action's field): only those who can take them.
ManagerProfileAdmin.contribute_autocomplete_filter("customers.customerprofile.manager", managers_taking_customers)
# Capacity and the accepting flag, on the manager page and the user page: under the run lock, audited.
register_availability_update(manager_availability_update)
register_service_area_update(manager_service_area_update)
