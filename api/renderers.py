"""JSON for every client; the browsable API only for staff signed in to the site (their session)."""
from django.conf import settings
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import BrowsableAPIRenderer


class StaffBrowsableAPIRenderer(BrowsableAPIRenderer):
    """The browsable API; `StaffOnlyBrowsableNegotiation` offers it to staff only."""


def _is_staff(request) -> bool:
    # The session user Django's middleware set: reading `request.user` here would run the JWT
    # authentication before the view and turn a bad token into an error during negotiation.
    # Without a session cookie there is no session user: a token client's request skips loading one.
    django_request = getattr(request, "_request", request)
    if settings.SESSION_COOKIE_NAME not in django_request.COOKIES:
        return False
    user = getattr(django_request, "user", None)
    return bool(user is not None and user.is_authenticated and user.is_active and user.is_staff)


class StaffOnlyBrowsableNegotiation(DefaultContentNegotiation):
    def select_renderer(self, request, renderers, format_suffix=None):
        if not _is_staff(request):
            renderers = [renderer for renderer in renderers if not isinstance(renderer, BrowsableAPIRenderer)]
        return super().select_renderer(request, renderers, format_suffix)
