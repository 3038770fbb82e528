"""Sign-in protection hooks that django-axes calls (see the `AXES_*` settings)."""
import unicodedata

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _


def attempted_username(request: HttpRequest, credentials: dict | None) -> str:
    """The username an attempt counts against: normalised and case-folded, as usernames are unique.

    `Alice` and `alice` are one account, so failures under either spelling add up.
    """
    field = "username"
    value = (credentials or {}).get(field)
    if value is None and request is not None:
        value = request.POST.get(field, "")
    return unicodedata.normalize("NFKC", str(value or "")).casefold()[:150]


def lockout_message() -> str:
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return _("Too many failed sign-ins for this username from your address. Try again in %(minutes)d minutes, "
             "or ask an administrator to unlock the account.") % {"minutes": minutes}


def lockout_response(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """429 Too Many Requests: JSON in the API's error shape for the API, a short page elsewhere; Retry-After
    in seconds."""
    message = lockout_message()
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": message, "errors": {}}, status=429)
    else:
        response = HttpResponse(
            render_to_string("accounts/locked_out.html", {"message": message}, request=request), status=429,
        )
    response["Retry-After"] = str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
    return response
