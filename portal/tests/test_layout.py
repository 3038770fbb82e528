"""The shared layout: navigation by role, the language switch, messages, and the error pages."""
import pytest
from django.template.loader import render_to_string
from django.test import override_settings
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_each_role_sees_its_own_links(client, user_by_role):
    expectations = {
        "customer": ({"/me/"}, {"/workspace/", "/admin/"}),
        "manager": ({"/workspace/", "/workspace/profile/"}, {"/me/", "/admin/"}),
        "admin": ({"/admin/"}, {"/me/", "/workspace/"}),
    }
    for visitor, (shown, hidden) in expectations.items():
        client.force_login(user_by_role[visitor])
        html = client.get(reverse("portal:password_change")).content.decode()
        urls = {url for url in shown | hidden if f'class="nav-link" href="{url}"' in html}
        assert urls == shown, visitor


def test_the_language_switch_posts_to_set_language_and_the_page_follows(client, user_by_role):
    client.force_login(user_by_role["customer"])
    html = client.get(reverse("portal:me")).content.decode()
    assert 'action="/i18n/setlang/"' in html and 'name="language" value="en"' in html

    response = client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/me/"}, follow=True)

    assert response.redirect_chain[-1][0] == "/me/"
    html = response.content.decode()
    assert '<html lang="zh-hans">' in html
    assert "我的画像" in html and "My portrait" not in html


def test_chinese_is_the_default_for_a_browser_that_asks_for_nothing(client, user_by_role):
    with override_settings(LANGUAGE_CODE="zh-hans"):
        html = client.get(reverse("portal:login")).content.decode()

    assert "登录" in html


@override_settings(DEBUG=False)
def test_a_missing_page_is_a_friendly_404_in_the_layout(client, user_by_role):
    client.force_login(user_by_role["customer"])

    response = client.get("/no/such/page/")

    assert response.status_code == 404
    html = response.content.decode()
    assert "Page not found" in html and "navbar" in html


def test_a_refused_page_is_a_friendly_403_in_the_layout(client, user_by_role):
    client.force_login(user_by_role["customer"])

    response = client.get(reverse("portal:workspace"))

    assert response.status_code == 403
    assert "This page is not for your account" in response.content.decode()


def test_the_500_page_renders_without_a_request():
    html = render_to_string("500.html")

    assert "Something went wrong" in html
    assert "vendor/bootstrap/css/bootstrap.min.css" in html
    assert "csrfmiddlewaretoken" not in html


def test_no_page_loads_anything_from_another_site(client, user_by_role):
    client.force_login(user_by_role["manager"])

    html = client.get(reverse("portal:workspace")).content.decode()

    assert "http://" not in html and "https://" not in html and "//cdn" not in html
