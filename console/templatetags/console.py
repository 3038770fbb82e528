from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from matching.models import MatchingRun
from matching.selectors import run_undoable

from ..views.common import undo_question

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
    "capacity_plan": _("Working out what each seat is worth"),
    "scenario": _("Planning the scenario and today"),
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


#: A Django message's tag naming the run it is about ("run-12"): the notice then offers Undo and "View changes".
RUN_NOTICE_TAG = "run-"


@register.inclusion_tag("console/_run_actions.html", takes_context=True)
def run_actions(context, message):
    """Undo (when the run can still be undone) and "View changes" beside a notice about a run; nothing for
    other messages. Two queries, only for a notice about a run."""
    tags = [tag for tag in str(message.extra_tags or "").split() if tag.startswith(RUN_NOTICE_TAG)]
    run_id = tags[0].removeprefix(RUN_NOTICE_TAG) if tags else ""
    run = MatchingRun.objects.filter(pk=int(run_id)).first() if run_id.isdigit() else None
    if run is None:
        return {"run": None}
    undoable = run_undoable(run)
    return {
        "run": run,
        "undoable": undoable,
        "undo_question": undo_question(run.changed_count) if undoable else "",
        "csrf_token": context.get("csrf_token"),
    }
