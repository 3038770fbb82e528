"""Service tiers: set by a customer's total assets, from `settings.PORTRAIT_TIERS` (the one place that reads it).

A customer's tier is computed from their assets whenever it is needed (never stored, so a changed threshold or
a changed portrait needs no migration or recomputation); a manager stores the codes of the tiers they serve.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core import checks
from django.core.exceptions import ValidationError
from django.db.models import Case, CharField, Value, When
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Tier:
    code: str
    name: str
    min_assets: Decimal


def service_tiers() -> tuple[Tier, ...]:
    """The tiers from the lowest, as configured."""
    return tuple(
        Tier(code=tier["code"], name=tier["name"], min_assets=Decimal(tier["min_assets"]))
        for tier in settings.PORTRAIT_TIERS
    )


def tier_choices() -> list[tuple[str, str]]:
    return [(tier.code, tier.name) for tier in service_tiers()]


def tier_of(total_assets: Decimal) -> Tier:
    """The tier of a customer holding `total_assets`: the last whose threshold they reach."""
    tiers = service_tiers()
    return next(tier for tier in reversed(tiers) if total_assets >= tier.min_assets or tier is tiers[0])


def tier_code_expression(assets: str) -> Case:
    """`tier_of` in SQL: the code of the tier the total assets in field `assets` set (for instance
    `"customer__total_assets"`), to annotate or group a queryset by tier in the query itself."""
    tiers = service_tiers()
    return Case(
        *(When(**{f"{assets}__gte": tier.min_assets}, then=Value(tier.code)) for tier in reversed(tiers[1:])),
        default=Value(tiers[0].code), output_field=CharField(),
    )


def tier_assets_range(code: str) -> tuple[Decimal, Decimal | None]:
    """Total assets of a tier's customers: at least the first, below the second (None: no ceiling)."""
    tiers = service_tiers()
    for position, tier in enumerate(tiers):
        if tier.code == code:
            upper = tiers[position + 1].min_assets if position + 1 < len(tiers) else None
            return tier.min_assets, upper
    raise KeyError(code)


def tier_names(codes: Iterable[str]) -> list[str]:
    """Names of tier codes in tier order (unknown codes are left out)."""
    wanted = set(codes)
    return [str(tier.name) for tier in service_tiers() if tier.code in wanted]


def validate_tier_codes(value) -> None:
    """The tiers a manager serves: a list of distinct configured codes (empty: every tier)."""
    known = {tier.code for tier in service_tiers()}
    if not isinstance(value, list) or not all(isinstance(code, str) for code in value):
        raise ValidationError(_("Tiers must be a list of tier codes."), code="invalid_tiers")
    unknown = [code for code in value if code not in known]
    if unknown:
        raise ValidationError(
            _("Unknown tier(s): %(codes)s. Known: %(known)s.")
            % {"codes": ", ".join(unknown), "known": ", ".join(sorted(known))},
            code="unknown_tier",
        )
    if len(set(value)) != len(value):
        raise ValidationError(_("A tier is listed twice."), code="duplicate_tier")


BRANCH_POLICIES = ("none", "branch", "region")


def check_settings(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """PORTRAIT_TIERS from 0 upwards with distinct codes, and a known PORTRAIT_BRANCH_POLICY: a wrong setting
    stops the server at start rather than misplacing customers."""
    errors = []
    tiers = settings.PORTRAIT_TIERS
    minimums = [Decimal(tier.get("min_assets", -1)) for tier in tiers] if isinstance(tiers, list) else []
    codes = [tier.get("code") for tier in tiers] if isinstance(tiers, list) else []
    ordered = bool(minimums) and minimums[0] == 0 and minimums == sorted(set(minimums))
    named = len(set(codes)) == len(codes) and all(isinstance(code, str) and code for code in codes)
    if not (ordered and named):
        errors.append(checks.Error(
            "PORTRAIT_TIERS must list tiers with distinct codes and strictly increasing min_assets, the first 0.",
            id="vocabularies.E001",
        ))
    if settings.PORTRAIT_BRANCH_POLICY not in BRANCH_POLICIES:
        errors.append(checks.Error(
            f"PORTRAIT_BRANCH_POLICY must be one of {', '.join(BRANCH_POLICIES)}, "
            f"not {settings.PORTRAIT_BRANCH_POLICY!r}.",
            id="vocabularies.E002",
        ))
    if settings.PORTRAIT_REGION_PENALTY < 0:
        errors.append(checks.Error("PORTRAIT_REGION_PENALTY must be 0 or more.", id="vocabularies.E003"))
    return errors
