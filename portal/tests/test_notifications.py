"""The inbox, for every role: newest first, a page at a time, each line leading to what it is about, marking
read one or all, the e-mail settings; and the bell with the unread count on every surface."""
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from customers.tests.factories import CustomerFactory
from matching.models import MatchingRun
from notifications.models import Audience, Notification, NotificationSettings
from notifications.tests.factories import NotificationFactory

pytestmark = pytest.mark.django_db

INBOX = reverse("portal:notifications")


def _signed_in(client, user):
    client.force_login(user)
    return client


def test_a_customer_reads_newest_first_and_each_leads_to_their_page(client, own_customer, manager):
    older = NotificationFactory(customer=own_customer, created_at=timezone.now() - timedelta(days=2))
    newer = NotificationFactory(customer=own_customer)

    response = _signed_in(client, own_customer.user).get(INBOX)

    assert list(response.context["page"]) == [newer, older]
    html = response.content.decode()
    assert f"Your relationship manager is now {manager.user.display_name}." in html
    assert f'href="{reverse("portal:me")}"' in html


def test_a_manager_opens_a_customer_who_joined_and_their_book_for_one_who_left(
    client, own_customer, manager, other_manager,
):
    joined = NotificationFactory(customer=own_customer, recipient=manager.user, audience=Audience.NEW_MANAGER)
    left = CustomerFactory(manager=other_manager, user__name="离开的客户")
    NotificationFactory(customer=left, recipient=manager.user, audience=Audience.PREVIOUS_MANAGER,
                        previous_manager=manager, new_manager=other_manager)

    html = _signed_in(client, manager.user).get(INBOX).content.decode()

    assert f'href="{reverse("portal:workspace_customer", args=[joined.customer.pk])}"' in html
    assert f"{own_customer.user.display_name} joined your book." in html
    assert f"离开的客户 left your book for {other_manager.user.display_name}." in html
    assert f'href="{reverse("portal:workspace")}"' in html
    assert f'href="{reverse("portal:workspace_customer", args=[left.pk])}"' not in html


def test_a_managers_summary_counts_the_customers_and_leads_to_them(client, manager, other_manager, console_admin):
    """A manager told of many customers at once reads how many: those who joined by a run are their book
    filtered by that run; an admin's summary leads to the run."""
    run = MatchingRun.objects.create()
    NotificationFactory(customer=None, customers=250, recipient=manager.user, audience=Audience.NEW_MANAGER,
                        new_manager=manager, run=run)
    NotificationFactory(customer=None, customers=12_000, recipient=manager.user, audience=Audience.PREVIOUS_MANAGER,
                        previous_manager=manager, new_manager=None, run=run)

    html = _signed_in(client, manager.user).get(INBOX).content.decode()

    assert "250 customers joined your book." in html and "12000 customers left your book." in html
    assert f'href="{reverse("portal:workspace")}?run={run.pk}"' in html
    assert f'href="{reverse("portal:workspace")}"' in html
    chinese = client.get(INBOX, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "250 名客户已划入您名下。" in chinese

    NotificationFactory(customer=None, customers=30, recipient=console_admin, audience=Audience.NEW_MANAGER,
                        new_manager=manager, run=run)
    html = _signed_in(client, console_admin).get(INBOX).content.decode()
    assert "30 customers joined your book." in html
    assert f'href="{reverse("console:run", args=[run.pk])}"' in html


def test_mark_one_then_all_read_and_the_bell_follows(client, own_customer):
    first, *rest = NotificationFactory.create_batch(3, customer=own_customer)
    client = _signed_in(client, own_customer.user)
    assert 'data-testid="unread-count">3<' in client.get(reverse("portal:me")).content.decode()

    client.post(reverse("portal:notification_read", args=[first.pk]))
    assert 'data-testid="unread-count">2<' in client.get(INBOX).content.decode()

    response = client.post(reverse("portal:notifications_read"), follow=True)
    assert 'data-testid="unread-count"' not in response.content.decode()
    assert not Notification.objects.filter(read_at__isnull=True).exists()


def test_nobody_marks_another_ones_notification_read(client, own_customer, other_customer):
    theirs = NotificationFactory(customer=other_customer)

    response = _signed_in(client, own_customer.user).post(reverse("portal:notification_read", args=[theirs.pk]))

    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


@pytest.mark.parametrize("page_name", ["portal:me", "portal:workspace", "console:dashboard", "portal:password_change"])
def test_the_bell_counts_the_unread_on_every_surface(client, page_name, own_customer, manager, console_admin):
    user = {"portal:me": own_customer.user, "portal:workspace": manager.user,
            "console:dashboard": console_admin}.get(page_name, own_customer.user)
    NotificationFactory.create_batch(2, customer=own_customer, recipient=user)

    html = _signed_in(client, user).get(reverse(page_name)).content.decode()

    assert f'href="{INBOX}" data-testid="notification-bell"' in html
    assert 'data-testid="unread-count">2<' in html


def test_the_bell_says_99_plus_beyond_99(client, own_customer):
    NotificationFactory.create_batch(100, customer=own_customer)

    html = _signed_in(client, own_customer.user).get(INBOX).content.decode()

    assert 'data-testid="unread-count">99+<' in html


@pytest.mark.parametrize("size", [3, 45])
def test_the_inbox_costs_the_same_queries_whatever_its_length(
    client, own_customer, size, django_assert_max_num_queries,
):
    NotificationFactory.create_batch(size, customer=own_customer)
    client = _signed_in(client, own_customer.user)

    with django_assert_max_num_queries(6):  # session, user, settings, count, page, the bell
        response = client.get(INBOX)

    assert len(response.context["page"]) == min(size, 20)


def test_turning_e_mail_off_is_kept(client, own_customer):
    client = _signed_in(client, own_customer.user)
    assert client.get(INBOX).context["form"].initial == {"email_enabled": True, "language": "en"}

    response = client.post(INBOX, {"language": "zh-hans"}, follow=True)

    assert response.redirect_chain == [(INBOX, 302)]
    wishes = NotificationSettings.objects.get(user=own_customer.user)
    assert (wishes.email_enabled, wishes.language) == (False, "zh-hans")
    assert response.context["form"].initial == {"email_enabled": False, "language": "zh-hans"}
