"""One rule for a line of text people type (names, occupations, term names, reasons): knows no domain.

A line of text is NFC-normalised (the same letters stored the same way, whatever the keyboard sent) with
its surrounding whitespace stripped, and holds no character that is not text to show:

- control characters (Unicode Cc: U+0000–U+001F, U+007F–U+009F), tabs and line breaks included; XLSX
  cannot hold most of them and CSV readers split lines on the others, so exports would not re-import;
- bidirectional formatting (U+061C, U+200E, U+200F, U+202A–U+202E, U+2066–U+2069): they reorder what
  is shown around them ("Trojan Source"), so a name could display as something else;
- line and paragraph separators (U+2028, U+2029), surrogates and noncharacters (U+FFFE, U+FFFF …),
  which no file or database column carries faithfully.

`TextLineField` applies it in the model layer, so every way in gets it: model forms and the admin
(through `full_clean`), the API and the services (`full_clean`), and the imports (each cell through the
field's own `clean`). Any value that passes survives an export and its re-import unchanged.
"""
from __future__ import annotations

import unicodedata

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_REFUSED_CATEGORIES = frozenset({"Cc", "Cs", "Zl", "Zp"})


def _refused(character: str) -> bool:
    code = ord(character)
    return (
        unicodedata.category(character) in _REFUSED_CATEGORIES
        or character in BIDI_CONTROLS
        or 0xFDD0 <= code <= 0xFDEF
        or (code & 0xFFFE) == 0xFFFE  # U+FFFE, U+FFFF and their like in every plane
    )


def normalize_text_line(value: str) -> str:
    """NFC, surrounding whitespace stripped."""
    return unicodedata.normalize("NFC", value).strip()


def refused_characters(value: str) -> list[str]:
    """The characters of `value` the rule refuses, each once, in order, as `U+XXXX`."""
    return list(dict.fromkeys(f"U+{ord(ch):04X}" for ch in value if _refused(ch)))


@deconstructible
class TextLineValidator:
    """Refuses control characters, bidirectional formatting, line separators and non-characters; with
    `forbidden`, those characters as well (a list separator, for instance)."""

    message = _("Remove the control or formatting characters (%(characters)s): only text that is shown can be "
                "stored.")
    forbidden_message = _("“%(character)s” cannot be used here.")
    code = "text_line"

    def __init__(self, forbidden: str = ""):
        self.forbidden = forbidden

    def __call__(self, value) -> None:
        if not isinstance(value, str):
            return
        if found := refused_characters(value):
            raise ValidationError(self.message, code=self.code, params={"characters": ", ".join(found[:5])})
        for character in self.forbidden:
            if character in value:
                raise ValidationError(self.forbidden_message, code="forbidden_character",
                                      params={"character": character})

    def __eq__(self, other) -> bool:
        return isinstance(other, TextLineValidator) and self.forbidden == other.forbidden


validate_text_line = TextLineValidator()


class TextLineField(models.CharField):
    """A `CharField` for one line of text people type: normalised by `clean` (so by `full_clean`, model forms
    and the imports' cell checks), then checked by `validate_text_line` (and any validators given, e.g.
    `TextLineValidator(";")`). Lookups are left alone (`to_python` is CharField's): a filter's value is
    compared as given."""

    default_validators = [validate_text_line]

    @staticmethod
    def normalize(value):
        return normalize_text_line(value) if isinstance(value, str) else value

    def clean(self, value, model_instance):
        return super().clean(self.normalize(value), model_instance)


# --- text of several lines (a contact's summary): the same rule, line feeds allowed -----------------------

def normalize_text_block(value: str) -> str:
    """NFC, line breaks as line feeds (a browser's textarea sends CR LF), surrounding whitespace stripped."""
    return unicodedata.normalize("NFC", value).replace("\r\n", "\n").replace("\r", "\n").strip()


@deconstructible
class TextBlockValidator(TextLineValidator):
    """`TextLineValidator`'s rule for text of several lines: line feeds are allowed (CSV quotes them, XLSX
    keeps them, so they re-import); every other character it refuses stays refused, tabs included."""

    def __call__(self, value) -> None:
        super().__call__(value.replace("\n", "") if isinstance(value, str) else value)

    def __eq__(self, other) -> bool:
        return isinstance(other, TextBlockValidator) and self.forbidden == other.forbidden


validate_text_block = TextBlockValidator()


class TextBlockField(models.TextField):
    """A `TextField` for text people type over several lines: normalised by `clean`, then checked by
    `validate_text_block`, as `TextLineField` for one line."""

    default_validators = [validate_text_block]

    @staticmethod
    def normalize(value):
        return normalize_text_block(value) if isinstance(value, str) else value

    def clean(self, value, model_instance):
        return super().clean(self.normalize(value), model_instance)
