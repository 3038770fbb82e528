"""Audit of signing in and out, failed attempts, lockouts and password changes (connected in apps.py)."""

from django.conf import settings
from django.dispatch import Signal
from django.utils import timezone

from audit.context import client_ip
from audit.models import AuditEvent
from audit.services import audit_record

#: Sent by `User.save()` after a password set with `set_password` is stored (not for hash upgrades).
password_changed = Signal()


def _ip(request):
    return client_ip(request) if request is not None else None


def on_signed_in(sender, request, user, **kwargs):
    audit_record(actor=user, action="auth.signed_in", target=user, summary=user.get_username(), ip_address=_ip(request))


def on_signed_out(sender, request, user, **kwargs):
    if user is not None and user.is_authenticated:
        audit_record(actor=user, action="auth.signed_out", target=user, summary=user.get_username(),
                     ip_address=_ip(request))


def on_sign_in_failed(sender, credentials, request=None, **kwargs):
    """The username tried (never the password), with the address it came from."""
    username = str(credentials.get("username", ""))[:150]
    audit_record(actor=None, action="auth.sign_in_failed", target_type="accounts.user", summary=username[:500],
                 data={"username": username}, ip_address=_ip(request))


def on_locked_out(sender, request, username, ip_address, **kwargs):
    """Once per lockout: django-axes signals again on every attempt refused while it lasts.

    `scope` says which limit was reached: `username_address` (one username from one address; `username`
    is it) or `address` (failures from one address across usernames: a spray; `username` is the last tried).
    """
    from .signin import ADDRESS, lockout_scope

    scope = lockout_scope(request)
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    earlier = AuditEvent.objects.filter(action="auth.locked_out", created_at__gte=since, ip_address=ip_address)
    if scope == ADDRESS:
        already = earlier.filter(data__scope=ADDRESS).exists()
        failures, summary = settings.AXES_IP_FAILURE_LIMIT, ip_address or ""
    else:
        already = earlier.filter(data__username=username).exclude(data__scope=ADDRESS).exists()
        failures, summary = settings.AXES_FAILURE_LIMIT, username
    if not already:
        audit_record(
            actor=None, action="auth.locked_out", target_type="accounts.user", summary=str(summary)[:500],
            data={"username": username, "scope": scope, "failures": failures,
                  "minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)},
            ip_address=ip_address,
        )


def on_password_changed(sender, user, **kwargs):
    from .context import current_user

    actor = current_user() or user
    audit_record(actor=actor, action="user.password_changed", target=user, summary=user.get_username())


def connect() -> None:
    from axes.signals import user_locked_out
    from django.contrib.auth import signals as auth

    auth.user_logged_in.connect(on_signed_in, dispatch_uid="accounts.audit.signed_in")
    auth.user_logged_out.connect(on_signed_out, dispatch_uid="accounts.audit.signed_out")
    auth.user_login_failed.connect(on_sign_in_failed, dispatch_uid="accounts.audit.sign_in_failed")
    user_locked_out.connect(on_locked_out, dispatch_uid="accounts.audit.locked_out")
    password_changed.connect(on_password_changed, dispatch_uid="accounts.audit.password_changed")


__all__ = ["connect", "password_changed"]
