"""Drill-down and search in the console: the dashboard opens the customers behind each figure, managers
are chosen by name, staff search customers and managers from every page, save their filters, and follow
links between customer, manager and book."""

import json

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def usernames(response):
    return [customer.user.username for customer, _score in response.context["rows"]]


def chart_data(response):
    html = response.content.decode()
    start = html.index('id="dashboard-data"')
    start = html.index(">", start) + 1
    return json.loads(html[start:html.index("</script>", start)])


# --- dashboard ---------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_dashboard_cards_open_the_customers_behind_them(admin_client, bank, language, django_assert_max_num_queries):
    with django_assert_max_num_queries(14):
        response = admin_client.get(reverse("console:dashboard"), HTTP_ACCEPT_LANGUAGE=language)
    html = response.content.decode()
    unassigned = response.context["links"]["unassigned"]
    assert f'href="{unassigned}"' in html
    assert usernames(admin_client.get(unassigned)) == ["carol", "dave", "erin"]
    assert "Load spread" not in html and "负载差" not in html
    assert 'data-testid="busiest"' in html and "m1" in html


def test_every_chart_segment_carries_the_list_behind_it(admin_client, bank):
    data = chart_data(admin_client.get(reverse("console:dashboard")))
    for row in data["classes"]:
        assert len(usernames(admin_client.get(row["url"]))) == row["count"]
    for manager in data["managers"]:
        assert len(usernames(admin_client.get(manager["url"]))) == manager["load"]
    for month in data["months"]:
        assert admin_client.get(month["url"]).context["page"].paginator.count == month["count"]
    for series in data["occupations"]["series"]:
        for count, url in zip(series["counts"], series["urls"]):
            if url:
                assert admin_client.get(url).context["page"].paginator.count == count


# --- the manager filter ------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["none", "无", "未分配", "unassigned"])
def test_typing_none_lists_the_customers_without_a_manager(admin_client, bank, typed):
    response = admin_client.get(reverse("console:customers"), {"manager": typed})
    assert usernames(response) == ["carol", "dave", "erin"]


def test_a_manager_is_found_by_name_or_username(admin_client, bank):
    m1 = bank["m1"].user
    m1.name = "王小明"
    m1.save()
    assert usernames(admin_client.get(reverse("console:customers"), {"manager": "王小明"})) == ["alice", "bob"]
    assert usernames(admin_client.get(reverse("console:customers"), {"manager": "M1"})) == ["alice", "bob"]
    # a link's user id shows as the username in the box
    response = admin_client.get(reverse("console:customers"), {"manager": m1.pk})
    assert usernames(response) == ["alice", "bob"] and 'value="m1"' in response.content.decode()


@pytest.mark.parametrize(("language", "words"), [("en", "No manager is called"), ("zh-hans", "没有名为")])
def test_a_manager_box_that_matches_nobody_says_so(admin_client, bank, language, words):
    response = admin_client.get(reverse("console:customers"), {"manager": "nobody"}, HTTP_ACCEPT_LANGUAGE=language)
    assert words in response.content.decode()


def test_the_manager_box_suggests_managers_by_name(admin_client, bank):
    m2 = bank["m2"].user
    m2.name = "李四"
    m2.save()
    response = admin_client.get(reverse("console:manager_suggestions"), {"manager": "李"})
    assert 'value="m2"' in response.content.decode() and "m1" not in response.content.decode()
