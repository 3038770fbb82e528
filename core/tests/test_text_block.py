"""Text of several lines (`core.text.TextBlockField`): the free-text rule, line feeds allowed."""
import pytest
from django.core.exceptions import ValidationError

from core.text import TextBlockField, normalize_text_block, validate_text_block


def test_line_breaks_become_line_feeds_and_the_text_is_nfc_and_stripped():
    assert normalize_text_block(" a\r\nb\rc\n ") == "a\nb\nc"
    assert normalize_text_block("e\u0301") == "\u00e9"


@pytest.mark.parametrize("text", ["第一行\n第二行", "单行"])
def test_lines_pass(text):
    validate_text_block(text)


@pytest.mark.parametrize("text", ["tab\there", "bell\x07", "bidi\u202eoverride", "para\u2029graph", "nul\x00"])
def test_everything_else_the_line_rule_refuses_stays_refused(text):
    with pytest.raises(ValidationError):
        validate_text_block(text)


def test_the_field_cleans_before_it_validates():
    assert TextBlockField().clean(" 一\r\n二 ", None) == "一\n二"
