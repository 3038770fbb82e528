"""The API's one exception handler: every refusal becomes {"detail": "…", "errors": {"field": ["…"]}}.

Status codes come from the kind of error, in this one place:
- 400: a bad request (`ValidationError` from a serializer or a service, `ApplicationError`, bad JSON);
- 401: no or bad credentials (a missing, expired or blacklisted token);
- 403: signed in without the right; 404: not found, or not visible to this user;
- 409: `core.errors.Conflict`, as `matching.errors` (capacity exceeded, run in progress, undo refused, stale plan);
- 413: a body over `DATA_UPLOAD_MAX_MEMORY_SIZE`, whether a view reads it (here) or Django refuses it before
  any view runs (`bad_request`, which also answers Django's other 400s in this shape); DEBUG changes nothing;
- 429: too many requests (`Retry-After` says when to try again).
Anything else is a defect and is left to Django's 500 handling (and its logging).

A refusal never echoes an unbounded list: at most `MAX_LISTED` messages per field, at most `MAX_LISTED`
fields, and the count of what was left out (a manual assignment of 10,000 unknown ids is one short answer).
"""
from __future__ import annotations

import dataclasses

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, RequestDataTooBig
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.utils.encoding import force_str
from django.utils.translation import gettext as _
from django.views import defaults
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import set_rollback

from core.errors import ApplicationError, Conflict

NON_FIELD = api_settings.NON_FIELD_ERRORS_KEY
MAX_LISTED = 20
MORE = "…"  # the key under which the fields left out are counted


def _flatten(detail, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested error details as {"field": ["message", …]}; nested fields joined by dots."""
    errors: dict[str, list[str]] = {}
    if isinstance(detail, dict):
        for key, value in detail.items():
            key = NON_FIELD if key in (NON_FIELD_ERRORS, NON_FIELD) and not prefix else str(key)
            for name, messages in _flatten(value, f"{prefix}.{key}" if prefix else key).items():
                errors.setdefault(name, []).extend(messages)
    elif isinstance(detail, list | tuple):
        for position, value in enumerate(detail):
            if isinstance(value, dict | list | tuple):
                nested = _flatten(value, f"{prefix}.{position}" if prefix else str(position))
                for name, messages in nested.items():
                    errors.setdefault(name, []).extend(messages)
            else:
                errors.setdefault(prefix or NON_FIELD, []).append(force_str(value))
    elif detail is not None:
        errors.setdefault(prefix or NON_FIELD, []).append(force_str(detail))
    return errors


def _detail_item(item) -> str:
    if dataclasses.is_dataclass(item) and type(item).__str__ is object.__str__:  # no sentence of its own
        return ": ".join(force_str(value) for value in dataclasses.astuple(item))
    return force_str(item)


def _from_django_validation(exc: DjangoValidationError) -> tuple[int, str, dict[str, list[str]]]:
    if hasattr(exc, "error_dict"):
        errors = {
            (NON_FIELD if field == NON_FIELD_ERRORS else field): [
                force_str(m) for m in DjangoValidationError(items).messages
            ]
            for field, items in exc.error_dict.items()
        }
        messages = [message for items in errors.values() for message in items]
        detail = messages[0] if len(messages) == 1 else _("Some fields are not valid.")
        return status.HTTP_400_BAD_REQUEST, detail, errors
    messages = _first([force_str(message) for message in exc.messages])
    errors = {}
    details = getattr(exc, "details", None)
    if details:
        errors["details"] = [_detail_item(item) for item in details]
    code = status.HTTP_409_CONFLICT if isinstance(exc, Conflict) else status.HTTP_400_BAD_REQUEST
    return code, " ".join(messages), errors


def _more(count: int) -> str:
    return _("… and %(count)d more.") % {"count": count}


def _first(messages: list[str]) -> list[str]:
    if len(messages) <= MAX_LISTED:
        return messages
    return [*messages[:MAX_LISTED], _more(len(messages) - MAX_LISTED)]


def bounded(errors: dict[str, list[str]]) -> dict[str, list[str]]:
    """At most `MAX_LISTED` messages per field (then "… and N more."), at most `MAX_LISTED` fields (the others
    counted under "…")."""
    listed = {}
    for position, (name, messages) in enumerate(errors.items()):
        if position == MAX_LISTED:
            listed[MORE] = [_more(len(errors) - MAX_LISTED)]
            break
        listed[name] = _first(list(messages))
    return listed


def error_response(status_code: int, detail: str, errors: dict | None = None, headers: dict | None = None) -> Response:
    return Response({"detail": detail, "errors": bounded(errors or {})}, status=status_code, headers=headers)


def _too_big_detail() -> str:
    return _("The request body is larger than %(size)d KB.") % {"size": settings.DATA_UPLOAD_MAX_MEMORY_SIZE // 1024}


def api_exception_handler(exc, context):
    if isinstance(exc, RequestDataTooBig):  # read by the view's parser: Django's 400 page would follow DEBUG
        set_rollback()
        return error_response(status.HTTP_413_REQUEST_ENTITY_TOO_LARGE, _too_big_detail())
    if isinstance(exc, ApplicationError | DjangoValidationError):
        set_rollback()
        status_code, detail, errors = _from_django_validation(exc)
        return error_response(status_code, detail, errors)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(*(exc.args[:1]))
    if not isinstance(exc, exceptions.APIException):
        return None

    headers = {}
    if auth_header := getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = auth_header
    if wait := getattr(exc, "wait", None):
        headers["Retry-After"] = "%d" % wait
    set_rollback()

    detail, errors = exc.detail, {}
    if isinstance(exc, exceptions.ValidationError):
        errors = _flatten(detail)
        messages = [message for items in errors.values() for message in items]
        detail = messages[0] if len(messages) == 1 else _("Some fields are not valid.")
    elif isinstance(detail, dict) and "detail" in detail:  # simplejwt: {"detail": …, "code": …, "messages": […]}
        detail = detail["detail"]
    elif isinstance(detail, dict):  # a refusal by field, e.g. PermissionDenied({"capacity": [...]})
        errors = _flatten(detail)
        messages = [message for items in errors.values() for message in items]
        detail = messages[0] if len(messages) == 1 else exc.default_detail
    elif isinstance(detail, list):
        detail = " ".join(_first([force_str(item) for item in detail]))
    return error_response(exc.status_code, force_str(detail), errors, headers)


def bad_request(request, exception):
    """Django's own 400s (a body over `DATA_UPLOAD_MAX_MEMORY_SIZE`, too many fields), raised before any
    view runs: on the API in its one error shape (413 for the body), elsewhere Django's page (`handler400`
    in portrait.urls)."""
    if not request.path.startswith("/api/"):
        return defaults.bad_request(request, exception)
    if isinstance(exception, RequestDataTooBig):
        detail, code = _too_big_detail(), status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    else:
        detail, code = _("The request could not be read."), status.HTTP_400_BAD_REQUEST
    return JsonResponse({"detail": detail, "errors": {}}, status=code)
