from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelect
from django.utils.translation import gettext_lazy as _

from customers.models import CustomerProfile
from managers.models import ManagerProfile


class ManualAssignmentForm(forms.Form):
    """The admin's "assign to a manager" step: which manager, and why (kept in the history)."""

    manager = forms.ModelChoiceField(
        label=_("Manager"),
        queryset=ManagerProfile.objects.filter(user__is_active=True, accepting_customers=True),
        # Searches managers by name or username, as the customer form's manager field would: thousands of
        # managers do not fit a drop-down.
        widget=AutocompleteSelect(CustomerProfile._meta.get_field("manager"), admin.site),
        error_messages={"invalid_choice": _("Choose an active manager who is accepting customers.")},
    )
    note = forms.CharField(
        label=_("Reason"), max_length=255, required=False, help_text=_("Shown in the assignment history.")
    )
