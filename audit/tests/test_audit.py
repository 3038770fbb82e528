"""The audit log: one way to write it, nobody changes or deletes it, the client IP comes from the request."""
import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from django.test import RequestFactory, override_settings

from audit.context import AuditContextMiddleware, client_ip
from audit.models import AppendOnly, AuditEvent
from audit.services import audit_record, field_changes

pytestmark = pytest.mark.django_db


def test_audit_record_names_actor_target_and_changes(customer, superuser):
    event = audit_record(
        actor=superuser, action="customer.portrait_updated", target=customer,
        changes={"age": (40, 41), "needs": (["基金"], ["基金", "保险"])},
    )

    event.refresh_from_db()
    assert (event.actor, event.actor_username, event.action) == (superuser, "root", "customer.portrait_updated")
    assert (event.target_type, event.target_id) == ("customers.customerprofile", str(customer.pk))
    assert event.changes == {"age": [40, 41], "needs": [["基金"], ["保险", "基金"]]}
    assert event.ip_address is None  # outside a request


def test_the_system_is_an_empty_actor():
    event = audit_record(actor=None, action="matching.run", target_type="matching.matchingrun", target_id=3)

    assert event.actor is None and event.actor_label == "system"


def test_an_anonymous_caller_is_recorded_as_nobody():
    """A refused sign-in or a public endpoint acts as AnonymousUser: no user, no name."""
    event = audit_record(actor=AnonymousUser(), action="accounts.sign_in_failed")

    event.refresh_from_db()
    assert (event.actor, event.actor_username) == (None, "")


def test_an_address_given_by_the_caller_is_kept(superuser):
    """A task or command passes the address of the request that asked for the work (no request now)."""
    event = audit_record(actor=superuser, action="matching.run", ip_address="10.1.2.3")

    event.refresh_from_db()
    assert event.ip_address == "10.1.2.3"


def test_events_cannot_be_changed_or_deleted(superuser):
    event = audit_record(actor=superuser, action="x.y")

    event.summary = "rewritten"
    with pytest.raises(AppendOnly):
        event.save()
    with pytest.raises(AppendOnly):
        event.delete()
    with pytest.raises(AppendOnly):
        AuditEvent.objects.filter(pk=event.pk).update(summary="rewritten")
    with pytest.raises(AppendOnly):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get(pk=event.pk).summary == ""


def test_field_changes_keeps_only_what_changed():
    assert field_changes({"age": 40, "occupation": "教师"}, {"age": 41, "occupation": "教师"}) == {"age": (40, 41)}


def _served_with(request) -> AuditEvent:
    def view(_request):
        audit_record(actor=None, action="test.request")
        return HttpResponse()

    AuditContextMiddleware(view)(request)
    return AuditEvent.objects.get(action="test.request")


def test_the_request_ip_is_recorded():
    request = RequestFactory().get("/", REMOTE_ADDR="10.1.2.3", HTTP_X_FORWARDED_FOR="6.6.6.6")

    assert _served_with(request).ip_address == "10.1.2.3"  # no trusted proxy: the header is ignored


@override_settings(PORTRAIT_TRUSTED_PROXIES=1)
def test_behind_a_trusted_proxy_the_forwarded_address_counts_from_the_right():
    forged_then_real = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9")

    assert client_ip(forged_then_real) == "203.0.113.9"
