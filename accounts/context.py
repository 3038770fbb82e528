"""The user of the request being served, for audit events raised where no request is at hand.

A password is changed by `User.save()`, which knows the account but not who asked: the account
itself (a password change page), an administrator (the admin's reset page) or nobody (a command).
"""
from contextvars import ContextVar

_request: ContextVar = ContextVar("portrait_request", default=None)


def current_user():
    """The signed-in user of the request being served, or None (commands, anonymous requests)."""
    request = _request.get()
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


class CurrentUserMiddleware:
    """Remember the request while it is served (after AuthenticationMiddleware; `user` stays lazy)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _request.set(request)
        try:
            return self.get_response(request)
        finally:
            _request.reset(token)
