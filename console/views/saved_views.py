"""Saved views: a user's named filters of the customer list, saved and deleted beside the filter form."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from customers.services import saved_view_delete as delete_view
from customers.services import saved_view_save

from .common import console_page, refusal


@console_page
@require_POST
def saved_view_create(request):
    query = request.POST.get("query", "")[:2000]
    try:
        view = saved_view_save(owner=request.user, name=request.POST.get("name", "")[:80], query=query)
    except ValidationError as exc:
        refusal(request, exc)
        return redirect(reverse("console:customers") + (f"?{query}" if query else ""))
    messages.success(request, _("Saved as “%(name)s”.") % {"name": view.name})
    return redirect(reverse("console:customers") + (f"?{view.query}" if view.query else ""))


@console_page
@require_POST
def saved_view_delete(request, pk: int):
    if delete_view(owner=request.user, view_id=pk):
        messages.success(request, _("The saved view is deleted."))
    return redirect("console:customers")
