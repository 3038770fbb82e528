"""The one rule for a line of text people type (`core.text`)."""
import pytest
from django.core.exceptions import ValidationError

from core.text import TextLineField, TextLineValidator, normalize_text_line, refused_characters, validate_text_line

REFUSED = ["\x00", "\x07", "\x0b", "\t", "\n", "\r", "\x1f", "\x7f", "\x85", "\x9f", "\u061c", "\u200e", "\u200f",
           "\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069", "\u2028",
           "\u2029", "\ufffe", "\uffff", "\ufdd0", "\U0001fffe"]


@pytest.mark.parametrize("character", REFUSED)
def test_control_bidi_separator_and_noncharacters_are_refused(character):
    with pytest.raises(ValidationError) as excinfo:
        validate_text_line(f"a{character}b")

    assert excinfo.value.code == "text_line"
    assert f"U+{ord(character):04X}" in excinfo.value.messages[0]


@pytest.mark.parametrize("value", ["理财规划", "José Müller", "O'Brien, \"Bob\"", "=1+1", "a\u200db", "😀", "x;y", ""])
def test_text_people_type_passes(value):
    assert validate_text_line(value) is None


def test_a_forbidden_character_is_refused_where_asked():
    with pytest.raises(ValidationError) as excinfo:
        TextLineValidator(";")("基金;保险")

    assert excinfo.value.code == "forbidden_character"


def test_normalisation_is_nfc_and_strips_surrounding_spaces():
    assert normalize_text_line("  Cafe\u0301\u3000") == "Caf\u00e9"


def test_the_field_normalises_then_validates():
    field = TextLineField(max_length=10, blank=True)

    assert field.clean(" e\u0301 ", None) == "\u00e9"
    with pytest.raises(ValidationError):
        field.clean("a\u202eb", None)


def test_refused_characters_are_listed_once_each_in_order():
    assert refused_characters("\x07a\u202e\x07") == ["U+0007", "U+202E"]
