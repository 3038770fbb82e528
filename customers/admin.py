from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _

from accounts.admin import ProfileUserColumns, register_profile_inline
from core.admin import AdminHooks, BigTableAdmin
from accounts.models import Role

from vocabularies.services import terms_not_choosable
from vocabularies.tiers import tier_assets_range, tier_choices

from .models import CustomerProfile
from .services import customer_branch_set, customer_portrait_save

# Computed or decided by the matching service: shown, never typed in. The manager changes through the
# "Assign to a manager" action (contributed by matching.admin), which checks capacity and records the history.
COMPUTED_FIELDS = ("customer_class", "segment", "manager", "manager_locked", "created_at", "updated_at")


class HasManagerFilter(admin.SimpleListFilter):
    title = _("has manager")
    parameter_name = "has_manager"

    def lookups(self, request, model_admin):
        return (("yes", _("Yes")), ("no", _("No")))

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(manager__isnull=False)
        if self.value() == "no":
            return queryset.filter(manager__isnull=True)
        return queryset


class TierFilter(admin.SimpleListFilter):
    """The service tier, from total assets (`vocabularies.tiers`)."""

    title = _("tier")
    parameter_name = "tier"

    def lookups(self, request, model_admin):
        return tier_choices()

    def queryset(self, request, queryset):
        if self.value() not in dict(tier_choices()):
            return queryset
        low, high = tier_assets_range(self.value())
        queryset = queryset.filter(total_assets__gte=low)
        return queryset if high is None else queryset.filter(total_assets__lt=high)


class CustomerPortraitForm(forms.ModelForm):
    """A new portrait may not take a term no longer offered: refused on the form, before the service saves."""

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is None:
            for field in ("needs", "hobbies"):
                if problems := terms_not_choosable(chosen=cleaned.get(field) or []):
                    self.add_error(field, problems)
        return cleaned


def _customer_write(request, customer: CustomerProfile, form) -> CustomerProfile:
    """Create or update a customer from an admin form through the services the portal and the API use: the
    portrait (`customer_portrait_save`: "portrait filled in" or the changed fields), then the branch
    (`customer_branch_set`, its own event). Each has the class computed again."""
    with transaction.atomic():
        saved = customer_portrait_save(
            user=customer.user, actor=request.user, age=customer.age, occupation=customer.occupation,
            total_assets=customer.total_assets, needs=form.cleaned_data["needs"],
            hobbies=form.cleaned_data["hobbies"],
        )
        return customer_branch_set(customer=saved, branch=customer.branch, actor=request.user)


def _customer_save(request, customer: CustomerProfile, form) -> None:
    """Save an existing customer (`_customer_write`); a refused value (a term no longer offered) is shown and
    nothing is saved."""
    try:
        _customer_write(request, customer, form)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))


def _customer_create(request, customer: CustomerProfile, form) -> None:
    """Create a customer (`_customer_write`) and give the admin's unsaved instance the new row's id. The form
    refused what the service refuses, so a refusal here raises (the admin's transaction rolls back)."""
    customer.pk = _customer_write(request, customer, form).pk


class CustomerPortraitFormSet(BaseInlineFormSet):
    request = None  # set by CustomerProfileInline.get_formset

    def save_existing(self, form, obj, commit=True):
        customer = form.save(commit=False)
        _customer_save(self.request, customer, form)  # the terms too: no save_m2m
        return customer

    def save_new(self, form, commit=True):
        customer = form.save(commit=False)
        customer.user = self.instance
        _customer_create(self.request, customer, form)  # the terms too: no save_m2m
        return customer


class CustomerProfileInline(admin.StackedInline):
    """The portrait on its user's change page (accounts.admin.UserAdmin shows it to customers)."""

    model = CustomerProfile
    fk_name = "user"
    extra = 0
    max_num = 1
    can_delete = False  # delete the user instead
    autocomplete_fields = ("branch", "needs", "hobbies")
    fields = ("age", "occupation", "total_assets", "branch", "needs", "hobbies", *COMPUTED_FIELDS)
    readonly_fields = COMPUTED_FIELDS
    form = CustomerPortraitForm
    formset = CustomerPortraitFormSet

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)  # a new class on each call
        formset.request = request
        return formset


register_profile_inline(Role.CUSTOMER, CustomerProfileInline)


@admin.register(CustomerProfile)
class CustomerProfileAdmin(AdminHooks, ProfileUserColumns, BigTableAdmin):
    """Customer portraits. Who serves them changes through the actions matching contributes (`AdminHooks`)."""

    list_display = (
        "username", "display_name", "age", "occupation", "total_assets", "tier", "branch",
        "customer_class", "segment", "manager", "manager_locked",
    )
    list_filter = (
        "customer_class", TierFilter, "branch", "segment", "manager_locked", "manager__accepting_customers",
        HasManagerFilter,
    )
    search_fields = ("user__username", "user__name", "occupation")
    list_select_related = ("user", "manager__user", "branch")
    autocomplete_fields = ("user", "branch", "needs", "hobbies")
    # Newest first, straight from the created_at index (InnoDB and SQLite keep the id in it for the
    # tie-break the changelist adds); the model's username order sorts the whole join on every page.
    ordering = ("-created_at",)
    fieldsets = (
        (None, {"fields": ("user", "age", "occupation", "total_assets", "tier", "branch")}),
        (_("Portrait"), {"fields": ("needs", "hobbies")}),
        (_("Manager"), {"fields": ("manager", "manager_locked", "customer_class", "segment")}),
        (_("History"), {"fields": ("created_at", "updated_at")}),
    )

    form = CustomerPortraitForm

    def save_model(self, request, obj, form, change):
        (_customer_save if change else _customer_create)(request, obj, form)

    def save_related(self, request, form, formsets, change):
        # The services saved the terms: no save_m2m.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def get_readonly_fields(self, request, obj=None):
        # A portrait stays with the user it was made for.
        return (*COMPUTED_FIELDS, "tier", "user") if obj is not None else (*COMPUTED_FIELDS, "tier")

    @admin.display(description=_("tier"), ordering="total_assets")
    def tier(self, obj) -> str:
        return obj.tier.name
