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
