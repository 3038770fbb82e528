"""A request in Chinese does not leave Chinese for the next test (the root conftest's `_default_language`).

The two tests run in this order in one process (`pytest -p no:xdist` or a worker that takes the module): the
first leaves the language its request asked for active, the second must start in the settings' language.
"""
import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

pytestmark = pytest.mark.django_db


def test_a_request_in_chinese_activates_chinese(client):
    client.get(reverse("portal:login"), HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert translation.get_language() == "zh-hans"


def test_the_next_test_starts_in_the_default_language():
    assert translation.get_language() == settings.LANGUAGE_CODE
