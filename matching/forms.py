from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelect
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from customers.models import CustomerProfile
from managers.models import ManagerProfile


def managers_taking_customers(queryset: QuerySet[ManagerProfile]) -> QuerySet[ManagerProfile]:
    """The managers of `queryset` a customer may be given by hand: active, and accepting customers."""
    return queryset.filter(user__is_active=True, accepting_customers=True)


class ManualAssignmentForm(forms.Form):
    """The admin's "assign to a manager" step: which manager, and why (kept in the history)."""

    manager = forms.ModelChoiceField(
        label=_("Manager"),
        queryset=managers_taking_customers(ManagerProfile.objects.all()),
        # Searches managers by name or username, as the customer form's manager field would: thousands of
        # managers do not fit a drop-down.
        widget=AutocompleteSelect(CustomerProfile._meta.get_field("manager"), admin.site),
        error_messages={"invalid_choice": _("Choose an active manager who is accepting customers.")},
    )
    note = forms.CharField(
        label=_("Reason"), max_length=255, required=False, help_text=_("Shown in the assignment history.")
    )
