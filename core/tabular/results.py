"""What an import found and did: problems by line and column, counts. Shared by every import."""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

# Problems that belong to no column name the row, the file or its header; shown translated.
_PSEUDO_FIELDS = {
    "row": pgettext_lazy("where an import problem is", "row"),
    "file": pgettext_lazy("where an import problem is", "file"),
    "header": pgettext_lazy("where an import problem is", "header"),
}


QUOTE_LIMIT = 60
MESSAGE_LIMIT = 300


def shorten(text: str, limit: int = QUOTE_LIMIT) -> str:
    """A value quoted in a message, cut to `limit` characters with an ellipsis: an error never echoes a
    whole cell (a 200 MB cell must not make a 200 MB report)."""
    text = str(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def shorten_list(names: Sequence[str], *, first: int = 10) -> str:
    """`a, b, c` for a short list; the first `first` and how many more for a long one."""
    names = [shorten(name) for name in names]
    if len(names) <= first:
        return ", ".join(names)
    return _("%(names)s and %(count)d more") % {"names": ", ".join(names[:first]), "count": len(names) - first}


@dataclass(frozen=True)
class RowError:
    """One problem in an input file: the physical line (header = 1), the column and what is wrong."""

    line: int
    field: str
    message: str
    code: str = ""

    def __post_init__(self):
        # Every message quotes its values through `shorten`; this is the backstop for one that does not
        # (a validator echoing the value, a library's error text).
        object.__setattr__(self, "field", shorten(self.field))
        object.__setattr__(self, "message", shorten(str(self.message), MESSAGE_LIMIT))

    def __str__(self) -> str:
        return _("line %(line)d: %(field)s: %(message)s") % {
            "line": self.line, "field": _PSEUDO_FIELDS.get(self.field, self.field), "message": self.message,
        }


@dataclass
class ImportResult:
    """What an import did (or, for a dry run or a rejected file, would have done)."""

    created: int = 0
    updated: int = 0
    errors: list[RowError] = field(default_factory=list)
    dry_run: bool = False
    unchanged: int = 0
    created_terms: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # about valid rows; they do not stop the import

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged


def sorted_errors(errors: Iterable[RowError], *, columns: Sequence[str]) -> list[RowError]:
    """By line, then in the order of `columns` (problems with the whole row or file first)."""
    position = {column: index for index, column in enumerate(columns)}
    return sorted(errors, key=lambda error: (error.line, position.get(error.field, -1)))

