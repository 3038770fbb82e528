"""The customer's form asking for another manager: a reason from the short list and their own words."""
from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from change_requests.models import TEXT_MAX_LENGTH, ReasonCategory


class ChangeRequestForm(forms.Form):
    reason = forms.ChoiceField(label=_("Why"), choices=[("", "—"), *ReasonCategory.choices],
                               widget=forms.Select(attrs={"class": "form-select"}))
    text = forms.CharField(
        label=_("Tell us more (optional)"), required=False, max_length=TEXT_MAX_LENGTH, strip=False,
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
    )
