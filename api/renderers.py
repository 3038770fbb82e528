"""JSON for every client; the browsable API only for staff signed in to the site (their session)."""
import orjson
from django.conf import settings
from rest_framework import renderers
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import BrowsableAPIRenderer
from rest_framework.utils.encoders import JSONEncoder

# What orjson does not write as DRF does (datetimes, dates, times, dataclasses) goes to DRF's encoder.
_OPTIONS = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS | orjson.OPT_NON_STR_KEYS
_DRF_DEFAULT = JSONEncoder().default


class JSONRenderer(renderers.JSONRenderer):
    """DRF's JSON document, encoded by orjson: compact UTF-8, U+2028 and U+2029 escaped, every value orjson
    does not know (decimals, datetimes, lazy text) through DRF's encoder. Encoding a 25-row page with
    Python's json module was a tenth of the request. An indented document (`; indent=4`), and anything
    orjson refuses (an integer beyond 64 bits), is left to DRF's renderer; a NaN is written as null
    where DRF would refuse it."""

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None:
            return b""
        if self.get_indent(accepted_media_type or "", renderer_context or {}) is not None:
            return super().render(data, accepted_media_type, renderer_context)
        try:
            document = orjson.dumps(data, default=_DRF_DEFAULT, option=_OPTIONS)
        except orjson.JSONEncodeError:
            return super().render(data, accepted_media_type, renderer_context)
        return document.replace(b"\xe2\x80\xa8", b"\\u2028").replace(b"\xe2\x80\xa9", b"\\u2029")


class StaffBrowsableAPIRenderer(BrowsableAPIRenderer):
    """The browsable API; `StaffOnlyBrowsableNegotiation` offers it to staff only. Without Pygments' colours
    for code in descriptions: DRF writes them in a <style> block, which the Content-Security-Policy refuses."""

    def get_context(self, data, accepted_media_type, renderer_context):
        return {**super().get_context(data, accepted_media_type, renderer_context), "code_style": None}


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
