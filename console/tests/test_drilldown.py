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
def test_dashboard_cards_open_the_customers_behind_them(
    console_admin_client, bank, language, django_assert_max_num_queries,
):
    with django_assert_max_num_queries(14):
        response = console_admin_client.get(reverse("console:dashboard"), HTTP_ACCEPT_LANGUAGE=language)
    html = response.content.decode()
    unassigned = response.context["links"]["unassigned"]
    assert f'href="{unassigned}"' in html
    assert usernames(console_admin_client.get(unassigned)) == ["carol", "dave", "erin"]
    assert "Load spread" not in html and "负载差" not in html
    assert 'data-testid="busiest"' in html and "m1" in html


def test_every_chart_segment_carries_the_list_behind_it(console_admin_client, bank):
    data = chart_data(console_admin_client.get(reverse("console:dashboard")))
    for row in data["classes"]:
        assert len(usernames(console_admin_client.get(row["url"]))) == row["count"]
    for manager in data["managers"]:
        assert len(usernames(console_admin_client.get(manager["url"]))) == manager["load"]
    for month in data["months"]:
        assert console_admin_client.get(month["url"]).context["page"].paginator.count == month["count"]
    for series in data["occupations"]["series"]:
        for count, url in zip(series["counts"], series["urls"]):
            if url:
                assert console_admin_client.get(url).context["page"].paginator.count == count


# --- the manager filter ------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["none", "无", "未分配", "unassigned"])
def test_typing_none_lists_the_customers_without_a_manager(console_admin_client, bank, typed):
    response = console_admin_client.get(reverse("console:customers"), {"manager": typed})
    assert usernames(response) == ["carol", "dave", "erin"]


def test_a_manager_is_found_by_name_or_username(console_admin_client, bank):
    m1 = bank["m1"].user
    m1.name = "王小明"
    m1.save()
    assert usernames(console_admin_client.get(reverse("console:customers"), {"manager": "王小明"})) == ["alice", "bob"]
    assert usernames(console_admin_client.get(reverse("console:customers"), {"manager": "M1"})) == ["alice", "bob"]
    # a link's user id shows as the username in the box
    response = console_admin_client.get(reverse("console:customers"), {"manager": m1.pk})
    assert usernames(response) == ["alice", "bob"] and 'value="m1"' in response.content.decode()


@pytest.mark.parametrize(("language", "words"), [("en", "No manager is called"), ("zh-hans", "没有名为")])
def test_a_manager_box_that_matches_nobody_says_so(console_admin_client, bank, language, words):
    response = console_admin_client.get(
        reverse("console:customers"), {"manager": "nobody"}, HTTP_ACCEPT_LANGUAGE=language,
    )
    assert words in response.content.decode()


def test_the_manager_box_suggests_managers_by_name(console_admin_client, bank):
    m2 = bank["m2"].user
    m2.name = "李四"
    m2.save()
    response = console_admin_client.get(reverse("console:manager_suggestions"), {"manager": "李"})
    assert 'value="m2"' in response.content.decode() and "m1" not in response.content.decode()


