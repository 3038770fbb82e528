"""The mail of a batch of notifications (one write): one mail per customer, one digest per manager, each
in the recipient's language, through Django's email framework (`EMAIL_BACKEND`: the console in
development, SMTP in production). Called by the Celery task (`tasks.py`)."""
from __future__ import annotations

import uuid
from itertools import groupby

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.template.loader import render_to_string
from django.utils import timezone, translation

from .models import Audience, Notification, NotificationSettings

# Mails sent per connection round before their notifications are marked e-mailed: a retry after a
# failure resends at most this many.
SEND_CHUNK = 50


def _mail_language(recipient) -> str:
    try:
        return recipient.notification_settings.mail_language
    except NotificationSettings.DoesNotExist:
        return settings.LANGUAGE_CODE


def _message(recipient, notifications: list[Notification]) -> EmailMessage:
    """The one mail `recipient` gets for their notifications of a batch, in their language."""
    with translation.override(_mail_language(recipient)):
        context = {
            "recipient": recipient,
            "notifications": notifications,
            "cause": notifications[0].get_kind_display(),
            "joined": [n for n in notifications if n.audience == Audience.NEW_MANAGER],
            "left": [n for n in notifications if n.audience == Audience.PREVIOUS_MANAGER],
            "customers": sum(n.customers for n in notifications),  # a summary counts several
            "site_url": settings.PORTRAIT_SITE_URL,
        }
        name = "customer" if notifications[0].audience == Audience.CUSTOMER else "manager"
        subject = " ".join(render_to_string(f"notifications/email/{name}_subject.txt", context).split())
        body = render_to_string(f"notifications/email/{name}_body.txt", context)
    return EmailMessage(subject=subject, body=body, to=[recipient.email])


def notifications_mail_send(*, batch: uuid.UUID) -> int:
    """Send the mail of `batch` not sent yet, to active people with an address who did not turn e-mail
    off; returns how many mails were sent. Each chunk's notifications are marked e-mailed once it is sent."""
    pending = (
        Notification.objects.filter(batch=batch, emailed_at__isnull=True, recipient__is_active=True)
        .exclude(recipient__email="")
        .exclude(recipient__notification_settings__email_enabled=False)
        .select_related(
            "recipient__notification_settings", "customer__user", "previous_manager__user", "new_manager__user",
        )
        # What the mail says, nothing more: parsing the people's other columns (dates) took half the time.
        .only(
            "audience", "kind", "customers", "recipient__email", "recipient__name", "recipient__username",
            "recipient__notification_settings__language", *(
                f"{person}__{field}" for person in ("customer__user", "previous_manager__user", "new_manager__user")
                for field in ("name", "username")
            ),
        )
        .order_by("recipient_id", "audience", "customer__user__username")
    )
    mails = [
        (_message(recipient_notifications[0].recipient, recipient_notifications),
         [n.pk for n in recipient_notifications])
        for recipient_notifications in (list(group) for _id, group in groupby(pending, key=lambda n: n.recipient_id))
    ]
    sent = 0
    with get_connection() as connection:
        for start in range(0, len(mails), SEND_CHUNK):
            chunk = mails[start:start + SEND_CHUNK]
            connection.send_messages([message for message, _ids in chunk])
            Notification.objects.filter(pk__in=[pk for _message, ids in chunk for pk in ids]).update(
                emailed_at=timezone.now()
            )
            sent += len(chunk)
    return sent
