"""Everyone's inbox: what changed about whom (newest first, a page at a time), marking read, e-mail wishes."""
from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.access import access_required, can_use_notifications
from notifications.selectors import notification_settings_of, notifications_of
from notifications.services import (
    notification_mark_read,
    notification_settings_update,
    notifications_mark_all_read,
)

from ..notification_forms import NotificationSettingsForm

PAGE_SIZE = 20


@access_required(can_use_notifications)
@require_http_methods(["GET", "POST"])
def notifications(request):
    """The inbox, and the e-mail wishes (POST). Queries: session and user (2), the wishes (1), the count and
    the page (2), the bell (1): 6 whatever the number of notifications (pinned in tests)."""
    wishes = notification_settings_of(request.user)
    initial = {"email_enabled": wishes.email_enabled, "language": wishes.language or get_language()}
    form = NotificationSettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        notification_settings_update(user=request.user, actor=request.user, **form.cleaned_data)
        messages.success(request, _("Your notification settings are saved."))
        return redirect("portal:notifications")
    page = Paginator(notifications_of(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "portal/notifications.html", {"page": page, "form": form})


def _back_to_inbox(request):
    """The inbox page the button was on."""
    page = request.POST.get("page", "")
    return redirect(reverse("portal:notifications") + (f"?page={page}" if page.isdigit() and page != "1" else ""))


@access_required(can_use_notifications)
@require_POST
def notification_read(request, pk: int):
    """Mark one of one's own notifications read; anyone else's is a 404."""
    notification = notifications_of(request.user).filter(pk=pk).first()
    if notification is None:
        raise Http404
    notification_mark_read(notification=notification, user=request.user)
    return _back_to_inbox(request)


@access_required(can_use_notifications)
@require_POST
def notifications_read(request):
    """Mark all of one's notifications read."""
    if notifications_mark_all_read(user=request.user):
        messages.success(request, _("All notifications are marked read."))
    return _back_to_inbox(request)
