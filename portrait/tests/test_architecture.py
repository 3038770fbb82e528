"""What the import contracts (.importlinter) cannot see: ways past them written without an import.

A model reached through the app registry (`apps.get_model`) or through a relation's `related_model` is a
dependency the layers contract never sees; so is an admin unregistered and replaced by another app's
subclass, or a surface naming another surface's pages. Migrations are exempt (their historical models come
from the registry by design), and so is `core`, which knows no domain: it introspects whatever fields its
callers hand it.
"""
import re
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
APPS = ("portrait", "portal", "console", "api", "imports", "demo", "change_requests", "matching", "jobs", "contacts",
        "customers", "managers", "vocabularies", "accounts", "audit")
SURFACES = ("portal", "console", "api")


def app_sources(apps=APPS, suffixes=(".py",)) -> list[Path]:
    """The non-test code of `apps`: no tests, no migrations."""
    return sorted(
        path for app in apps for path in (ROOT / app).rglob("*")
        if path.suffix in suffixes and not {"tests", "migrations"} & set(path.relative_to(ROOT).parts)
    )


def occurrences(pattern: re.Pattern, paths) -> list[str]:
    return [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in paths
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if pattern.search(line)
    ]


def test_the_scan_sees_the_apps_code():
    sources = {str(path.relative_to(ROOT)) for path in app_sources()}
    assert {"accounts/services.py", "customers/selectors.py", "matching/admin.py", "portrait/navigation.py"} <= sources
    assert not any("/tests/" in path or "/migrations/" in path for path in sources)


def test_no_app_reaches_a_model_through_the_registry_or_a_relation():
    """Import the model where the layers allow it, or let the caller pass the queryset."""
    hidden = re.compile(r"\bget_model\s*\(|\brelated_model\b")

    assert occurrences(hidden, app_sources()) == []


def test_no_app_unregisters_an_admin():
    """Another app's actions come through the owning admin's hooks (core.admin.AdminHooks)."""
    assert occurrences(re.compile(r"\.unregister\s*\("), app_sources()) == []


@pytest.mark.parametrize("surface", SURFACES)
def test_a_surface_names_no_other_surface_s_pages(surface):
    """Links across surfaces belong to the layout (portrait.navigation, templates/base.html)."""
    others = "|".join(other for other in SURFACES if other != surface)
    named = re.compile(rf"""["'](?:{others}):\w""")

    assert occurrences(named, app_sources((surface,), suffixes=(".py", ".html"))) == []
