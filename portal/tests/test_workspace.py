"""The manager's workspace: their customers (filters, search, sort, pages), one customer, their profile."""
from decimal import Decimal

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from customers.tests.factories import CustomerFactory
from matching.models import Assignment, Reason, Segment
from portal.views.workspace import PAGE_SIZE
from vocabularies.tests.factories import ServiceFactory

pytestmark = pytest.mark.django_db

WORKSPACE = reverse("portal:workspace")
PROFILE = reverse("portal:workspace_profile")


@pytest.fixture
def book(manager, services, hobbies):
    """Six customers of `manager` with known ages, assets, classes, segments and terms."""
    for label in (0, 1):
        Segment.objects.create(label=label, name=f"客群{label}", size=3, median_age=40, median_assets=Decimal("1"))
    rows = [
        # name, age, assets, class, segment, needs, hobbies
        ("甲", 25, 10_000, "A", 0, [0, 1], [0]),
        ("乙", 35, 200_000, "B", 1, [1], [1, 2]),
        ("丙", 45, 500_000, "A", 1, [0], [2]),
        ("丁", 55, 900_000, "C", 0, [2], []),
        ("戊", 65, 50_000, "A", 1, [0, 2], [0, 2]),
        ("己", 30, 3_000_000, "E", None, [], [4]),
    ]
    return {
        name: CustomerFactory(
            user__name=name, user__username=f"c_{i}", age=age, total_assets=Decimal(assets), customer_class=cls,
            segment=segment, needs=[services[k] for k in needs], hobbies=[hobbies[k] for k in hobby_ids],
            manager=manager,
        )
        for i, (name, age, assets, cls, segment, needs, hobby_ids) in enumerate(rows)
    }


def _names(response):
    return [customer.user.name for customer in response.context["page"].object_list]


def test_the_list_shows_the_load_meter(client, manager, book):
    client.force_login(manager.user)

    response = client.get(WORKSPACE)

    assert response.context["load"] == 6
    assert f"6 of {manager.capacity} customers" in response.content.decode()


@pytest.mark.parametrize(("query", "expected"), [
    ({"customer_class": "A"}, ["甲", "丙", "戊"]),
    ({"customer_class": "A", "segment": "1"}, ["丙", "戊"]),
    ({"customer_class": "A", "segment": "1", "age_max": "50"}, ["丙"]),
    ({"age_min": "30", "age_max": "55"}, ["乙", "丙", "丁", "己"]),
    ({"assets_min": "100000", "assets_max": "900000"}, ["乙", "丙", "丁"]),
    ({"q": "c_3"}, ["丁"]),
    ({"q": "戊"}, ["戊"]),
])
def test_filters_combine(client, manager, book, query, expected):
    client.force_login(manager.user)

    response = client.get(WORKSPACE, {"sort": "username", **query})

    assert sorted(_names(response)) == sorted(expected)
    assert response.context["page"].paginator.count == len(expected)


def test_need_and_hobby_filters_combine(client, manager, book, services, hobbies):
    client.force_login(manager.user)

    response = client.get(WORKSPACE, {"need": services[0].pk, "hobby": hobbies[2].pk})

    assert sorted(_names(response)) == sorted(["丙", "戊"])


@pytest.mark.parametrize(("sort", "expected"), [
    ("age", ["甲", "己", "乙", "丙", "丁", "戊"]),
    ("assets", ["甲", "戊", "乙", "丙", "丁", "己"]),
    ("username", ["甲", "乙", "丙", "丁", "戊", "己"]),
])
def test_sorting_by_a_column_both_ways(client, manager, book, sort, expected):
    client.force_login(manager.user)

    assert _names(client.get(WORKSPACE, {"sort": sort})) == expected
    assert _names(client.get(WORKSPACE, {"sort": f"-{sort}"})) == expected[::-1]


def test_a_column_header_sorts_then_reverses(client, manager, book):
    client.force_login(manager.user)

    columns = {c["key"]: c for c in client.get(WORKSPACE, {"sort": "age", "customer_class": "A"}).context["columns"]}

    assert columns["age"]["query"] == "sort=-age&customer_class=A"
    assert columns["assets"]["query"] == "sort=assets&customer_class=A"
    reversed_columns = {c["key"]: c for c in client.get(WORKSPACE, {"sort": "-age"}).context["columns"]}
    assert reversed_columns["age"]["query"] == "sort=age" and reversed_columns["age"]["descending"]


def test_a_bad_filter_is_shown_and_the_others_still_apply(client, manager, book):
    client.force_login(manager.user)

    response = client.get(WORKSPACE, {"customer_class": "A", "age_min": "old"})

    assert sorted(_names(response)) == sorted(["甲", "丙", "戊"])
    assert "age_min" in response.context["form"].errors


def test_pages_split_the_book(client, manager, services):
    CustomerFactory.create_batch(PAGE_SIZE + 3, manager=manager)
    client.force_login(manager.user)

    first = client.get(WORKSPACE)
    second = client.get(WORKSPACE, {"page": 2})

    assert len(first.context["page"].object_list) == PAGE_SIZE
    assert len(second.context["page"].object_list) == 3
    assert not {c.pk for c in first.context["page"].object_list} & {c.pk for c in second.context["page"].object_list}
    assert 'href="?page=2"' in first.content.decode()


def test_an_htmx_request_gets_the_results_only(client, manager, book):
    client.force_login(manager.user)

    response = client.get(WORKSPACE, {"customer_class": "A"}, HTTP_HX_REQUEST="true")

    html = response.content.decode()
    assert html.lstrip().startswith('<div id="results"')
    assert "<html" not in html
    assert "HX-Request" in response["Vary"]


