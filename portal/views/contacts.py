"""The contact log in the manager's workspace: record a contact, correct one, the follow-ups due at home.

The customer page and the home call `contact_log_context` and `follow_ups_context`; the writes go
through `contacts.services`, which check that the manager is the customer's current one.
"""
from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.access import (
    access_required, can_edit_contact, can_log_contact, can_use_workspace, managers_visible_to,
)
from contacts.models import Contact
from contacts.selectors import contact_list, follow_ups_due
from contacts.services import contact_create, contact_update
from customers.models import CustomerProfile
from managers.models import ManagerProfile
from managers.selectors import manager_profile_get

from ..contact_forms import ContactForm
from ..forms import add_service_errors


def contact_log_context(request, customer: CustomerProfile) -> dict:
    """The customer page's log (newest first) and, for their current manager, the form to record one:
    one query for the log."""
    return {
        "contacts": list(contact_list(customer=customer)),
        "contact_form": ContactForm() if can_log_contact(request.user, customer) else None,
    }


def follow_ups_context(manager: ManagerProfile) -> dict:
    """The workspace home's follow-ups due today and overdue (one query)."""
    today = timezone.localdate()
    return {"follow_ups": list(follow_ups_due(manager=manager, today=today)), "today": today}


def _customer(request, pk: int) -> CustomerProfile:
    """One of the manager's customers; anyone else's is a 404, as on the customer page."""
    customer = CustomerProfile.objects.select_related("user", "manager__user").filter(pk=pk).first()
    if customer is None or not can_log_contact(request.user, customer):
        raise Http404
    return customer


def _manager(request) -> ManagerProfile:
    own = managers_visible_to(request.user, ManagerProfile.objects.all())
    manager = manager_profile_get(queryset=own, user=request.user)
    if manager is None:
        raise Http404(_("You have no manager profile yet; an administrator creates it."))
    return manager


def _log_url(customer: CustomerProfile) -> str:
    return reverse("portal:workspace_customer", args=[customer.pk]) + "#contacts"


@access_required(can_use_workspace)
@require_http_methods(["GET", "POST"])
def workspace_contact_create(request, pk: int):
    """Record a contact with one of the manager's customers (the form sits on the customer page too)."""
    customer = _customer(request, pk)
    form = ContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            contact_create(customer=customer, manager=_manager(request), actor=request.user, **form.values())
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied:
            raise Http404 from None
        else:
            messages.success(request, _("The contact has been recorded."))
            return redirect(_log_url(customer))
    return render(request, "portal/workspace/contact_form.html", {"customer": customer, "form": form, "contact": None})


@access_required(can_use_workspace)
@require_http_methods(["GET", "POST"])
def workspace_contact_edit(request, pk: int, contact_pk: int):
    """Correct a contact the manager recorded with one of their customers."""
    customer = _customer(request, pk)
    contact = get_object_or_404(Contact.objects.select_related("manager__user"), pk=contact_pk, customer=customer)
    contact.customer = customer
    if not can_edit_contact(request.user, contact):
        raise PermissionDenied
    initial = {
        "contacted_at": timezone.localtime(contact.contacted_at), "channel": contact.channel,
        "summary": contact.summary, "next_follow_up": contact.next_follow_up,
    }
    form = ContactForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        values = form.values()
        if values["contacted_at"] == initial["contacted_at"].replace(second=0, microsecond=0):
            values["contacted_at"] = contact.contacted_at  # the form shows minutes: an untouched time keeps its seconds
        try:
            contact_update(contact=contact, actor=request.user, **values)
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied:
            raise Http404 from None
        else:
            messages.success(request, _("The contact has been saved."))
            return redirect(_log_url(customer))
    return render(
        request, "portal/workspace/contact_form.html", {"customer": customer, "form": form, "contact": contact},
    )
