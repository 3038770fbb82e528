"""The contact log on the pages: the manager records and corrects contacts on their customer's page, their
home lists the follow-ups due, admins read the log on the console; customers and other managers are refused."""
import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from audit.models import AuditEvent
from contacts.models import Channel, Contact
from customers.tests.factories import CustomerFactory

from .factories import ContactFactory

pytestmark = pytest.mark.django_db

WORKSPACE = reverse("portal:workspace")


def _page(customer):
    return reverse("portal:workspace_customer", args=[customer.pk])


def _record_url(customer):
    return reverse("portal:workspace_contact_create", args=[customer.pk])


def _form(**values):
    moment = timezone.localtime() - datetime.timedelta(hours=2)
    return {
        "contacted_at": moment.strftime("%Y-%m-%dT%H:%M"), "channel": Channel.VISIT,
        "summary": "上门拜访，介绍了保险产品",
        "next_follow_up": (timezone.localdate() + datetime.timedelta(days=3)).isoformat(), **values,
    }


def test_the_customer_page_shows_the_form_and_the_log(signed_in, rm, client_of_rm):
    ContactFactory(customer=client_of_rm, summary="电话沟通了定投", channel=Channel.WECHAT)

    response = signed_in(rm.user).get(_page(client_of_rm))

    html = response.content.decode()
    assert 'data-testid="contact-form"' in html and 'data-testid="contact-log"' in html
    assert "电话沟通了定投" in html and "WeChat" in html


def test_the_manager_records_a_contact_from_the_customer_page(signed_in, rm, client_of_rm):
    client = signed_in(rm.user)

    response = client.post(_record_url(client_of_rm), _form())

    assert response.status_code == 302 and response["Location"] == _page(client_of_rm) + "#contacts"
    contact = Contact.objects.get()
    assert (contact.customer, contact.manager, contact.channel) == (client_of_rm, rm, Channel.VISIT)
    assert contact.next_follow_up == timezone.localdate() + datetime.timedelta(days=3)
    assert AuditEvent.objects.filter(action="contact.recorded", actor=rm.user).count() == 1
    assert "上门拜访，介绍了保险产品" in client.get(_page(client_of_rm)).content.decode()


