from django import forms
from django.utils.translation import gettext_lazy as _

from managers.models import ManagerProfile


class ManualAssignmentForm(forms.Form):
    """The admin's "assign to a manager" step: which manager, and why (kept in the history)."""

    manager = forms.ModelChoiceField(
        label=_("Manager"),
        queryset=ManagerProfile.objects.filter(user__is_active=True, accepting_customers=True).select_related("user"),
    )
    note = forms.CharField(label=_("Reason"), max_length=255, required=False, help_text=_("Shown in the assignment history."))
