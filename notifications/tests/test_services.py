"""Whoever changes a customer's manager, the customer and both managers are told, once the change is
committed: in the application (in bulk, a constant number of queries) and by mail (one per customer, one
digest per manager per write), never for a preview, never to someone who turned e-mail off."""
from __future__ import annotations

import smtplib
from unittest import mock

import pytest
from django.core import mail
from django.utils import timezone

from change_requests.services import change_request_approve
from change_requests.tests.factories import ChangeRequestFactory
from customers.tests.factories import CustomerFactory
from matching.events import ChangeCause
from matching.models import Assignment, MatchingRun, Reason
from matching.services import customer_assign, manager_book_transfer, run_automatic, run_undo
from matching.services.previews import preview_apply, preview_create
from notifications import services as notification_services
from notifications.models import Audience, Notification, NotificationSettings
from notifications.services import (
    notification_mark_read,
    notification_settings_update,
    notifications_mark_all_read,
    notifications_record,
)
from notifications.tests.factories import NotificationFactory

pytestmark = pytest.mark.django_db


def _written(moves) -> MatchingRun:
    """A run whose history holds `moves` (customer, previous manager, new manager), as a write leaves it."""
    run = MatchingRun.objects.create()
    Assignment.objects.bulk_create(
        Assignment(run=run, customer_id=customer_id, previous_manager_id=previous_id, new_manager_id=new_id,
                   reason=Reason.BEST)
        for customer_id, previous_id, new_id in moves
    )
    return run


def told(customer) -> set[tuple[str, str, str]]:
    """(recipient, audience, cause) of every notification about `customer`."""
    return set(
        Notification.objects.filter(customer=customer).values_list("recipient__username", "audience", "kind")
    )


def _rebalance(admin):
    return run_automatic(rebalance=True, actor=admin).run


def _apply_plan(admin):
    return preview_apply(preview=preview_create(rebalance=True, actor=admin), actor=admin)


def _assign(admin, moving, manager_b):
    customer_assign(customer=moving, manager=manager_b, actor=admin, note="asked at the branch")


def _move_book(admin, manager_a):
    manager_book_transfer(manager=manager_a, actor=admin)


def _approve(admin, moving, manager_b):
    change_request_approve(change_request=ChangeRequestFactory(customer=moving), manager=manager_b, actor=admin)


