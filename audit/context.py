"""The client IP of the request being served, for audit events written deep inside services.

Services take `actor` explicitly; the IP is a property of the request, not of the business action, so
the middleware puts it here and `audit_record` reads it. Outside a request (commands, tasks) it is None.
"""
from contextvars import ContextVar

from django.conf import settings

_client_ip: ContextVar[str | None] = ContextVar("portrait_client_ip", default=None)


def client_ip(request) -> str | None:
    """REMOTE_ADDR; with `PORTRAIT_TRUSTED_PROXIES` proxies in front, the address they say they served.

    X-Forwarded-For is read from the right, skipping as many entries as there are trusted proxies, so
    a client cannot forge its address by sending the header itself.
    """
    remote = request.META.get("REMOTE_ADDR") or None
    hops = getattr(settings, "PORTRAIT_TRUSTED_PROXIES", 0)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if hops and forwarded:
        chain = [part.strip() for part in forwarded.split(",") if part.strip()]
        if len(chain) >= hops:
            return chain[-hops]
    return remote


def current_ip() -> str | None:
    return _client_ip.get()


class AuditContextMiddleware:
    """Remember the client IP while a request is served."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _client_ip.set(client_ip(request))
        try:
            return self.get_response(request)
        finally:
            _client_ip.reset(token)