@pytest.mark.parametrize("size", [3, 40])
def test_the_list_costs_the_same_queries_whatever_the_book_size(
    client, manager, other_manager, services, hobbies, size, django_assert_max_num_queries,
):
    Segment.objects.create(label=0, name="年轻客户", size=size, median_age=30, median_assets=Decimal("1"))
    for _ in range(size):
        CustomerFactory(manager=manager, segment=0, customer_class="B", needs=services[:2], hobbies=hobbies[:3])
        CustomerFactory(manager=other_manager, needs=services[2:], hobbies=hobbies[3:])
    client.force_login(manager.user)

    # 14, the follow-ups due (contacts), the bell's unread count, the branches offered as a filter
    with django_assert_max_num_queries(17):
        response = client.get(WORKSPACE, {"need": services[0].pk, "sort": "-assets"})
    assert response.context["page"].paginator.count == size


@pytest.mark.parametrize("size", [2, 30])
def test_a_customer_page_costs_the_same_queries_whatever_the_history(
    client, manager, own_customer, size, django_assert_max_num_queries,
):
    for _ in range(size):
        Assignment.objects.create(customer=own_customer, new_manager=manager, reason=Reason.BEST, total=3)
    client.force_login(manager.user)

    with django_assert_max_num_queries(12):  # 9, the contact log, an open request, the bell's unread count
        assert client.get(reverse("portal:workspace_customer", args=[own_customer.pk])).status_code == 200


def test_a_customer_page_explains_the_match_and_shows_the_relationship(
    client, manager, other_manager, own_customer, services, hobbies,
):
    Assignment.objects.create(customer=own_customer, new_manager=other_manager, reason=Reason.BEST)
    Assignment.objects.create(customer=own_customer, previous_manager=other_manager, new_manager=manager,
                              reason=Reason.MANUAL, actor=other_manager.user, note="客户要求更换")
    Assignment.objects.create(customer=CustomerFactory(), new_manager=manager, reason=Reason.BEST)  # someone else's
    client.force_login(manager.user)

    response = client.get(reverse("portal:workspace_customer", args=[own_customer.pk]))

    explanation = response.context["explanation"]
    assert explanation.shared_needs == [services[0].name, services[1].name]
    assert explanation.shared_hobbies == [hobbies[1].name, hobbies[2].name]
    history = list(response.context["history"])
    assert [a.reason for a in history] == [Reason.MANUAL]  # only what involves this manager
    html = response.content.decode()
    assert "Assigned by hand" in html and "客户要求更换" in html


def test_the_profile_page_saves_terms_and_availability_with_a_message(client, manager, services, hobbies):
    client.force_login(manager.user)

    response = client.post(PROFILE, {"capabilities": [services[4].pk], "hobbies": [hobbies[0].pk]},
                           REMOTE_ADDR="10.0.0.9", follow=True)

    manager.refresh_from_db()
    assert list(manager.capabilities.all()) == [services[4]]
    assert manager.accepting_customers is False  # the box was not ticked
    assert any("next run" in str(m) for m in response.context["messages"])
    events = {e.action: e for e in AuditEvent.objects.filter(actor=manager.user)}
    assert events["manager.profile_updated"].ip_address == "10.0.0.9"
    assert events["manager.availability_updated"].changes == {"accepting_customers": [True, False]}


def test_the_profile_page_says_when_changes_take_effect_and_keeps_capacity_read_only(client, manager, services):
    client.force_login(manager.user)
    capacity = manager.capacity

    html = client.get(PROFILE).content.decode()
    client.post(PROFILE, {"capabilities": [services[0].pk], "accepting_customers": "on", "capacity": 999})

    assert "next matching run" in html
    manager.refresh_from_db()
    assert manager.capacity == capacity
    assert not AuditEvent.objects.filter(action="manager.availability_updated").exists()  # flag unchanged


def test_the_profile_page_saves_the_phone_and_refuses_a_wrong_one_beside_the_field(client, manager, services):
    client.force_login(manager.user)
    keep = {"capabilities": [services[0].pk], "accepting_customers": "on"}

    refused = client.post(PROFILE, {**keep, "phone": "call me"})
    client.post(PROFILE, {**keep, "phone": "138 0013 8000"})

    assert "phone" in refused.context["form"].errors
    manager.refresh_from_db()
    assert manager.phone == "138 0013 8000"
    assert client.get(PROFILE).context["form"].initial["phone"] == "138 0013 8000"


def test_the_profile_page_refuses_a_retired_term(client, manager, services):
    retired = ServiceFactory(name="已停办", is_active=False)
    client.force_login(manager.user)

    response = client.post(PROFILE, {"capabilities": [retired.pk], "accepting_customers": "on"})

    assert "capabilities" in response.context["form"].errors


def test_the_workspace_shows_tier_badges_and_branches_where_the_fit_shows(client, manager, own_customer):
    from customers.models import CustomerProfile
    from vocabularies.tests.factories import BranchFactory

    CustomerProfile.objects.filter(pk=own_customer.pk).update(
        total_assets=Decimal("7000000"), branch=BranchFactory(code="BJ", name="北京分行"),
    )
    client.force_login(manager.user)
    listed = client.get(reverse("portal:workspace")).content.decode()
    assert 'class="badge tier-badge tier-hue-2"' in listed and 'data-tier="private"' in listed and "北京分行" in listed
    page = client.get(reverse("portal:workspace_customer", args=[own_customer.pk])).content.decode()
    assert 'data-tier="private"' in page[page.index('data-testid="tier"'):][:300]
    assert "北京分行" in page[page.index('data-testid="branch"'):][:200]