# --- search ------------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_staff_search_customers_and_managers_from_every_page(console_admin_client, bank, language,
                                                            django_assert_max_num_queries):
    bank["customers"]["carol"].occupation = "teacher"
    bank["customers"]["carol"].save()
    page = console_admin_client.get(reverse("console:customers"), HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert f'action="{reverse("console:search")}"' in page
    with django_assert_max_num_queries(6):
        response = console_admin_client.get(reverse("console:search"), {"q": "teach"}, HTTP_ACCEPT_LANGUAGE=language)
    assert [c.user.username for c in response.context["customers"]] == ["carol"]
    assert reverse("console:customer", args=[bank["customers"]["carol"].pk]) in response.content.decode()
    response = console_admin_client.get(reverse("console:search"), {"q": "m"})
    assert [m.user.username for m in response.context["managers"]] == ["m1", "m2"]


def test_a_manager_searches_within_their_book(manager_client, bank, django_assert_max_num_queries):
    page = manager_client.get(reverse("portal:workspace")).content.decode()
    assert f'action="{reverse("portal:search")}"' in page
    with django_assert_max_num_queries(6):
        response = manager_client.get(reverse("portal:search"), {"q": "a"})
    assert [c.user.username for c in response.context["customers"]] == ["alice"]  # carol and dave are not theirs


def test_customers_have_no_search_box(customer_client, bank):
    assert 'data-testid="global-search"' not in customer_client.get(reverse("portal:me")).content.decode()


# --- saved views -------------------------------------------------------------------------------


def test_a_saved_view_reopens_its_filters_for_its_owner_only(console_admin_client, plain_admin_client, bank):
    response = console_admin_client.post(
        reverse("console:saved_view_create"), {"name": "To place", "query": "unassigned=true&page=2"}
    )
    assert response.status_code == 302 and response["Location"].endswith("?unassigned=true")
    listed = console_admin_client.get(reverse("console:customers"))
    view = listed.context["saved_views"][0]
    reopened = console_admin_client.get(f"{reverse('console:customers')}?{view.query}")
    assert view.name == "To place" and usernames(reopened) == ["carol", "dave", "erin"]
    assert plain_admin_client.get(reverse("console:customers")).context["saved_views"] == []
    plain_admin_client.post(reverse("console:saved_view_delete", args=[view.pk]))  # not theirs: nothing happens
    console_admin_client.post(reverse("console:saved_view_create"), {"name": "To place", "query": "customer_class=A"})
    assert [v.query for v in console_admin_client.get(reverse("console:customers")).context["saved_views"]] == [
        "customer_class=A"]
    console_admin_client.post(reverse("console:saved_view_delete", args=[view.pk]))
    assert console_admin_client.get(reverse("console:customers")).context["saved_views"] == []


def test_a_view_needs_a_name(console_admin_client, bank):
    response = console_admin_client.post(
        reverse("console:saved_view_create"), {"name": " ", "query": "q=a"}, follow=True,
    )
    assert "Give the view a name." in [str(m) for m in response.context["messages"]]


# --- the manager's page, breadcrumbs and names --------------------------------------------------


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_manager_page_shows_profile_book_and_recent_changes(console_admin_client, bank, language,
                                                               django_assert_max_num_queries):
    from matching.services import customer_assign

    m1, m2 = bank["m1"], bank["m2"]
    customer_assign(customer=bank["customers"]["carol"], manager=m2, actor=None, note="closer")
    customer_assign(customer=bank["customers"]["bob"], manager=m2, actor=None, note="moved out")
    with django_assert_max_num_queries(16):
        response = console_admin_client.get(reverse("console:manager", args=[m2.pk]), HTTP_ACCEPT_LANGUAGE=language)
    html = response.content.decode()
    book = response.context["book"]
    assert sum(row["count"] for row in book.classes) == 2 == response.context["manager"].load
    assert [a.customer.user.username for a in book.recent] == ["bob", "carol"]
    assert book.loads[-1]["load"] == 2 and book.loads[-2]["load"] == 0  # both came this month
    assert f'?manager={m2.user_id}"' in html  # the book as a filtered list
    assert reverse("console:manager", args=[m1.pk]) in html  # bob came from m1: a link to m1's page
    assert all(term.name in html for term in m2.capabilities.all())
    response = console_admin_client.get(reverse("console:manager", args=[m1.pk]))
    assert [a.customer.user.username for a in response.context["book"].recent] == ["bob"]


def test_a_customer_page_links_to_their_manager_and_book(console_admin_client, bank):
    alice, m1 = bank["customers"]["alice"], bank["m1"]
    html = console_admin_client.get(reverse("console:customer", args=[alice.pk])).content.decode()
    crumbs = html[html.index('data-testid="breadcrumbs"'):html.index("</ol>")]
    assert reverse("console:manager", args=[m1.pk]) in crumbs
    assert f"{reverse('console:customers')}?manager={m1.user_id}" in crumbs


def test_lists_show_manager_names_linked_to_their_page(console_admin_client, bank):
    m1 = bank["m1"]
    m1.user.name = "王经理"
    m1.user.save()
    html = console_admin_client.get(reverse("console:customers")).content.decode()
    assert f'<a href="{reverse("console:manager", args=[m1.pk])}">王经理</a>' in html


# --- the dashboard of one branch ---------------------------------------------------------------


@pytest.fixture
def bj(bank):
    from customers.models import CustomerProfile
    from managers.models import ManagerProfile
    from vocabularies.tests.factories import BranchFactory

    branch = BranchFactory(code="BJ", name="北京分行")
    CustomerProfile.objects.filter(user__username__in=["alice", "carol"]).update(branch=branch)
    ManagerProfile.objects.filter(pk=bank["m1"].pk).update(branch=branch)
    return branch


def test_the_dashboard_shows_one_branchs_figures(console_admin_client, bj, django_assert_max_num_queries):
    with django_assert_max_num_queries(16):
        response = console_admin_client.get(reverse("console:dashboard"), {"branch": "BJ"})
    kpis = response.context["kpis"]
    assert (kpis["customers"], kpis["unassigned"], kpis["managers"]) == (2, 1, 1)
    assert 'data-testid="dashboard-branch"' in response.content.decode()
    whole = console_admin_client.get(reverse("console:dashboard"))
    assert whole.context["kpis"]["customers"] == 5  # each branch's figures are cached apart from the bank's


def test_the_branch_dashboards_cards_and_segments_open_that_branchs_lists(console_admin_client, bj):
    response = console_admin_client.get(reverse("console:dashboard"), {"branch": "BJ"})
    links = response.context["links"]
    assert usernames(console_admin_client.get(links["unassigned"])) == ["carol"]
    assert usernames(console_admin_client.get(links["customers"])) == ["alice", "carol"]
    managers = console_admin_client.get(links["managers"])
    assert [manager.user.username for manager, _mean in managers.context["rows"]] == ["m1"]
    data = chart_data(response)
    for row in data["classes"]:
        assert "branch=BJ" in row["url"]
        assert len(usernames(console_admin_client.get(row["url"]))) == row["count"]
    for manager in data["managers"]:
        assert "branch=BJ" in manager["url"]
    for month in data["months"]:
        assert console_admin_client.get(month["url"]).context["page"].paginator.count == month["count"]
    for series in data["occupations"]["series"]:
        for count, url in zip(series["counts"], series["urls"]):
            if url:
                assert console_admin_client.get(url).context["page"].paginator.count == count


def test_an_unknown_branch_shows_the_whole_bank_and_says_why(console_admin_client, bj):
    response = console_admin_client.get(reverse("console:dashboard"), {"branch": "NOPE"})
    assert response.context["kpis"]["customers"] == 5 and response.context["branch"] is None
    assert response.context["form"].errors["branch"]
