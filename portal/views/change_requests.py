"""The customer asks for another manager (the form sits on /me/; errors come back on a page of its own)."""
from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.access import access_required, can_request_manager_change, customers_visible_to
from change_requests.services import change_request_open
from customers.models import CustomerProfile

from ..change_request_forms import ChangeRequestForm
from ..forms import add_service_errors


@access_required(can_request_manager_change)
@require_http_methods(["GET", "POST"])
def change_request_create(request):
    customer = customers_visible_to(request.user, CustomerProfile.objects.select_related("manager__user")).first()
    if customer is None:
        messages.info(request, _("Fill in your portrait first."))
        return redirect("portal:me")
    form = ChangeRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            change_request_open(customer=customer, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Your request is sent: an administrator will answer it."))
            return redirect("portal:me")
    return render(request, "portal/change_request.html", {"form": form, "customer": customer})
