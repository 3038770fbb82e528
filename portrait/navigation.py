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
from notifications.models import Audience
from notifications.selectors import unread_count

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


@dataclass(frozen=True)
class Bell:
    url: str
    unread: int

    @property
    def label(self) -> str:
        """The count as the badge shows it: beyond 99, "99+"."""
        return "99+" if self.unread > 99 else str(self.unread)


@register.simple_tag(takes_context=True)
def notification_bell(context) -> Bell | None:
    """The bell in the navigation: the inbox and the unread count (one query), for anyone signed in."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if request is None or not access.is_signed_in(user):
        return None
    try:
        url = reverse("portal:notifications")
    except NoReverseMatch:  # the portal not installed in this deployment
        return None
    return Bell(url=url, unread=unread_count(user))


@register.simple_tag(takes_context=True)
def notification_url(context, notification) -> str:
    """Where a notification leads its reader: a customer to their portrait, an admin to the customer in the
    console, a manager to the customer in their workspace while the customer is in their book, else to their
    book (a customer who left it is no longer theirs to open). A manager's count of many customers leads to
    their book (those a run gave them: the book filtered by that run), or for an admin to the run."""
    user = context["request"].user
    customer = notification.customer
    if access.can_use_portrait_page(user):
        return reverse("portal:me")
    if access.can_use_console(user):
        if customer is None:
            run_id = notification.run_id
            return reverse("console:run", args=[run_id]) if run_id else reverse("console:matching")
        return reverse("console:customer", args=[customer.pk])
    if customer is None:  # those who joined by a run are in the book under that run's filter
        joined_by_run = notification.audience == Audience.NEW_MANAGER and notification.run_id
        return reverse("portal:workspace") + (f"?run={notification.run_id}" if joined_by_run else "")
    if access.can_use_workspace(user) and access.can_view_customer(user, customer):
        return reverse("portal:workspace_customer", args=[customer.pk])
    return reverse("portal:workspace")
