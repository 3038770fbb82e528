"""How every surface shows the values all of them show: the match fit and its colour, money, tiers' colours.

One home for the "One look" rules of `docs/glossary.md`:

    {% load display %}
    {{ customer.total_assets|money }}            ¥5,937,701: whole yuan with thousands separators (tables, pages)
    {{ value|money_short }}                      593.8万 (Chinese) / ¥5.9M (English): summary cards only
    {% fit_badge customer.customer_class %}      the A–E badge in the fit's colour (`large=True` on /me/ is not used)
    {% tier_badge customer.tier %}               the service tier's name in the tier's colour

Charts get the same colours from `FIT_PALETTE` and `tier_palette()` (views put them in the data they pass with
`json_script`). The badges' CSS classes (`.fit-A` …, `.tier-hue-0` … in static/css/site.css, because the
Content-Security-Policy allows no style attribute) are checked against the palettes by
portrait/tests/test_display.py, so the two cannot drift.

Wired as the `display` library in `TEMPLATES` (portrait/settings/base.py), like `site`.
"""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vocabularies.tiers import Tier, service_tiers

register = template.Library()

# The match fit (the `customer_class` field): A fits the best manager best, E least. Contrast ≥ 4.5:1 with white.
FIT_PALETTE = {
    "A": "#146c43",
    "B": "#0a58ca",
    "C": "#087990",
    "D": "#a15000",
    "E": "#6c757d",
}
FIT_UNSET_COLOUR = "#adb5bd"
# The service tiers get their own hues, never the fit's greens to greys: the two must not be read as one scale.
# Tiers come from settings (`PORTRAIT_TIERS`, mass/vip/private by default), so colours go to the configured codes
# in tier order, from the lowest; more tiers than hues reuse them from the start. Contrast ≥ 4.5:1 with white.
TIER_HUES = ("#6f42c1", "#ab296a", "#842029", "#3d0a91", "#8f2a54", "#5c3d8f")


def tier_palette() -> dict[str, str]:
    """{tier code: colour} for the configured tiers, lowest first."""
    return {tier.code: TIER_HUES[position % len(TIER_HUES)] for position, tier in enumerate(service_tiers())}


def _tier_hue(code: str) -> int | None:
    codes = [tier.code for tier in service_tiers()]
    return codes.index(code) % len(TIER_HUES) if code in codes else None


def chart_palette() -> dict:
    """What a chart needs to colour the match fit and the service tiers: passed to the page with `json_script`."""
    return {"fit": FIT_PALETTE, "fit_unset": FIT_UNSET_COLOUR, "tier": tier_palette()}


def _amount(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


@register.filter
def money(value) -> str:
    """¥5,937,701: whole yuan (half up), comma thousands separators in both languages; "—" for no value.

    One rule for every page (docs/glossary.md); Chinese finance writes 5,937,701 too, and Django's zh-hans
    number format groups nothing, so the grouping is ours, not the locale's.
    """
    amount = _amount(value)
    if amount is None:
        return "—"
    return f"¥{amount.quantize(Decimal('1'), rounding=ROUND_HALF_UP):,}"


@register.filter
def money_short(value) -> str:
    """A rounded amount for summary cards: 593.8万 / 1.2亿 in Chinese, ¥5.9M / ¥1.2B in English; below
    10,000 (Chinese) or 1,000 (English) as `money`."""
    amount = _amount(value)
    if amount is None:
        return "—"
    if (get_language() or "").startswith("zh"):
        steps = ((Decimal(10) ** 8, "{}亿"), (Decimal(10) ** 4, "{}万"))  # the language's own units
    else:
        steps = ((Decimal(10) ** 9, "¥{}B"), (Decimal(10) ** 6, "¥{}M"), (Decimal(10) ** 3, "¥{}K"))
    for size, pattern in steps:
        if abs(amount) >= size:
            return pattern.format((amount / size).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))
    return money(amount)


@register.simple_tag
def fit_badge(value, size: str = "") -> str:
    """The match fit as a coloured badge with its meaning on hover, or a muted "not rated yet"."""
    if value in FIT_PALETTE:
        return format_html(
            '<span class="badge fit-badge fit-{} {}" data-testid="customer-class" title="{}">{}</span>',
            value, size, _("Match fit %(fit)s: how well the customer fits the best manager") % {"fit": value}, value,
        )
    return format_html('<span class="text-body-secondary" data-testid="customer-class">{}</span>', _("not rated yet"))


@register.simple_tag
def tier_badge(tier: Tier | str | None) -> str:
    """A service tier (a `Tier`, or a configured code) as a badge in the tier's colour; "—" for none."""
    code = tier.code if isinstance(tier, Tier) else tier
    hue = _tier_hue(code) if code else None
    if hue is None:
        return mark_safe('<span class="text-body-secondary" data-testid="tier-badge">—</span>')  # noqa: S308
    name = tier.name if isinstance(tier, Tier) else next(t.name for t in service_tiers() if t.code == code)
    return format_html(
        '<span class="badge tier-badge tier-hue-{}" data-testid="tier-badge" data-tier="{}" title="{}">{}</span>',
        hue, code, _("Service tier, set by total assets"), name,
    )


@register.simple_tag
def fit_palette() -> dict:
    return chart_palette()


# What the fit means to the customer (on /me/): a sentence about them and their manager, never a grade.
FIT_SENTENCES = {
    "A": gettext_lazy("Your needs and hobbies fit your manager's very well."),
    "B": gettext_lazy("Your needs and hobbies fit your manager's well."),
    "C": gettext_lazy("Your needs and hobbies fit your manager's in part."),
    "D": gettext_lazy("You and your manager share a little so far."),
    "E": gettext_lazy(
        "You and your manager share little so far: the more needs and hobbies you add, the better we can match you."
    ),
}


@register.filter
def fit_sentence(value) -> str:
    """The customer's words for the match fit (the letter stays for staff)."""
    sentence = FIT_SENTENCES.get(value)
    return str(sentence) if sentence else _("We have not compared your portrait with your manager's yet.")
