"""The e-mail wishes on the notifications page (`notifications.services.notification_settings_update`)."""
from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class NotificationSettingsForm(forms.Form):
    email_enabled = forms.BooleanField(label=_("Send me an e-mail when my manager or my book changes"),
                                       required=False)
    language = forms.ChoiceField(label=_("Language of the e-mail"), choices=settings.LANGUAGES)
