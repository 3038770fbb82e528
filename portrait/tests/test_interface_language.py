"""Every page for every role speaks one language (issue 24): in English no Chinese interface text is left
(data such as names and terms aside); in Chinese, Django's and the installed apps' strings are Chinese too,
in our register (您, not 你).
"""
import re

import pytest
from django.test import Client
from django.urls import reverse

from accounts.tests.factories import UserFactory
from customers.models import CustomerProfile
from customers.tests.factories import CustomerFactory
from managers.models import ManagerProfile
from matching.models import Segment
from vocabularies.models import Hobby, Service

pytestmark = pytest.mark.django_db

HAN = re.compile(r"[\u4e00-\u9fff]+")


def _client(user, language):
    client = Client()
    if user is not None:
        client.force_login(user)
    client.cookies["django_language"] = language
    return client


def _interface_text(html: str) -> str:
    """The page's own words: no data (people's names, terms, occupations, segment names), no JSON data, and
    not the language switcher's "中文" (marked lang="zh-hans", a language named in itself)."""
    html = re.sub(r"<script\b[^>]*>.*?</script>", " ", html, flags=re.S)
    html = re.sub(r'<(\w+)[^>]*\blang="zh-hans"[^>]*>.*?</\1>', " ", html, flags=re.S)
    data = {
        *Service.objects.values_list("name", flat=True), *Hobby.objects.values_list("name", flat=True),
        *CustomerProfile.objects.values_list("occupation", flat=True),
        *Segment.objects.values_list("name", flat=True),
        *(name for name in UserFactory._meta.model.objects.values_list("name", flat=True)),
    }
    for value in sorted((v for v in data if v), key=len, reverse=True):
        html = html.replace(value, " ")
    return html


@pytest.fixture
def people(manager, customer, services, hobbies):
    CustomerProfile.objects.filter(pk=customer.pk).update(manager=manager, customer_class="C", occupation="工程师")
    Segment.objects.create(label=0, name="稳健型中年客户", size=1, median_age=40, median_assets=100000)
    admin = UserFactory(username="boss", admin=True)
    return {"customer": customer, "manager": manager, "admin": admin}


def _pages(people):
    customer, manager = people["customer"], people["manager"]
    return [
        (None, reverse("portal:login")),
        (None, reverse("portal:register")),
        (customer.user, reverse("portal:me")),
        (customer.user, reverse("portal:password_change")),
        (manager.user, reverse("portal:workspace")),
        (manager.user, reverse("portal:workspace_profile")),
        (manager.user, reverse("portal:workspace_customer", args=[customer.pk])),
        (people["admin"], reverse("console:dashboard")),
        (people["admin"], reverse("console:customers")),
        (people["admin"], reverse("console:customer", args=[customer.pk])),
        (people["admin"], reverse("console:managers")),
        (people["admin"], reverse("console:manager", args=[manager.pk])),
        (people["admin"], reverse("console:matching")),
        (people["admin"], reverse("console:import")),
        (people["admin"], reverse("console:audit")),
    ]


def test_english_pages_show_no_chinese_interface_text(people):
    leftovers = {}
    for user, url in _pages(people):
        response = _client(user, "en").get(url)
        assert response.status_code == 200, url
        found = HAN.findall(_interface_text(response.content.decode()))
        if found:
            leftovers[url] = found
    assert leftovers == {}


def test_chinese_pages_say_您_not_你(people):
    for user, url in _pages(people):
        html = _interface_text(_client(user, "zh-hans").get(url).content.decode())
        assert "你" not in html, (url, re.findall(r".{0,20}你.{0,20}", html))


def test_a_short_password_is_refused_in_chinese_on_the_chinese_sign_up_page(db):
    response = _client(None, "zh-hans").post(
        reverse("portal:register"), {"username": "newbie", "password": "short", "password_again": "short"}
    )

    html = response.content.decode()
    assert "密码太短，至少需要 12 个字符。" in html
    assert "This password is too short" not in html


def test_a_wrong_old_password_is_refused_politely(people):
    response = _client(people["customer"].user, "zh-hans").post(
        reverse("portal:password_change"), {"old_password": "wrong", "new_password1": "x", "new_password2": "x"}
    )

    assert "您输入的旧密码不正确，请重新输入。" in response.content.decode()


def test_the_admin_names_every_installed_app_in_chinese(superuser_client):
    superuser_client.cookies["django_language"] = "zh-hans"

    html = superuser_client.get("/admin/").content.decode()

    for english in ("Axes", "Access attempts", "Access failures", "Token Blacklist", "Outstanding Tokens",
                    "Blacklisted Tokens", "Model name", "Add link"):
        assert english not in html, english
    for chinese in ("登录锁定", "登录尝试", "令牌黑名单"):
        assert chinese in html, chinese


def test_filters_are_called_筛选_in_the_console_and_the_admin(people, superuser_client):
    console = _client(people["admin"], "zh-hans").get(reverse("console:audit")).content.decode()
    superuser_client.cookies["django_language"] = "zh-hans"
    admin = superuser_client.get("/admin/audit/auditevent/").content.decode()

    assert "筛选" in console and "过滤器" not in console
    assert "过滤器" not in admin


def test_empty_choices_read_any_in_every_filter(people):
    for user, url in [(people["manager"].user, reverse("portal:workspace")),
                      (people["admin"], reverse("console:customers"))]:
        html = _client(user, "zh-hans").get(url).content.decode()
        assert "---------" not in html and "全部等级" not in html, url
        assert '<option value="" selected>不限</option>' in html, url


def test_an_over_full_manager_reads_why_in_the_workspace(people):
    manager = people["manager"]
    CustomerFactory(manager=manager)  # two customers for a capacity of one
    ManagerProfile.objects.filter(pk=manager.pk).update(capacity=1)

    html = _client(manager.user, "en").get(reverse("portal:workspace")).content.decode()
    zh = _client(manager.user, "zh-hans").get(reverse("portal:workspace")).content.decode()

    assert "You have more customers than your capacity of 1" in html
    assert "您的客户数超过了服务上限 1 位" in zh
