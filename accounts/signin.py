"""Sign-in protection hooks that django-axes calls (see the `AXES_*` settings).

Two limits, counted over `AXES_COOLOFF_TIME`: `AXES_FAILURE_LIMIT` failures for one username from one
address lock that pair out (a stranger elsewhere cannot lock a real user out), and `AXES_IP_FAILURE_LIMIT`
failures from one address, whatever the usernames, lock the address out (password spraying: one password
tried on many usernames). django-axes counts both (`AXES_LOCKOUT_PARAMETERS`) but compares them with one
limit; `SignInLockoutHandler` gives each its own, as its maintainers suggest for this case.
"""
import unicodedata

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_lockout_parameters
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

#: Which limit locked a sign-in out, as `request.portrait_lockout_scope` (the audit and the message say it).
PAIR, ADDRESS = "username_address", "address"


def attempted_username(request: HttpRequest, credentials: dict | None) -> str:
    """The username an attempt counts against: normalised and case-folded, as usernames are unique.

    `Alice` and `alice` are one account, so failures under either spelling add up.
    """
    field = "username"
    value = (credentials or {}).get(field)
    if value is None and request is not None:
        value = request.POST.get(field, "")
    return unicodedata.normalize("NFKC", str(value or "")).casefold()[:150]


class SignInLockoutHandler(AxesDatabaseHandler):
    """django-axes's database handler with a limit per lockout parameter (`AXES_HANDLER`).

    Expects `AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]`. django-axes locks out
    when `get_failures()` reaches `AXES_FAILURE_LIMIT`; here `get_failures()` is the pair's failures, or the
    address's scaled to that limit (`failures * AXES_FAILURE_LIMIT // AXES_IP_FAILURE_LIMIT`, which reaches
    it exactly when the address reaches its own limit), whichever is higher. A successful sign-in forgives
    that username's failures from that address only: signing in to one's own account does not wipe out a
    spray against the others.
    """

    def get_failures(self, request, credentials=None) -> int:
        pair_limit, address_limit = settings.AXES_FAILURE_LIMIT, settings.AXES_IP_FAILURE_LIMIT
        pair = address = 0
        parameters = get_lockout_parameters(request, credentials)
        for parameter, attempts in zip(parameters, self.get_user_attempts(request, credentials), strict=True):
            failures = attempts.aggregate(failures=Sum("failures_since_start"))["failures"] or 0
            if parameter == "ip_address":
                address = max(address, failures)
            else:
                pair = max(pair, failures)
        if request is not None:
            request.portrait_lockout_scope = ADDRESS if address >= address_limit and pair < pair_limit else PAIR
        return max(pair, address * pair_limit // address_limit)

    def reset_user_attempts(self, request, credentials=None) -> int:
        username = get_client_username(request, credentials)
        count, _deleted = AccessAttempt.objects.filter(username=username, ip_address=request.axes_ip_address).delete()
        return count


def lockout_scope(request: HttpRequest | None) -> str:
    return getattr(request, "portrait_lockout_scope", PAIR)


def lockout_message(scope: str = PAIR) -> str:
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    if scope == ADDRESS:
        return _("Too many failed sign-ins from your address. Try again in %(minutes)d minutes.") % {
            "minutes": minutes
        }
    return _("Too many failed sign-ins for this username from your address. Try again in %(minutes)d minutes, "
             "or ask an administrator to unlock the account.") % {"minutes": minutes}


def lockout_response(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """429 Too Many Requests: JSON in the API's error shape for the API, a short page elsewhere; Retry-After
    in seconds."""
    message = lockout_message(lockout_scope(request))
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": message, "errors": {}}, status=429)
    else:
        response = HttpResponse(
            render_to_string("accounts/locked_out.html", {"message": message}, request=request), status=429,
        )
    response["Retry-After"] = str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
    return response
