"""Writes on requests for another manager: a customer opens one, an admin approves or declines it.

Each service checks who acts (`accounts.access`), locks what it changes, validates through the model,
audits, and announces the change once committed (`change_requests.signals`), so notifications subscribe
without any service calling them.
"""
from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.access import can_decide_change_requests, can_request_manager_change
from accounts.models import User
from audit.services import audit_record
from core.errors import Conflict
from customers.models import CustomerProfile
from managers.models import ManagerProfile
from matching.events import ChangeCause
from matching.services import customer_assign

from .models import ChangeRequest, RequestStatus
from .signals import change_request_approved, change_request_declined, change_request_opened


def _announce(signal, change_request: ChangeRequest, actor: User | None) -> None:
    transaction.on_commit(
        lambda: signal.send(sender=ChangeRequest, change_request=change_request, actor=actor), robust=True
    )


def _open_request(change_request: ChangeRequest) -> ChangeRequest:
    """The request as stored now, locked until the transaction ends; refused unless still open."""
    change_request = (
        ChangeRequest.objects.select_for_update()
        .select_related("customer__user", "customer__manager__user", "manager__user")
        .get(pk=change_request.pk)
    )
    if change_request.status != RequestStatus.OPEN:
        raise Conflict(
            _("This request was already %(status)s.") % {"status": change_request.get_status_display()},
            code="decided",
        )
    return change_request


@transaction.atomic
def change_request_open(*, customer: CustomerProfile, actor: User, reason: str, text: str) -> ChangeRequest:
    """The customer asks for another manager: only for themselves, only with a manager, one open at a time.

    The customer's row is locked first, so two requests sent at once are checked one after the other on
    every backend (the `open_for` unique column refuses a second open one as well)."""
    customer = CustomerProfile.objects.select_for_update().select_related("user", "manager__user").get(pk=customer.pk)
    if not can_request_manager_change(actor) or customer.user_id != actor.pk:
        raise PermissionDenied(_("Only the customer asks for another manager."))
    if customer.manager_id is None:
        raise ValidationError(_("You have no manager yet: one will be assigned to you."), code="no_manager")
    if ChangeRequest.objects.filter(customer=customer, status=RequestStatus.OPEN).exists():
        raise Conflict(_("You already have an open request: wait for its answer."), code="already_open")
    change_request = ChangeRequest(customer=customer, manager=customer.manager, reason=reason, text=text.strip())
    change_request.full_clean(exclude=["open_for"])
    change_request.save()
    audit_record(
        actor=actor, action="change_request.opened", target=change_request, summary=str(customer.user),
        data={"customer": customer.user.username, "manager": customer.manager.user.username, "reason": reason},
    )
    _announce(change_request_opened, change_request, actor)
    return change_request


@transaction.atomic
def change_request_approve(
    *, change_request: ChangeRequest, manager: ManagerProfile, actor: User, reply: str = ""
) -> ChangeRequest:
    """Move the customer to `manager` and close the request as approved.

    The move is `matching.services.customer_assign`, the console's manual assignment: it takes the run
    lock, checks the manager is active, accepting and has room (`CapacityExceeded`, a 409, otherwise),
    locks the customer against automatic runs and records the assignment and its audit event."""
    if not can_decide_change_requests(actor):
        raise PermissionDenied(_("Only an administrator decides on requests for another manager."))
    change_request = _open_request(change_request)
    customer = change_request.customer
    if manager.pk == customer.manager_id:
        raise ValidationError({"manager": _("Choose a manager other than the current one.")}, code="same_manager")
    previous = customer.manager
    customer_assign(
        customer=customer, manager=manager, actor=actor, cause=ChangeCause.CHANGE_REQUEST,
        note=_("Request #%(id)d for another manager") % {"id": change_request.pk},
    )
    change_request.status = RequestStatus.APPROVED
    change_request.new_manager = manager
    change_request.reply = reply.strip()
    change_request.decided_by = actor
    change_request.decided_at = timezone.now()
    change_request.full_clean(exclude=["open_for"])
    change_request.save()
    change_request.refresh_from_db(fields=["open_for"])
    audit_record(
        actor=actor, action="change_request.approved", target=change_request, summary=str(customer.user),
        changes={"status": (RequestStatus.OPEN, RequestStatus.APPROVED)},
        data={
            "customer": customer.user.username,
            "previous_manager": previous.user.username if previous else None,
            "new_manager": manager.user.username,
        },
    )
    _announce(change_request_approved, change_request, actor)
    return change_request


@transaction.atomic
def change_request_decline(*, change_request: ChangeRequest, reply: str, actor: User) -> ChangeRequest:
    """Close the request as declined; the reply, which the customer reads, is required."""
    if not can_decide_change_requests(actor):
        raise PermissionDenied(_("Only an administrator decides on requests for another manager."))
    change_request = _open_request(change_request)
    if not reply.strip():
        raise ValidationError({"reply": _("Tell the customer why.")}, code="required")
    change_request.status = RequestStatus.DECLINED
    change_request.reply = reply.strip()
    change_request.decided_by = actor
    change_request.decided_at = timezone.now()
    change_request.full_clean(exclude=["open_for"])
    change_request.save()
    change_request.refresh_from_db(fields=["open_for"])
    audit_record(
        actor=actor, action="change_request.declined", target=change_request,
        summary=str(change_request.customer.user),
        changes={"status": (RequestStatus.OPEN, RequestStatus.DECLINED)},
        data={"customer": change_request.customer.user.username},
    )
    _announce(change_request_declined, change_request, actor)
    return change_request
