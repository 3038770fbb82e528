"""The site navigation is the layout's (`portrait.navigation`): each role sees the same links, in the same
order, on every surface's pages, and the page it is on is marked."""
import re
from pathlib import Path

import pytest
from django.conf import settings

from accounts.models import Role
from accounts.tests.factories import UserFactory
from managers.tests.factories import ManagerFactory

pytestmark = pytest.mark.django_db

LINK = re.compile(r'<a class="nav-link( active)?" href="([^"]+)"')


def site_links(client, url: str) -> list[tuple[str, bool]]:
    """(href, marked active) of each link in the site navigation of the page at `url`."""
    response = client.get(url)
    assert response.status_code == 200, url
    nav = response.content.decode().split('id="site-nav"', 1)[1].split("</ul>", 1)[0]
    return [(href, bool(active)) for active, href in LINK.findall(nav)]


@pytest.mark.parametrize(("role", "url", "expected"), [
    (Role.CUSTOMER, "/accounts/password/", [("/me/", False)]),
    (Role.CUSTOMER, "/me/", [("/me/", True)]),
    (Role.MANAGER, "/accounts/password/", [("/workspace/", False), ("/workspace/profile/", False)]),
    (Role.MANAGER, "/workspace/", [("/workspace/", True), ("/workspace/profile/", False)]),
    (Role.MANAGER, "/workspace/profile/", [("/workspace/", False), ("/workspace/profile/", True)]),
    (Role.ADMIN, "/accounts/password/", [("/console/", False), ("/admin/", False)]),
    (Role.ADMIN, "/console/", [("/console/", True), ("/admin/", False)]),
    (Role.ADMIN, "/console/customers/", [("/console/", True), ("/admin/", False)]),
])
def test_each_role_sees_the_same_navigation_on_every_surface(client, role, url, expected):
    if role == Role.MANAGER:
        user = ManagerFactory().user
    else:
        user = UserFactory(role=role, is_staff=role == Role.ADMIN, is_superuser=role == Role.ADMIN)
    client.force_login(user)

    assert site_links(client, url) == expected


def test_a_visitor_who_is_not_signed_in_gets_no_site_links(client):
    assert site_links(client, "/accounts/login/") == []


@pytest.mark.parametrize(
    "layout", sorted((Path(settings.BASE_DIR) / "templates").glob("**/*.html")), ids=lambda path: path.name
)
def test_the_layout_loads_no_surface_s_template_tags(layout):
    """The navigation lists every surface's pages: a surface's tag library must not own it."""
    text = layout.read_text(encoding="utf-8")
    loaded = {name for tags in re.findall(r"{%\s*load\s+([^%]+)%}", text) for name in tags.split()}

    assert not loaded & {"portal", "console", "api"}, loaded