def test_a_bad_contact_is_shown_with_its_errors_and_nothing_is_written(signed_in, rm, client_of_rm):
    future = (timezone.localtime() + datetime.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")

    client = signed_in(rm.user)

    in_the_future = client.post(_record_url(client_of_rm), _form(contacted_at=future))  # the model's rule
    blank = client.post(_record_url(client_of_rm), _form(summary=" "))  # the form's

    assert in_the_future.status_code == blank.status_code == 200
    assert set(in_the_future.context["form"].errors) == {"contacted_at"}
    assert set(blank.context["form"].errors) == {"summary"}
    assert not Contact.objects.exists()


def test_the_manager_corrects_a_contact(signed_in, rm, client_of_rm):
    contact = ContactFactory(customer=client_of_rm, summary="初稿")
    url = reverse("portal:workspace_contact_edit", args=[client_of_rm.pk, contact.pk])
    client = signed_in(rm.user)
    assert client.get(url).status_code == 200

    moment = timezone.localtime(contact.contacted_at).strftime("%Y-%m-%dT%H:%M")
    response = client.post(url, _form(contacted_at=moment, summary="定稿", next_follow_up=""))

    assert response.status_code == 302
    recorded_at = contact.contacted_at
    contact.refresh_from_db()
    assert (contact.summary, contact.next_follow_up) == ("定稿", None)
    assert contact.contacted_at == recorded_at  # the form shows minutes; an untouched time keeps its seconds
    assert set(AuditEvent.objects.get(action="contact.updated").changes) == {"summary", "channel"}


def test_the_home_lists_follow_ups_due_today_and_overdue_with_links(signed_in, rm, client_of_rm, client_of_other):
    today = timezone.localdate()
    ContactFactory(customer=client_of_rm, contacted_at=timezone.now() - datetime.timedelta(days=9),
                   next_follow_up=today - datetime.timedelta(days=2))
    ContactFactory(customer=client_of_other, next_follow_up=today)  # another manager's

    response = signed_in(rm.user).get(WORKSPACE)

    assert [c.customer for c in response.context["follow_ups"]] == [client_of_rm]
    html = response.content.decode()
    assert f'href="{_page(client_of_rm)}#contacts"' in html and "overdue" in html
    assert client_of_other.user.name not in html


def test_the_home_in_chinese(signed_in, rm, client_of_rm):
    ContactFactory(customer=client_of_rm, next_follow_up=timezone.localdate())

    with translation.override("zh-hans"):
        html = signed_in(rm.user).get(WORKSPACE, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()

    assert "待跟进" in html and "今天" in html


def test_the_home_says_when_nothing_is_due(signed_in, rm, client_of_rm):
    ContactFactory(customer=client_of_rm, next_follow_up=timezone.localdate() + datetime.timedelta(days=1))

    response = signed_in(rm.user).get(WORKSPACE)

    assert response.context["follow_ups"] == [] and "No follow-up due today." in response.content.decode()


def test_an_admin_reads_the_log_on_the_console_without_a_form(signed_in, bank_admin, client_of_rm):
    ContactFactory(customer=client_of_rm, summary="客户想了解外汇业务")

    response = signed_in(bank_admin).get(reverse("console:customer", args=[client_of_rm.pk]))

    html = response.content.decode()
    assert response.status_code == 200 and "客户想了解外汇业务" in html and 'data-testid="contact-log"' in html
    assert "contact-form" not in html and reverse("portal:workspace_contact_create", args=[client_of_rm.pk]) not in html


# who -> status on the record page (GET and POST) and the edit page of a contact by `rm` with `client_of_rm`
REFUSALS = {"customer": 403, "admin": 403, "other_manager": 404}


@pytest.mark.parametrize("who", list(REFUSALS))
def test_customers_admins_and_other_managers_cannot_record_or_edit(signed_in, who, rm, other_rm, client_of_rm,
                                                                   bank_admin):
    contact = ContactFactory(customer=client_of_rm, summary="原文")
    user = {"customer": client_of_rm.user, "admin": bank_admin, "other_manager": other_rm.user}[who]
    client = signed_in(user)
    edit = reverse("portal:workspace_contact_edit", args=[client_of_rm.pk, contact.pk])

    for response in (
        client.get(_record_url(client_of_rm)), client.post(_record_url(client_of_rm), _form()),
        client.get(edit), client.post(edit, _form(summary="改过")),
    ):
        assert response.status_code == REFUSALS[who]
    assert Contact.objects.count() == 1 and Contact.objects.get().summary == "原文"


def test_a_customer_never_sees_their_log(signed_in, client_of_rm):
    ContactFactory(customer=client_of_rm, summary="内部记录：客户风险偏好低")

    client = signed_in(client_of_rm.user)
    assert "内部记录" not in client.get(reverse("portal:me")).content.decode()
    assert client.get(_page(client_of_rm)).status_code == 403


def test_a_former_manager_no_longer_reads_or_writes_the_log(signed_in, rm, other_rm, client_of_rm):
    contact = ContactFactory(customer=client_of_rm)
    client_of_rm.manager = other_rm
    client_of_rm.save()
    client = signed_in(rm.user)

    assert client.get(_page(client_of_rm)).status_code == 404
    assert client.post(_record_url(client_of_rm), _form()).status_code == 404
    edit = reverse("portal:workspace_contact_edit", args=[client_of_rm.pk, contact.pk])
    assert client.get(edit).status_code == 404


def test_the_new_manager_reads_the_log_but_edits_only_their_own_entries(signed_in, rm, other_rm, client_of_rm):
    before = ContactFactory(customer=client_of_rm, summary="前任的记录")
    client_of_rm.manager = other_rm
    client_of_rm.save()
    client = signed_in(other_rm.user)

    html = client.get(_page(client_of_rm)).content.decode()
    assert "前任的记录" in html
    assert reverse("portal:workspace_contact_edit", args=[client_of_rm.pk, before.pk]) not in html
    assert client.get(reverse("portal:workspace_contact_edit", args=[client_of_rm.pk, before.pk])).status_code == 403


@pytest.mark.parametrize("size", [2, 25])
def test_the_customer_page_and_home_cost_the_same_queries_whatever_the_log(
    signed_in, rm, other_rm, client_of_rm, size, django_assert_max_num_queries,
):
    for i in range(size):
        ContactFactory(customer=client_of_rm, manager=other_rm if i % 2 else rm,
                       contacted_at=timezone.now() - datetime.timedelta(days=i + 1))
        ContactFactory(customer=CustomerFactory(manager=rm), next_follow_up=timezone.localdate())
    client = signed_in(rm.user)

    with django_assert_max_num_queries(12):  # with the bell's unread count
        assert len(client.get(_page(client_of_rm)).context["contacts"]) == size
    with django_assert_max_num_queries(16):
        assert len(client.get(WORKSPACE).context["follow_ups"]) == size
