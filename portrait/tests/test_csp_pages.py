"""Code the Content-Security-Policy would refuse, caught without a browser (the browser tests see it run).

The policy allows scripts and styles from this site only: no inline `<script>` code, no `onclick=`-style
handlers, no `javascript:` links, no `<style>` block and no `style=` attribute. Such code is not an error
anyone sees, it silently does nothing (a console "Undo" went ahead without its question that way; Swagger
UI was a blank page; a load bar would be empty).
"""
import re
from pathlib import Path

import pytest
from django.conf import settings
from rest_framework.test import APIClient

ROOT = Path(settings.BASE_DIR)
INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.IGNORECASE)
INLINE_HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.IGNORECASE)
JAVASCRIPT_URL = re.compile(r"""=\s*["']\s*javascript:""", re.IGNORECASE)
INLINE_STYLE = re.compile(r"<style\b|<[^>]*\sstyle\s*=", re.IGNORECASE)


def project_templates() -> list[Path]:
    return sorted(
        path for path in ROOT.glob("**/templates/**/*.html")
        if not any(part.startswith(".") or part in ("node_modules", "staticfiles") for part in path.parts)
    )


def test_there_are_templates_to_check():
    assert len(project_templates()) > 20


@pytest.mark.parametrize("template", project_templates(), ids=lambda path: str(path.relative_to(ROOT)))
def test_no_template_carries_inline_code(template):
    text = template.read_text(encoding="utf-8")

    for pattern in (INLINE_SCRIPT, INLINE_HANDLER, JAVASCRIPT_URL, INLINE_STYLE):
        assert not pattern.search(text), pattern.search(text).group(0)[:200]


def test_the_api_docs_page_has_no_inline_script_and_serves_its_start_up_script_as_a_file():
    client = APIClient()
    html = client.get("/api/docs/").content.decode()

    assert not INLINE_SCRIPT.search(html)
    sources = re.findall(r'<script src="([^"]+)"', html)
    own = [src for src in sources if "script" in src.split("?")[-1]]
    assert len(own) == 1
    script = client.get(own[0].replace("&amp;", "&"))
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in script.content.decode()


def directive(policy: str, name: str) -> list[str]:
    """The sources of directive `name` in a Content-Security-Policy header."""
    for part in policy.split(";"):
        words = part.split()
        if words and words[0] == name:
            return words[1:]
    raise AssertionError(f"no {name} in {policy!r}")


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/accounts/login/", "/api/docs/", "/api/health"])
def test_the_policy_allows_styles_from_this_site_only(client, url):
    policy = client.get(url)["Content-Security-Policy"]

    assert directive(policy, "style-src") == ["'self'"]
    assert directive(policy, "script-src") == ["'self'"]


def test_the_api_docs_page_has_no_inline_style():
    html = APIClient().get("/api/docs/").content.decode()

    assert not INLINE_STYLE.search(html), INLINE_STYLE.search(html).group(0)
    assert "swagger_ui_page.css" in html


@pytest.mark.django_db
def test_the_browsable_api_has_no_style_block(client, django_user_model):
    staff = django_user_model.objects.create_user("staff", password="x", role="admin", is_staff=True)
    client.force_login(staff)

    html = client.get("/api/vocabulary", HTTP_ACCEPT="text/html").content.decode()

    assert "<title>" in html and "<style" not in html
