"""The site's navigation, a template tag library of the layout (`templates/base.html`): each role sees the
links to the pages it may use on every surface, from `accounts.access`.

    {% load site %}{% nav_links as links %}

It lists every surface's pages, so it is the project's, not a surface's: wired as the `site` library in
`TEMPLATES` (portrait/settings/base.py). Works without a request (the 500 page renders with an empty
context): then there are no links.
"""
from __future__ import annotations

from dataclasses import dataclass

from django import template
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from accounts import access

register = template.Library()


@dataclass(frozen=True)
class NavLink:
    url: str
    label: str
    icon: str
    active: bool


# (predicate, URL name, label, Bootstrap icon), in the order shown.
NAVIGATION = (
    (access.can_use_portrait_page, "portal:me", _("My portrait"), "person-vcard"),
    (access.can_use_workspace, "portal:workspace", _("My customers"), "people"),
    (access.can_use_workspace, "portal:workspace_profile", _("My profile"), "person-gear"),
    (access.can_use_console, "console:dashboard", _("Console"), "speedometer2"),
    (access.can_use_console, "admin:index", _("Data administration"), "database-gear"),
)


@register.simple_tag(takes_context=True)
def nav_links(context) -> list[NavLink]:
    request = context.get("request")
    user = getattr(request, "user", None)
    if request is None or not access.is_signed_in(user):
        return []
    links = []
    for predicate, name, label, icon in NAVIGATION:
        if not predicate(user):
            continue
        try:
            url = reverse(name)
        except NoReverseMatch:  # a surface not installed in this deployment
            continue
        active = request.path == url or (url != "/" and request.path.startswith(url) and name != "portal:workspace")
        if name == "portal:workspace":
            active = request.path.startswith(url) and not request.path.startswith(reverse("portal:workspace_profile"))
        links.append(NavLink(url=url, label=str(label), icon=icon, active=active))
    return links


# (predicate, URL name) of the global search, first that applies: admins search the whole bank in the
# console, managers their own book in the workspace.
SEARCH = (
    (access.can_use_console, "console:search"),
    (access.can_use_workspace, "portal:search"),
)


@register.simple_tag(takes_context=True)
def search_url(context) -> str:
    """The global search box's target for the signed-in user, or "" (customers, anonymous, no request)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if request is None or not access.is_signed_in(user):
        return ""
    for predicate, name in SEARCH:
        if predicate(user):
            try:
                return reverse(name)
            except NoReverseMatch:
                continue
    return ""
