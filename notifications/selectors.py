"""Reads on notifications: a person's inbox, their unread count, their e-mail wishes."""
from __future__ import annotations

from django.db.models import QuerySet

from accounts.models import User

from .models import Notification, NotificationSettings


def notifications_of(user: User) -> QuerySet[Notification]:
    """`user`'s notifications, newest first, with what a line of the inbox shows: one query per page."""
    return Notification.objects.filter(recipient_id=user.pk).select_related(
        "customer__user", "customer__manager", "previous_manager__user", "new_manager__user"
    ).order_by("-created_at", "-id")


def unread_count(user: User) -> int:
    """How many of `user`'s notifications are unread: one query (an index on recipient and read_at)."""
    return Notification.objects.filter(recipient_id=user.pk, read_at__isnull=True).count()


def notification_settings_of(user: User) -> NotificationSettings:
    """`user`'s wishes, or the defaults (e-mail on, the site's language) when they never set any."""
    return NotificationSettings.objects.filter(user_id=user.pk).first() or NotificationSettings(user_id=user.pk)
