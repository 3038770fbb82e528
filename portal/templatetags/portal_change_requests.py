"""Change requests where the portal shows a customer: the customer's own panel on /me/ (their open request
or the last decision, and the form) and the notice a manager sees on a customer of their book (the reason
category only). Each checks `accounts.access` itself and costs one query."""
from __future__ import annotations

from django import template

from accounts.access import can_see_change_request_notice, can_view_change_request, is_customer
from change_requests.selectors import change_request_latest, change_request_open_for

from ..change_request_forms import ChangeRequestForm

register = template.Library()


@register.inclusion_tag("portal/_change_request_panel.html", takes_context=True)
def change_request_panel(context, customer):
    user = context["request"].user
    latest = change_request_latest(customer=customer) if is_customer(user) and customer.user_id == user.pk else None
    if latest is not None and not can_view_change_request(user, latest):
        latest = None
    return {
        "latest": latest,
        "customer": customer,
        "form": ChangeRequestForm() if customer.manager_id is not None and not (latest and latest.is_open) else None,
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("portal/workspace/_change_request_notice.html", takes_context=True)
def change_request_notice(context, customer):
    user = context["request"].user
    open_request = change_request_open_for(customer=customer) if can_see_change_request_notice(user, customer) else None
    return {"open_request": open_request}
