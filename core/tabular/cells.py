"""Cells to Django model fields: put a cell's text on a field and validate it with the model's own rules."""
from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models

from .results import shorten


def model_errors(instance: models.Model, *, exclude: Iterable[str]) -> list[tuple[str, str]]:
    """Run the model's own field validation and `clean()` on an unsaved (or changed) instance.

    Returns `(field, message)` pairs, `"row"` for errors that belong to no field. Unique checks and
    database constraints are skipped: they cost one query per row, and the validators on the fields
    carry the same rules; uniqueness across rows is the caller's (one query for the whole file).
    """
    try:
        instance.full_clean(exclude=list(exclude), validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        return [
            ("row" if name == NON_FIELD_ERRORS else name, str(message))
            for name, messages in exc.message_dict.items()
            for message in messages
        ]
    return []


_INTEGER_RE = re.compile(r"[+-]?[0-9]+")
_DECIMAL_RE = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)")


def cell_to_field(instance: models.Model, name: str, text: str) -> str | None:
    """Put a cell's text on a model field, for `model_errors` to validate; return a problem, or None.

    Numbers are taken only in plain notation and never through float: "1234567.89" becomes exactly
    Decimal("1234567.89"), while "1e3", "1,000" or "abc" get the field's own "invalid" message. An empty
    cell is None for a nullable field, blank text for a text field and the field's "blank" message
    otherwise. Range, length and decimal-place rules are left to the model's validators.
    """
    model_field = instance._meta.get_field(name)
    if text == "":
        if isinstance(model_field, (models.CharField, models.TextField)):
            setattr(instance, model_field.attname, "")
        elif model_field.null:
            setattr(instance, model_field.attname, None)
        else:
            return str(model_field.error_messages["blank"])
        return None
    if isinstance(model_field, models.DecimalField):
        if not _DECIMAL_RE.fullmatch(text):
            return str(model_field.error_messages["invalid"] % {"value": shorten(text)})
        setattr(instance, model_field.attname, Decimal(text))
        return None
    if isinstance(model_field, models.IntegerField) and not _INTEGER_RE.fullmatch(text):
        return str(model_field.error_messages["invalid"] % {"value": shorten(text)})
    setattr(instance, model_field.attname, text)  # full_clean() converts it with the field's to_python()
    return None

