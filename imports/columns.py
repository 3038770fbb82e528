"""The columns of each import as people read them: the header a file must have, what the page calls each
column in its language, what a cell takes, and an example; the upload page lists them, the downloadable
templates are written from them, and the report names a problem's column with them.

The header and which columns may be left out come from the import itself (`services.CUSTOMER_IMPORT`,
`services.MANAGER_IMPORT`); this module only describes them, and a test fails if a column of an import
has no description here (`imports/tests/test_columns.py`), so the page and the template cannot drift from
what the import reads.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from core.tabular import TERM_SEPARATOR
from customers.models import MAX_AGE, MIN_AGE
from managers.models import MAX_CAPACITY
from vocabularies.models import Hobby, Service
from vocabularies.tiers import service_tiers

from .pipeline import ProfileImport
from .services import CUSTOMER_IMPORT, MANAGER_IMPORT


@dataclass(frozen=True)
class ColumnText:
    label: Promise  # what pages call the column
    takes: Promise  # what a cell may hold
    example: Promise | str | None = None  # None: a term column, whose example is a term the vocabulary has
    params: tuple[tuple[str, object], ...] = ()  # filled into `takes` when a page reads it (its language)


@dataclass(frozen=True)
class ImportColumn:
    """One column of an import, in the page's language."""

    name: str  # the header, as files and exports spell it
    label: str
    takes: str
    required: bool


_TERMS = _("Names from the list of terms, separated by “%(separator)s”; empty for none.")
_SEPARATOR = (("separator", TERM_SEPARATOR),)

_TEXTS = {
    "username": ColumnText(
        _("Username"), _("The sign-in name: a new one creates the person, an existing one updates them."),
        "customer001",
    ),
    "name": ColumnText(_("Name"), _("The name shown on pages; may be empty."), _("Zhang Wei")),
    "age": ColumnText(
        _("Age"), _("Whole years, %(min)d to %(max)d."), "35", (("min", MIN_AGE), ("max", MAX_AGE)),
    ),
    "occupation": ColumnText(_("Occupation"), _("Free text, up to 100 characters; may be empty."), _("Engineer")),
    "total_assets": ColumnText(
        _("Total assets"), _("Yuan, digits with up to two decimals and no separators, e.g. 1200000.00."),
        "1200000.00",
    ),
    "needs": ColumnText(_("Needs"), _TERMS, params=_SEPARATOR),
    "hobbies": ColumnText(_("Hobbies"), _TERMS, params=_SEPARATOR),
    "capabilities": ColumnText(_("Capabilities"), _TERMS, params=_SEPARATOR),
    "capacity": ColumnText(
        _("Capacity"),
        _("The most customers they may serve, 1 to %(max)d; empty keeps the current one (a new manager gets "
          "the default, %(default)d)."),
        "50",
        (("max", MAX_CAPACITY),),
    ),
    "phone": ColumnText(
        _("Phone"),
        _("7 to 20 digits; spaces, hyphens, brackets and a leading + are allowed; empty keeps the current one."),
        "010-65528888",
    ),
    "branch": ColumnText(
        _("Branch"),
        _("The branch's code (branches come from import_branches or the admin); empty: no branch."),
        "",
    ),
    "tiers": ColumnText(
        _("Service tiers"),
        _("Tier codes separated by “%(separator)s” (%(codes)s); empty: every tier."),
        "",
        _SEPARATOR,
    ),
}
_TERM_MODELS = {"needs": Service, "capabilities": Service, "hobbies": Hobby}

IMPORTS: dict[str, ProfileImport] = {"customers": CUSTOMER_IMPORT, "managers": MANAGER_IMPORT}


def _takes(text: ColumnText) -> str:
    # The default capacity is read now: deployments and tests set it.
    return str(text.takes) % {
        **dict(text.params), "default": settings.PORTRAIT_DEFAULT_MANAGER_CAPACITY,
        "codes": ", ".join(tier.code for tier in service_tiers()),
    }


def import_columns(target: str) -> list[ImportColumn]:
    """The columns of the import `target` ("customers", "managers") in header order, in the page's language."""
    profile_import = IMPORTS[target]
    return [
        ImportColumn(
            name=name,
            label=str(_TEXTS[name].label),
            takes=_takes(_TEXTS[name]),
            required=name not in profile_import.optional_columns,
        )
        for name in profile_import.columns
    ]


def column_labels(target: str) -> dict[str, str]:
    """{header: what the page calls it} for naming a problem's column."""
    return {column.name: column.label for column in import_columns(target)}


def template_rows(target: str) -> Iterator[dict[str, str]]:
    """The example row of a template: cells every import accepts (terms the vocabularies have now).
    Two queries, one per vocabulary the import uses."""
    profile_import = IMPORTS[target]
    terms = {}
    for column in profile_import.columns:
        model = _TERM_MODELS.get(column)
        if model is not None:
            names = model.objects.filter(is_active=True).order_by("order", "name").values_list("name", flat=True)[:2]
            terms[column] = TERM_SEPARATOR.join(names)
    yield {
        column: terms[column] if column in terms else str(_TEXTS[column].example)
        for column in profile_import.columns
    }
