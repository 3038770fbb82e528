"""The customer's own page: their portrait (editable), their fit, their manager (how to reach them), why that
manager and what would change it. Internal groupings (segments) are the bank's and stay off this page."""
from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.access import access_required, can_use_portrait_page, customers_visible_to, managers_visible_to
from customers.models import CustomerProfile
from customers.selectors import customer_portrait_get
from customers.services import customer_portrait_save
from managers.models import ManagerProfile
from managers.selectors import manager_profile_get

from ..forms import PortraitForm, add_service_errors
from ..selectors import match_explanation


@access_required(can_use_portrait_page)
@require_http_methods(["GET", "POST"])
def me(request):
    """GET shows the portrait; POST saves it through `customer_portrait_save` and shows the page again,
    re-read, so the class computed when the save committed is the one shown."""
    own = customers_visible_to(request.user, CustomerProfile.objects.all())
    customer = customer_portrait_get(queryset=own, user=request.user)
    form = PortraitForm(request.POST or None, customer=customer)
    if request.method == "POST" and form.is_valid():
        try:
            customer_portrait_save(user=request.user, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Your portrait has been saved."))
            return redirect("portal:me")

    manager = explanation = None
    if customer is not None and customer.manager_id is not None:
        managers = managers_visible_to(request.user, ManagerProfile.objects.all())
        manager = manager_profile_get(queryset=managers, pk=customer.manager_id)
        explanation = match_explanation(customer=customer, manager=manager)
    return render(request, "portal/me.html", {
        "customer": customer,
        "form": form,
        "manager": manager,
        "explanation": explanation,
    })
