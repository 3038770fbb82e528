"""Cells to Django model fields: a cell's text becomes a field's value, validated by the model's own rules."""
from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

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


def field_problems(field: models.Field, value: Any) -> list[str]:
    """A field's own rules on a value, exactly as `full_clean()` applies them to one field: an empty value
    of a field that may be blank passes; anything else goes through the field's `clean()` (type, choices,
    null and blank, validators). No instance is built, which is most of what `full_clean()` costs per row.
    """
    return _field_clean(field, value)[1]


def _field_clean(field: models.Field, value: Any) -> tuple[Any, list[str]]:
    """`(cleaned value, [])` or `(None, messages)`, as `Model.clean_fields()` does for one field."""
    if field.blank and value in field.empty_values:
        return value, []
    try:
        return field.clean(value, None), []
    except ValidationError as exc:
        return None, exc.messages


_INTEGER_RE = re.compile(r"[+-]?[0-9]+")
_DECIMAL_RE = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)")


def _from_text(model_field: models.Field, text: str) -> tuple[Any, str | None]:
    """A cell's text as the value to put on the field, before its rules: `(value, None)` or `(None, problem)`."""
    if text == "":
        if isinstance(model_field, (models.CharField, models.TextField)):
            return "", None
        if model_field.null:
            return None, None
        return None, str(model_field.error_messages["blank"])
    if isinstance(model_field, models.DecimalField):
        if not _DECIMAL_RE.fullmatch(text):
            return None, str(model_field.error_messages["invalid"] % {"value": shorten(text)})
        return Decimal(text), None
    if isinstance(model_field, models.IntegerField) and not _INTEGER_RE.fullmatch(text):
        return None, str(model_field.error_messages["invalid"] % {"value": shorten(text)})
    return text, None  # the field's to_python() converts it when it is checked


def cell_to_field(instance: models.Model, name: str, text: str) -> str | None:
    """Put a cell's text on a model field, for `model_errors` to validate; return a problem, or None.

    Numbers are taken only in plain notation and never through float: "1234567.89" becomes exactly
    Decimal("1234567.89"), while "1e3", "1,000" or "abc" get the field's own "invalid" message. An empty
    cell is None for a nullable field, blank text for a text field and the field's "blank" message
    otherwise. Range, length and decimal-place rules are left to the model's validators.
    """
    model_field = instance._meta.get_field(name)
    value, problem = _from_text(model_field, text)
    if problem is None:
        setattr(instance, model_field.attname, value)
    return problem


class CellValues:
    """Cells of some fields of one model read as `cell_to_field` and checked as `full_clean()` would, without
    building an instance per row, and each distinct text of a column only once: a file repeats its ages,
    occupations and amounts, and a field's checks cost microseconds a cell.

    For models whose own `clean()` is `Model.clean` (it checks nothing); a model with row rules of its own
    needs `model_errors` on an instance as well (`has_row_rules`).
    """

    def __init__(self, model: type[models.Model], names: Sequence[str]):
        self.fields = {name: model._meta.get_field(name) for name in names}
        self._texts: dict[str, dict[str, tuple[Any, tuple[str, ...]]]] = {name: {} for name in names}
        self._values: dict[str, dict[Any, tuple[str, ...]]] = {name: {} for name in names}
        self.has_row_rules = model.clean is not models.Model.clean

    def read(self, name: str, text: str) -> tuple[Any, tuple[str, ...]]:
        """`(value, ())` for a valid cell, `(None, problems)` otherwise (the field's own messages)."""
        seen = self._texts[name]
        try:
            return seen[text]
        except KeyError:
            pass
        value, problem = _from_text(self.fields[name], text)
        result = (None, (problem,)) if problem is not None else self._checked(name, value)
        seen[text] = result
        return result

    def problems(self, name: str, value: Any) -> tuple[str, ...]:
        """What the field's rules say about a value a row keeps (an optional cell left empty)."""
        seen = self._values[name]
        key = (type(value), str(value))  # Decimal("1.0") == Decimal("1.000"), yet only one has 2 places
        try:
            return seen[key]
        except KeyError:
            problems = seen[key] = self._checked(name, value)[1]
            return problems

    def _checked(self, name: str, value: Any) -> tuple[Any, tuple[str, ...]]:
        cleaned, problems = _field_clean(self.fields[name], value)
        return cleaned, tuple(problems)
