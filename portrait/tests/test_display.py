"""One look (issue 24): money in one format, the match fit in one palette, asset inputs that take separators."""
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template import Context, Template
from django.utils import translation

from core.forms import AmountField
from vocabularies.tiers import tier_of
from portrait.display import FIT_PALETTE, TIER_HUES, money, money_short, tier_palette


@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize(
    ("value", "shown"),
    [(Decimal("5937700.73"), "¥5,937,701"), (Decimal("188168.04"), "¥188,168"), (1200000, "¥1,200,000"),
     (Decimal("0"), "¥0"), (None, "—")],
)
def test_money_is_whole_yuan_with_thousands_separators_in_both_languages(language, value, shown):
    with translation.override(language):
        assert money(value) == shown


def test_short_money_uses_the_languages_own_units():
    with translation.override("zh-hans"):
        assert money_short(Decimal("5937701")) == "593.8万"
        assert money_short(Decimal("123456789")) == "1.2亿"
        assert money_short(Decimal("9000")) == "¥9,000"
    with translation.override("en"):
        assert money_short(Decimal("5937701")) == "¥5.9M"


def test_the_badges_css_has_the_palettes_colours():
    """The badges' colours (site.css, no style attributes under the CSP) are FIT_PALETTE's, letter by letter."""
    css = (Path(settings.BASE_DIR) / "static" / "css" / "site.css").read_text(encoding="utf-8")
    found = dict(re.findall(r"\.fit-badge\.fit-([A-E]) \{ background-color: (#[0-9a-f]{6}); \}", css))
    assert found == FIT_PALETTE


def test_the_tier_badges_css_has_the_tier_hues():
    css = (Path(settings.BASE_DIR) / "static" / "css" / "site.css").read_text(encoding="utf-8")
    found = dict(re.findall(r"\.tier-badge\.tier-hue-(\d) \{ background-color: (#[0-9a-f]{6}); \}", css))
    assert found == {str(position): hue for position, hue in enumerate(TIER_HUES)}


def test_tiers_never_share_a_colour_with_the_match_fit():
    assert not set(TIER_HUES) & set(FIT_PALETTE.values())


def test_the_tier_palette_is_keyed_by_the_configured_tier_codes():
    assert tier_palette() == {"mass": TIER_HUES[0], "vip": TIER_HUES[1], "private": TIER_HUES[2]}


def test_tiers_from_settings_get_their_own_colours(settings):
    settings.PORTRAIT_TIERS = [
        {"code": code, "name": code, "min_assets": str(position * 1000)} for position, code in enumerate("abcdefgh")
    ]
    palette = tier_palette()
    assert list(palette) == list("abcdefgh")
    assert palette["a"] == TIER_HUES[0] and palette["g"] == TIER_HUES[0]  # more tiers than hues: from the start
    assert not set(palette.values()) & set(FIT_PALETTE.values())


def test_the_tier_badge_names_the_tier_in_its_colour():
    html = Template(
        "{% load display %}{% tier_badge 'vip' %}|{% tier_badge tier %}|{% tier_badge '' %}"
    ).render(Context({"tier": tier_of(Decimal("7000000"))}))
    vip, private, none = html.split("|")
    assert 'tier-badge tier-hue-1' in vip and 'data-tier="vip"' in vip
    assert 'tier-hue-2' in private and 'data-tier="private"' in private
    assert "tier-badge" not in none.split('data-testid')[0] and "—" in none


def test_the_fit_badge_says_what_the_letter_means():
    html = Template("{% load display %}{% fit_badge 'B' %}|{% fit_badge '' %}").render(Context())
    badge, empty = html.split("|")
    assert 'class="badge fit-badge fit-B ' in badge and "how well the customer fits the best manager" in badge
    assert "not rated yet" in empty


@pytest.mark.parametrize(
    ("typed", "value"),
    [("1,200,000", Decimal("1200000")), ("1 200 000", Decimal("1200000")), ("¥1,200,000.50", Decimal("1200000.50")),
     ("120万", Decimal("1200000")), ("1.2亿", Decimal("120000000")), ("１２,０００", Decimal("12000")),
     ("250000.00", Decimal("250000"))],
)
def test_an_amount_may_be_typed_with_separators_and_units(typed, value):
    field = AmountField(min_value=0, max_digits=15, decimal_places=2)
    assert field.clean(typed) == value


@pytest.mark.parametrize("typed", ["abc", "1,2x", "万", "-5"])
def test_an_amount_that_is_not_one_is_refused(typed):
    field = AmountField(min_value=0, max_digits=15, decimal_places=2)
    with pytest.raises(ValidationError):
        field.clean(typed)


def test_an_amount_input_is_text_so_the_browser_lets_separators_through():
    html = AmountField().widget.render("total_assets", "")
    assert 'type="text"' in html and 'inputmode="decimal"' in html
