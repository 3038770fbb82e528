from django import forms
from django.utils.translation import gettext_lazy as _

from .tiers import tier_choices


class TierCodesField(forms.TypedMultipleChoiceField):
    """The tiers a manager serves, ticked from the configured ones (none ticked: every tier)."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("tiers served"))
        kwargs.setdefault("help_text", _("None ticked: every tier."))
        super().__init__(choices=tier_choices, required=False, **kwargs)
