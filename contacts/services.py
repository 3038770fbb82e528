"""Writes on the contact log: a manager records a contact with one of their customers, or corrects one."""
from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.access import can_edit_contact, can_log_contact
from accounts.models import User
from audit.services import audit_record, field_changes
from customers.models import CustomerProfile
from managers.models import ManagerProfile

from .models import Contact

CONTACT_FIELDS = ("contacted_at", "channel", "summary", "next_follow_up")


def _current(customer: CustomerProfile) -> CustomerProfile:
    """The customer as stored now, locked until the transaction ends: a reassignment waits for the write."""
    return CustomerProfile.objects.select_for_update().select_related("manager__user", "user").get(pk=customer.pk)


def _values(contact: Contact) -> dict:
    return {name: getattr(contact, name) for name in CONTACT_FIELDS}


@transaction.atomic
def contact_create(
    *,
    customer: CustomerProfile,
    manager: ManagerProfile,
    actor: User,
    contacted_at: datetime.datetime,
    channel: str,
    summary: str,
    next_follow_up: datetime.date | None = None,
) -> Contact:
    """Record a contact by `manager` with `customer`: only the customer's current manager, acting as
    themselves (`accounts.access.can_log_contact`). Validated by the model; audited as "contact.recorded"."""
    customer = _current(customer)
    if manager.user_id != getattr(actor, "pk", None) or not can_log_contact(actor, customer):
        raise PermissionDenied(_("Only the customer's current manager records contacts with them."))
    contact = Contact(
        customer=customer, manager=manager, contacted_at=contacted_at, channel=channel, summary=summary,
        next_follow_up=next_follow_up,
    )
    contact.full_clean()
    contact.save()
    audit_record(
        actor=actor, action="contact.recorded", target=contact, summary=str(customer.user),
        changes={name: (None, value) for name, value in _values(contact).items()},
        data={"customer": customer.user.username},
    )
    return contact


@transaction.atomic
def contact_update(
    *,
    contact: Contact,
    actor: User,
    contacted_at: datetime.datetime,
    channel: str,
    summary: str,
    next_follow_up: datetime.date | None = None,
) -> Contact:
    """Correct an entry of the log: the customer's current manager, on an entry they recorded
    (`accounts.access.can_edit_contact`). Audited as "contact.updated" with the old and new values;
    an unchanged entry is neither saved nor audited."""
    contact = Contact.objects.select_for_update().select_related("manager__user").get(pk=contact.pk)
    contact.customer = _current(contact.customer)
    if not can_edit_contact(actor, contact):
        raise PermissionDenied(_("Only the customer's current manager changes the contacts they recorded."))
    before = _values(contact)
    contact.contacted_at, contact.channel, contact.summary, contact.next_follow_up = (
        contacted_at, channel, summary, next_follow_up
    )
    contact.full_clean()
    changes = field_changes(before, _values(contact))
    if changes:
        contact.save()
        audit_record(
            actor=actor, action="contact.updated", target=contact, summary=str(contact.customer.user),
            changes=changes, data={"customer": contact.customer.user.username},
        )
    return contact


def contacts_insert(*, contacts: list[Contact]) -> list[Contact]:
    """Write checked contacts in bulk (an import: validated whole by its caller, audited by it once)."""
    return Contact.objects.bulk_create(contacts, batch_size=1000)
