"""What the browser tests of issue 24's findings share: each test in English and in Chinese at a desktop's width,
and `signed_in(user)`, the page with that user's session that fails the test on a script error or a CSP violation."""

import pytest
from django.conf import settings as django_settings
from django.test import Client

from accounts.tests.factories import UserFactory
from core.testing.csp import csp_violations, watch_csp


@pytest.fixture(params=["en-US", "zh-CN"])
def browser_context_args(request, browser_context_args):
    return {**browser_context_args, "viewport": {"width": 1400, "height": 1000}, "locale": request.param}


@pytest.fixture
def signed_in(live_server, page, browser_context_args):
    """`signed_in(user)`: the page with that user's session, collecting script errors and CSP violations."""
    page.set_default_timeout(15_000)
    page.js_errors = []
    page.on("pageerror", lambda exc: page.js_errors.append(str(exc)))
    watch_csp(page)
    page.base_url = live_server.url
    language = "zh-hans" if browser_context_args["locale"] == "zh-CN" else "en"
    page.context.add_cookies(
        [{"name": django_settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}]
    )

    def sign_in(user):
        page.context.clear_cookies()
        client = Client()
        client.force_login(user)
        cookie = client.cookies[django_settings.SESSION_COOKIE_NAME]
        page.context.add_cookies([
            {"name": cookie.key, "value": cookie.value, "url": live_server.url},
            {"name": django_settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url},
        ])
        return page

    yield sign_in
    assert page.js_errors == []
    assert csp_violations(page) == []


@pytest.fixture
def boss():
    return UserFactory(username="boss", admin=True)
