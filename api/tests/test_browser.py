"""Swagger UI in headless Chromium under the production Content-Security-Policy (scripts from this site only).

The policy comes from portrait/settings/base.py through django-csp's middleware, on in every settings
module, tests included; the test checks the header it got before trusting the page.
"""
import pytest

from core.testing.browser import screenshot
from core.testing.csp import csp_violations, watch_csp

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_swagger_ui_renders_the_operations_without_a_csp_violation(live_server, page):
    page.set_default_timeout(15_000)
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    watch_csp(page)

    response = page.goto(f"{live_server.url}/api/docs/")

    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    assert "style-src 'self'" in policy and "unsafe-inline" not in policy.split("style-src")[1].split(";")[0]
    page.wait_for_selector("#swagger-ui .opblock")
    paths = page.locator("#swagger-ui .opblock-summary-path").all_inner_texts()
    assert "/api/auth/login" in paths and "/api/customers/{id}/profile" in paths
    assert csp_violations(page) == []
    assert errors == []
    screenshot(page, "api-docs")
