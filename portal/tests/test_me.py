"""The customer's own page: the portrait form, the class, the manager and why."""
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from accounts.tests.factories import UserFactory
from audit.models import AuditEvent
from customers.models import CustomerProfile
from customers.tests.factories import CustomerFactory
from portrait.display import FIT_SENTENCES
from matching.models import Segment
from vocabularies.tests.factories import ServiceFactory

pytestmark = pytest.mark.django_db

ME = reverse("portal:me")


def _post(services, hobbies, **fields):
    data = {"age": 41, "occupation": "工程师", "total_assets": "250000.00",
            "needs": [s.pk for s in services], "hobbies": [h.pk for h in hobbies]}
    data.update(fields)
    return data


@pytest.mark.django_db(transaction=True)  # reclassification runs when the save commits, as in production
def test_a_new_customer_without_a_manager_is_told_so_not_shown_a_grade(client, manager, services, hobbies):
    user = UserFactory(username="fresh")
    client.force_login(user)

    response = client.post(ME, _post(services[:3], hobbies[:3]), follow=True)

    customer = response.context["customer"]
    assert customer.user == user and customer.age == 41
    assert customer.customer_class  # classified when the save committed
    html = response.content.decode()
    assert 'data-testid="customer-class"' not in html  # no letter for the customer, no grey "E"
    assert "You have no manager yet." in html
    assert "it is not a rating of you or of your assets" in html
    assert "A manager will be assigned to you soon." in html
    assert "Your portrait has been saved." in [str(m) for m in response.context["messages"]]


@pytest.mark.django_db(transaction=True)
def test_an_edit_shows_the_new_class_at_once(client, manager, services, hobbies):
    customer = CustomerFactory(needs=[], hobbies=[], manager=manager)  # classified when created: E
    customer.refresh_from_db()
    before = customer.customer_class
    client.force_login(customer.user)

    response = client.post(ME, _post(services[:3], hobbies[:3]), follow=True)

    after = response.context["customer"].customer_class
    assert before == "E" and after < before  # three shared needs and three hobbies: a better class
    assert str(FIT_SENTENCES[after]) in response.content.decode()


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_a_customer_with_a_manager_reads_a_sentence_about_their_fit_not_a_letter(client, language, manager):
    customer = CustomerFactory(needs=[], hobbies=[], manager=manager)
    CustomerProfile.objects.filter(pk=customer.pk).update(customer_class="E")
    client.force_login(customer.user)
    client.cookies["django_language"] = language

    html = client.get(ME).content.decode()

    with translation.override(language):
        assert str(FIT_SENTENCES["E"]) in html
    assert 'data-testid="customer-class"' not in html
    assert ("您与客户经理的契合程度" if language == "zh-hans" else "How well you fit your manager") in html


def test_the_page_names_the_manager_and_the_shared_terms(client, own_customer, manager, services, hobbies):
    client.force_login(own_customer.user)

    response = client.get(ME)

    explanation = response.context["explanation"]
    assert explanation.shared_needs == [services[0].name, services[1].name]
    assert explanation.shared_hobbies == [hobbies[1].name, hobbies[2].name]
    html = response.content.decode()
    assert manager.user.name in html and services[0].name in html and hobbies[2].name in html


def test_internal_groupings_stay_off_the_customers_page(client, own_customer):
    Segment.objects.create(label=3, name="稳健理财的中年客户", size=1, median_age=40, median_assets=Decimal("1"))
    own_customer.segment = 3
    own_customer.save(update_fields=["segment"])
    client.force_login(own_customer.user)

    html = client.get(ME).content.decode()

    assert "稳健理财的中年客户" not in html and "Segment" not in html and "not segmented yet" not in html


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_manager_card_gives_phone_and_e_mail_as_links_and_how_to_get_in_touch(
    client, own_customer, manager, language,
):
    manager.phone = "+86 10 6552-8888"
    manager.save(update_fields=["phone"])
    client.force_login(own_customer.user)
    client.cookies["django_language"] = language

    html = client.get(ME).content.decode()

    assert '<a href="tel:+861065528888" data-testid="manager-phone">+86 10 6552-8888</a>' in html
    email = manager.user.email
    assert f'<a href="mailto:{email}" data-testid="manager-email">{email}</a>' in html
    assert ("致电或写信给" if language == "zh-hans" else "Call or write to") in html


def test_a_manager_without_contact_details_says_how_to_reach_them(client, own_customer, manager):
    manager.user.email = ""
    manager.user.save(update_fields=["email"])
    client.force_login(own_customer.user)

    html = client.get(ME).content.decode()

    assert 'data-testid="manager-phone"' not in html and "mailto:" not in html
    assert "has not left a phone number or e-mail address yet" in html


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_only_what_is_shared_is_listed_in_a_sentence(client, manager, services, hobbies, language):
    """Hobbies shared and no need: no "Needs: none" line, the hobbies in a sentence."""
    customer = CustomerFactory(needs=services[3:], hobbies=hobbies[:1], manager=manager)
    client.force_login(customer.user)
    client.cookies["django_language"] = language

    why = _test_id(client.get(ME).content.decode(), "why-this-manager")

    assert hobbies[0].name in why
    assert services[3].name not in why
    if language == "zh-hans":
        assert "共同的爱好" in why and "需求" not in why and "无" not in why
    else:
        assert "share these hobbies" in why and "Needs" not in why and "none" not in why