@pytest.mark.parametrize(("cause", "change"), [
    (ChangeCause.AUTOMATIC_RUN, lambda admin, moving, a, b: _rebalance(admin)),
    (ChangeCause.PLAN_APPLIED, lambda admin, moving, a, b: _apply_plan(admin)),
    (ChangeCause.MANUAL, lambda admin, moving, a, b: _assign(admin, moving, b)),
    (ChangeCause.BOOK_MOVE, lambda admin, moving, a, b: _move_book(admin, a)),
    (ChangeCause.CHANGE_REQUEST, lambda admin, moving, a, b: _approve(admin, moving, b)),
])
def test_each_cause_tells_the_customer_and_both_managers(
    admin, moving, manager_a, manager_b, cause, change, django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        change(admin, moving, manager_a, manager_b)

    assert told(moving) == {
        (moving.user.username, Audience.CUSTOMER, cause),
        (manager_b.user.username, Audience.NEW_MANAGER, cause),
        (manager_a.user.username, Audience.PREVIOUS_MANAGER, cause),
    }


def test_undo_tells_them_again_the_other_way(admin, moving, manager_a, manager_b, django_capture_on_commit_callbacks):
    run = _rebalance(admin)
    with django_capture_on_commit_callbacks(execute=True):
        undo = run_undo(run=run, actor=admin)

    notifications = Notification.objects.filter(run=undo)
    assert {(n.recipient.username, n.audience) for n in notifications} == {
        (moving.user.username, Audience.CUSTOMER),
        (manager_a.user.username, Audience.NEW_MANAGER),
        (manager_b.user.username, Audience.PREVIOUS_MANAGER),
    }
    assert {n.kind for n in notifications} == {ChangeCause.UNDO}


def test_nothing_is_told_before_the_write_commits_nor_for_a_preview(
    admin, moving, django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        preview_create(rebalance=True, actor=admin)
    _rebalance(admin)  # its transaction never commits here: nothing is told

    assert not Notification.objects.exists()
    assert mail.outbox == []


@pytest.fixture
def crowd(services, hobbies, manager_a):
    """Forty customers of `manager_a`, all fitting `manager_b` better."""
    return CustomerFactory.create_batch(40, needs=services[:2], hobbies=hobbies[1:3], manager=manager_a)


@pytest.mark.parametrize("summary_after", [40, 39])
def test_a_run_mails_one_digest_per_manager_and_one_mail_per_customer(
    admin, crowd, manager_a, manager_b, summary_after, monkeypatch, django_capture_on_commit_callbacks,
):
    """Up to `SUMMARY_AFTER` customers a manager's digest names each; beyond it, it counts them."""
    monkeypatch.setattr(notification_services, "SUMMARY_AFTER", summary_after)
    manager_b.capacity = 50
    manager_b.save()
    with django_capture_on_commit_callbacks(execute=True):
        run = _rebalance(admin)

    assert run.customers_moved == 40
    by_address = {}
    for message in mail.outbox:
        by_address.setdefault(message.to[0], []).append(message)
    assert set(by_address) == {manager_a.user.email, manager_b.user.email, *(c.user.email for c in crowd)}
    assert all(len(messages) == 1 for messages in by_address.values())
    digest, left = by_address[manager_b.user.email][0], by_address[manager_a.user.email][0]
    assert "40 customers" in digest.subject and "40 customers" in left.subject
    assert "No longer served by you" in left.body
    if summary_after == 40:
        assert all(c.user.display_name in digest.body for c in crowd)
    else:
        assert "- 40 customers (your book lists them)" in digest.body
        assert "- 40 customers\n" in left.body
        assert not any(c.user.display_name in digest.body + left.body for c in crowd)
    customer_mail = by_address[crowd[0].user.email][0]
    assert customer_mail.subject == "Your relationship manager has changed"
    assert "Your relationship manager is now Bo." in customer_mail.body
    assert Notification.objects.filter(emailed_at__isnull=True).count() == 0


def test_a_manager_given_many_customers_at_once_is_told_once_with_their_count(
    admin, crowd, moving, manager_a, manager_b, monkeypatch, django_capture_on_commit_callbacks,
):
    """Each customer still gets their own notice; a manager beyond `SUMMARY_AFTER` one counting them."""
    monkeypatch.setattr(notification_services, "SUMMARY_AFTER", 30)
    manager_b.capacity = 50
    manager_b.save()
    with django_capture_on_commit_callbacks(execute=True):
        run = _rebalance(admin)

    assert run.customers_moved == 41
    assert Notification.objects.filter(audience=Audience.CUSTOMER).count() == 41
    assert set(
        Notification.objects.exclude(audience=Audience.CUSTOMER).values_list(
            "recipient__username", "audience", "customer", "customers", "previous_manager", "new_manager", "run",
        )
    ) == {
        (manager_b.user.username, Audience.NEW_MANAGER, None, 41, None, manager_b.pk, run.pk),
        (manager_a.user.username, Audience.PREVIOUS_MANAGER, None, 41, manager_a.pk, None, run.pk),
    }
    assert str(Notification.objects.get(recipient=manager_b.user)) == f"{manager_b.user} · × 41 (automatic assignment)"


def test_no_mail_to_whoever_turned_it_off_and_mail_in_each_ones_language(
    admin, moving, manager_a, manager_b, django_capture_on_commit_callbacks,
):
    notification_settings_update(user=manager_a.user, actor=manager_a.user, email_enabled=False, language="")
    notification_settings_update(user=moving.user, actor=moving.user, email_enabled=True, language="zh-hans")
    with django_capture_on_commit_callbacks(execute=True):
        _rebalance(admin)

    assert sorted(message.to[0] for message in mail.outbox) == sorted([moving.user.email, manager_b.user.email])
    chinese = next(message for message in mail.outbox if message.to == [moving.user.email])
    assert chinese.subject == "您的客户经理已变更"
    assert "Bo" in chinese.body
    assert Notification.objects.filter(recipient=manager_a.user).exists()  # told in the application all the same


def test_a_failing_mail_server_is_retried_and_sends_only_what_is_left(moving, manager_a, manager_b, monkeypatch):
    """As a worker runs the task: the second mail fails once, the retry sends it and the third, not the first."""
    from django.core.mail.backends.locmem import EmailBackend

    from notifications import mail as mail_module
    from notifications.tasks import notifications_mail_task

    moves = [(moving.pk, manager_a.pk, manager_b.pk)]
    batch = notifications_record(  # the test's transaction never commits: no mail is queued here
        moves=moves, cause=ChangeCause.MANUAL, run_id=_written(moves).pk, at=timezone.now(),
    )
    monkeypatch.setattr(mail_module, "SEND_CHUNK", 1)
    real, calls = EmailBackend.send_messages, iter(range(100))

    def flaky(self, messages):
        if next(calls) == 1:
            raise smtplib.SMTPServerDisconnected("gone")
        return real(self, messages)

    with mock.patch.object(EmailBackend, "send_messages", flaky):
        notifications_mail_task.apply(args=[str(batch)], throw=False)

    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        [moving.user.email, manager_a.user.email, manager_b.user.email]
    )
    assert not Notification.objects.filter(emailed_at__isnull=True).exists()


def test_recording_a_run_of_any_size_costs_the_same_queries(
    manager_a, manager_b, services, hobbies, django_assert_num_queries,
):
    def moves(n):
        customers = CustomerFactory.create_batch(n, needs=services[:1], manager=manager_a)
        return [(customer.pk, manager_a.pk, manager_b.pk) for customer in customers]

    few, many = moves(3), moves(60)
    few_run, many_run = _written(few), _written(many)
    with django_assert_num_queries(5):  # customers' insert, managers' users, their insert, savepoint and release
        notifications_record(moves=few, cause=ChangeCause.AUTOMATIC_RUN, run_id=few_run.pk, at=timezone.now())
    with django_assert_num_queries(5):
        notifications_record(moves=many, cause=ChangeCause.AUTOMATIC_RUN, run_id=many_run.pk, at=timezone.now())
    # every customer, and each manager named 3 customers, then counting the 60 (`SUMMARY_AFTER` is 20)
    assert Notification.objects.count() == 63 + 2 * 3 + 2


def test_mark_read_one_and_all_only_ones_own(moving, manager_b):
    mine = NotificationFactory.create_batch(3, customer=moving)
    theirs = NotificationFactory(customer=moving, recipient=manager_b.user, audience=Audience.NEW_MANAGER)

    notification_mark_read(notification=mine[0], user=moving.user)
    with pytest.raises(Notification.DoesNotExist):
        notification_mark_read(notification=theirs, user=moving.user)
    assert Notification.objects.filter(read_at__isnull=True).count() == 3
    assert notifications_mark_all_read(user=moving.user) == 2
    assert list(Notification.objects.filter(read_at__isnull=True)) == [theirs]


def test_settings_are_kept_and_audited(moving):
    notification_settings_update(user=moving.user, actor=moving.user, email_enabled=False, language="en")

    wishes = NotificationSettings.objects.get(user=moving.user)
    assert (wishes.email_enabled, wishes.mail_language) == (False, "en")
    from audit.models import AuditEvent

    assert AuditEvent.objects.filter(action="notifications.settings_changed").count() == 1
