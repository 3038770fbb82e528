from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

register = template.Library()


@register.filter
def percent(value, digits: int = 0):
    """0.1234 -> "12%" (locale-formatted); None -> "—"."""
    if value is None or value == "":
        return "—"
    return f"{number_format(float(value) * 100, decimal_pos=int(digits))}%"


@register.simple_tag(takes_context=True)
def query_with(context, **changes):
    """The current query string with some parameters replaced (sorting and paging links)."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        params[key] = value
    params.pop("page", None) if "page" not in changes else None
    return params.urlencode()


@register.simple_tag(takes_context=True)
def sort_column(context, key: str, label: str, descending_first: bool = False) -> dict:
    """A sortable column's header for `includes/sort_header.html`: whether the list is sorted by it (and which
    way), and the query string that sorts by it, or the other way when it already is."""
    params = context["request"].GET.copy()
    params.pop("page", None)
    sort = params.get("sort", "")
    current = sort.removeprefix("-") == key
    descending = sort.startswith("-")
    if current:
        params["sort"] = key if descending else f"-{key}"
    else:
        params["sort"] = f"-{key}" if descending_first else key
    return {
        "key": key, "label": label, "query": params.urlencode(), "current": current,
        "descending": current and descending,
    }


# A job's phases are stored as codes (matching.jobs); the job page names them in plain words.
PHASE_LABELS = {
    "load": _("Reading customers and managers"),
    "score": _("Comparing needs and hobbies"),
    "place": _("Choosing managers"),
    "store": _("Saving the plan"),
    "check": _("Checking nothing changed since the preview"),
    "write": _("Saving the changes"),
    "undo": _("Restoring the previous managers"),
    "segment": _("Grouping customers"),
    "validate": _("Checking the file"),
    "import": _("Importing the file"),
}


@register.filter
def phase_label(code) -> str:
    """A job phase's plain name ("write" -> "Saving the changes"); an unknown code as it is."""
    label = PHASE_LABELS.get(str(code))
    return str(label) if label else str(code)


@register.filter
def sub(value, other) -> int:
    """value - other for counts ("over capacity by 3")."""
    return int(value) - int(other)
