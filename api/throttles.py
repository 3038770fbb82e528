"""Rate limits of the API (429 beyond them)."""
from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle


class AuthRateThrottle(SimpleRateThrottle):
    """Sign-in, token refresh and verification, sign-out and registration: `API_AUTH_THROTTLE_RATE` per client IP.

    The rate is read on every request (not once at import), so settings and tests can change it.
    """

    scope = "auth"

    def get_rate(self):
        return settings.API_AUTH_THROTTLE_RATE

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
