"""The contact form of the manager's workspace: it checks input and hands it to `contacts.services`."""
from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from contacts.models import SUMMARY_MAX_LENGTH, Channel

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


class ContactForm(forms.Form):
    """When, how, what was said, and when to call again (optional)."""

    contacted_at = forms.DateTimeField(
        label=_("When"), input_formats=[DATETIME_LOCAL, "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL),
    )
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices)
    summary = forms.CharField(
        label=pgettext_lazy("what was said in a contact", "Summary"), max_length=SUMMARY_MAX_LENGTH, strip=True,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    next_follow_up = forms.DateField(
        label=_("Next follow-up"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Leave empty when no follow-up is planned."),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"contacted_at": timezone.localtime().replace(second=0, microsecond=0),
                                      "channel": Channel.PHONE})
        super().__init__(*args, **kwargs)

    def values(self) -> dict:
        """The cleaned data as `contact_create` / `contact_update` take it."""
        data = self.cleaned_data
        return {name: data[name] for name in ("contacted_at", "channel", "summary", "next_follow_up")}
