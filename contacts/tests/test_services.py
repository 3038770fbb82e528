"""Recording and correcting contacts: only the customer's current manager, always audited, and the log
stays with the customer when they change manager."""
import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from audit.models import AuditEvent
from contacts.models import Channel, Contact
from contacts.selectors import contact_list
from contacts.services import contact_create, contact_update
from matching.services import customers_assign

from .factories import ContactFactory

pytestmark = pytest.mark.django_db


def _record(customer, manager, actor=None, **values):
    values = {
        "contacted_at": timezone.now() - datetime.timedelta(minutes=5), "channel": Channel.WECHAT,
        "summary": "确认了基金定投计划", **values,
    }
    return contact_create(customer=customer, manager=manager, actor=actor or manager.user, **values)


def test_the_current_manager_records_a_contact_and_it_is_audited(rm, client_of_rm):
    follow_up = timezone.localdate() + datetime.timedelta(days=7)

    contact = _record(client_of_rm, rm, next_follow_up=follow_up)

    assert contact.customer == client_of_rm and contact.manager == rm
    event = AuditEvent.objects.get(action="contact.recorded")
    assert event.actor == rm.user and event.target_id == str(contact.pk)
    assert event.changes["summary"] == [None, "确认了基金定投计划"]
    assert event.changes["next_follow_up"] == [None, follow_up.isoformat()]


def test_another_manager_cannot_record_a_contact_with_someone_elses_customer(rm, other_rm, client_of_rm):
    with pytest.raises(PermissionDenied):
        _record(client_of_rm, other_rm)
    with pytest.raises(PermissionDenied):  # nor in the name of the customer's manager
        _record(client_of_rm, rm, actor=other_rm.user)

    assert not Contact.objects.exists() and not AuditEvent.objects.filter(action="contact.recorded").exists()


def test_an_admin_or_the_customer_cannot_record_a_contact(rm, client_of_rm, bank_admin):
    for actor in (bank_admin, client_of_rm.user):
        with pytest.raises(PermissionDenied):
            _record(client_of_rm, rm, actor=actor)
    assert not Contact.objects.exists()


def test_a_customer_without_a_manager_has_nobody_to_record_contacts(rm, client_of_rm):
    client_of_rm.manager = None
    client_of_rm.save()

    with pytest.raises(PermissionDenied):
        _record(client_of_rm, rm)


def test_the_model_rules_refuse_a_bad_contact(rm, client_of_rm):
    now = timezone.now()
    with pytest.raises(ValidationError) as future:
        _record(client_of_rm, rm, contacted_at=now + datetime.timedelta(hours=2))
    with pytest.raises(ValidationError) as before:
        _record(client_of_rm, rm, contacted_at=now - datetime.timedelta(days=3),
                next_follow_up=timezone.localdate() - datetime.timedelta(days=5))
    with pytest.raises(ValidationError) as control:
        _record(client_of_rm, rm, summary="打了电话\x07")
    with pytest.raises(ValidationError) as channel:
        _record(client_of_rm, rm, channel="fax")
    with pytest.raises(ValidationError) as blank:
        _record(client_of_rm, rm, summary="")

    assert "contacted_at" in future.value.message_dict
    assert "next_follow_up" in before.value.message_dict
    assert "summary" in control.value.message_dict and "summary" in blank.value.message_dict
    assert "channel" in channel.value.message_dict
    assert not Contact.objects.exists()


def test_a_summary_keeps_its_lines_under_the_free_text_rule(rm, client_of_rm):
    contact = _record(client_of_rm, rm, summary="  第一点\n第二点\r\n第三点 ")
    contact.refresh_from_db()
    assert contact.summary == "第一点\n第二点\n第三点"  # line feeds only, stripped (core.text)

    for refused in ("制表\t符", "反转\u202e文字", "段落\u2029分隔"):
        with pytest.raises(ValidationError) as error:
            _record(client_of_rm, rm, summary=refused)
        assert "summary" in error.value.message_dict


def test_the_same_contact_twice_is_refused(rm, client_of_rm):
    moment = timezone.now() - datetime.timedelta(hours=1)
    _record(client_of_rm, rm, contacted_at=moment)

    with pytest.raises(ValidationError):
        _record(client_of_rm, rm, contacted_at=moment, summary="again")
    assert Contact.objects.count() == 1


def test_the_manager_corrects_their_contact_and_the_change_is_audited(rm, client_of_rm):
    contact = ContactFactory(customer=client_of_rm, summary="初次沟通")
    follow_up = timezone.localdate() + datetime.timedelta(days=3)

    contact_update(contact=contact, actor=rm.user, contacted_at=contact.contacted_at, channel=Channel.VISIT,
                   summary="初次沟通，上门拜访", next_follow_up=follow_up)

    contact.refresh_from_db()
    assert (contact.channel, contact.summary) == (Channel.VISIT, "初次沟通，上门拜访")
    assert contact.next_follow_up == follow_up
    event = AuditEvent.objects.get(action="contact.updated")
    assert event.actor == rm.user
    assert event.changes == {
        "channel": ["phone", "visit"], "summary": ["初次沟通", "初次沟通，上门拜访"],
        "next_follow_up": [None, follow_up.isoformat()],
    }


def test_an_unchanged_correction_writes_nothing(rm, client_of_rm):
    contact = ContactFactory(customer=client_of_rm)

    contact_update(contact=contact, actor=rm.user, contacted_at=contact.contacted_at, channel=contact.channel,
                   summary=contact.summary, next_follow_up=None)

    assert not AuditEvent.objects.filter(action="contact.updated").exists()


def test_nobody_else_corrects_a_contact(rm, other_rm, client_of_rm, bank_admin):
    contact = ContactFactory(customer=client_of_rm, summary="原文")
    for actor in (other_rm.user, bank_admin, client_of_rm.user):
        with pytest.raises(PermissionDenied):
            contact_update(contact=contact, actor=actor, contacted_at=contact.contacted_at, channel=contact.channel,
                           summary="改过", next_follow_up=None)
    contact.refresh_from_db()
    assert contact.summary == "原文"


def test_the_log_follows_the_customer_to_a_new_manager(rm, other_rm, client_of_rm, bank_admin):
    first = ContactFactory(customer=client_of_rm, summary="王芳记录的")

    customers_assign(customer_ids=[client_of_rm.pk], manager=other_rm, actor=bank_admin, note="调整")
    client_of_rm.refresh_from_db()

    assert list(contact_list(customer=client_of_rm)) == [first]
    assert first.manager == rm  # who recorded it stays
    with pytest.raises(PermissionDenied):  # the former manager no longer writes
        _record(client_of_rm, rm)
    later = _record(client_of_rm, other_rm)
    assert list(contact_list(customer=client_of_rm)) == [later, first]
    with pytest.raises(PermissionDenied):  # the new manager leaves their predecessor's entries as written
        contact_update(contact=first, actor=other_rm.user, contacted_at=first.contacted_at, channel=first.channel,
                       summary="改写", next_follow_up=None)