def test_the_page_says_what_would_change_the_match_and_when(client, manager, services, hobbies):
    """The class is recomputed when the portrait is saved; the manager changes at the next matching run."""
    customer = CustomerFactory(needs=services[:1], hobbies=[], manager=manager)
    client.force_login(customer.user)

    what = _test_id(client.get(ME).content.decode(), "what-changes")

    assert "updates your fit at once" in what and "next matching run" in what
    assert f"such as {services[1].name}," in what  # the first of the manager's other services
    assert services[0].name not in what  # already shared


def _test_id(html: str, test_id: str) -> str:
    """The markup of the element with data-testid `test_id` (up to the page's next test id)."""
    start = html.index(f'data-testid="{test_id}"')
    end = html.find("data-testid=", start + 1)
    return html[start:end if end != -1 else None]


def test_the_edit_is_audited_with_the_actor_the_ip_and_the_changes(client, own_customer, services, hobbies):
    client.force_login(own_customer.user)

    client.post(ME, _post(services[:1], hobbies[1:3], age=55), REMOTE_ADDR="10.20.30.40")

    event = AuditEvent.objects.get(action="customer.portrait_updated")
    assert event.actor == own_customer.user
    assert event.ip_address == "10.20.30.40"
    assert event.changes["age"][1] == 55
    assert event.changes["needs"] == [sorted([services[0].name, services[1].name]), [services[0].name]]
    assert "hobbies" not in event.changes


def test_errors_show_beside_the_fields_and_nothing_is_saved(client, own_customer, services, hobbies):
    client.force_login(own_customer.user)
    age = own_customer.age

    response = client.post(ME, _post(services[:1], [], age=12, total_assets="-5"))

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"age", "total_assets"}
    own_customer.refresh_from_db()
    assert own_customer.age == age
    assert 'id="error_1_id_age"' in response.content.decode()


def test_inactive_terms_already_on_the_portrait_stay_offered_others_are_not(client, own_customer, services):
    retired = services[0]  # on the portrait
    retired.is_active = False
    retired.save()
    unused = ServiceFactory(name="已停办业务", is_active=False)
    client.force_login(own_customer.user)

    choices = list(client.get(ME).context["form"].fields["needs"].queryset)
    assert retired in choices and unused not in choices

    response = client.post(ME, _post([retired, unused], []))
    assert "needs" in response.context["form"].errors  # the unused one is not a valid choice


def test_the_form_edits_only_the_portrait_fields(client, own_customer, other_manager, services):
    client.force_login(own_customer.user)

    client.post(ME, {**_post(services[:1], []), "customer_class": "A", "manager": other_manager.pk, "segment": 9,
                     "manager_locked": "on", "user": 999})

    own_customer.refresh_from_db()
    assert (own_customer.manager_id, own_customer.segment, own_customer.manager_locked) == (
        own_customer.manager_id, None, False)
    assert own_customer.manager.user.username != other_manager.user.username


def test_the_page_costs_a_constant_number_of_queries(client, own_customer, django_assert_max_num_queries):
    client.force_login(own_customer.user)

    with django_assert_max_num_queries(12):  # 10, the last request for another manager, the bell
        assert client.get(ME).status_code == 200


@pytest.mark.parametrize(("language", "words"), [("en", "Your service"), ("zh-hans", "您的服务")])
def test_the_customer_sees_their_tier_and_branch_and_their_managers_branch(
    client, own_customer, manager, language, words, django_assert_max_num_queries,
):
    from vocabularies.tests.factories import BranchFactory

    CustomerProfile.objects.filter(pk=own_customer.pk).update(
        total_assets=Decimal("800000"), branch=BranchFactory(code="BJ", name="北京分行", region="华北"),
    )
    manager.branch = BranchFactory(code="SH", name="上海分行", region="华东")
    manager.save(update_fields=["branch"])
    client.force_login(own_customer.user)
    client.cookies["django_language"] = language

    with django_assert_max_num_queries(12):
        html = client.get(ME).content.decode()

    assert words in html
    tier = html[html.index('data-testid="my-tier"'):]
    assert 'data-tier="vip"' in tier[:400] and ("贵宾客户" if language == "zh-hans" else "VIP") in tier[:400]
    assert "北京分行" in html[html.index('data-testid="my-branch"'):][:200]
    assert "上海分行" in html[html.index('data-testid="manager-branch"'):][:300]


def test_a_customer_without_a_branch_is_told_any_branch_serves_them(client, own_customer):
    client.force_login(own_customer.user)
    html = client.get(ME).content.decode()
    assert "Any branch" in html[html.index('data-testid="my-branch"'):][:200]
    assert 'data-testid="manager-branch"' not in html
