from django import template
from django.utils.formats import number_format

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
