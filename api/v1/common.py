"""Pieces every v1 module shares: the error shape in the schema, object ids in paths."""
from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import serializers

MAX_ID = 2**31 - 1


class ErrorSerializer(serializers.Serializer):
    """Every refusal: a sentence, and the problems by field (empty when none is a field's)."""

    detail = serializers.CharField()
    errors = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))


_DESCRIPTIONS = {
    400: _("Invalid input: `errors` lists the problems by field."),
    401: _("Not signed in, or the token is missing, expired or revoked."),
    403: _("Signed in, but this role may not do this."),
    404: _("Not found, or not visible to this user."),
    409: _("Conflicts with the current state (capacity, a run in progress, changed since)."),
    429: _("Too many requests: try again after `Retry-After` seconds."),
}


def error_responses(*codes: int) -> dict[int, OpenApiResponse]:
    return {code: OpenApiResponse(ErrorSerializer, description=str(_DESCRIPTIONS[code])) for code in codes}


def id_parameter(description: str) -> OpenApiParameter:
    return OpenApiParameter(
        "id", {"type": "integer", "minimum": 1, "maximum": MAX_ID}, OpenApiParameter.PATH, description=description,
    )


class IdConverter:
    """Positive ids in paths; any other number still reaches the view (and gets the API's JSON 404),
    mapped to 0, which no row has, so an out-of-range number never reaches the database."""

    regex = "-?[0-9]{1,30}"

    def to_python(self, value: str) -> int:
        number = int(value)
        return number if 1 <= number <= MAX_ID else 0

    def to_url(self, value) -> str:
        return str(value)


class UserSummarySerializer(serializers.Serializer):
    """A user as the older front end reads it."""

    id = serializers.IntegerField(read_only=True)
    username = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)
    role = serializers.CharField(read_only=True)


class ProtectedFieldsMixin:
    """Refuse (400, by field) a body that tries to change a field this endpoint never sets.

    A client may send a field back unchanged (the older front end posts whole objects); a different
    value is refused rather than ignored, so nobody believes they changed a manager or a class.
    `protected_fields` maps the field name in the body to how its current value reads, or None when
    it may never appear at all.
    """

    protected_fields: dict[str, str | None] = {}

    def refuse_protected(self, current: dict) -> None:
        initial = getattr(self, "initial_data", None)
        if not isinstance(initial, dict):
            return
        errors = {}
        for name, key in self.protected_fields.items():
            if name not in initial:
                continue
            if key is None or str(initial[name]) != str(current.get(key)):
                errors[name] = [_("This field cannot be changed here.")]
        if errors:
            raise serializers.ValidationError(errors)
