"""Requests for another manager: the queue (filters, newest first) and one request, approved by choosing
among the best candidates with room, or declined with a reply."""
from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.access import can_decide_change_requests, change_requests_visible_to
from change_requests.filters import ChangeRequestFilter
from change_requests.models import ChangeRequest
from change_requests.selectors import change_request_candidates, change_request_list
from change_requests.services import change_request_approve, change_request_decline
from managers.models import ManagerProfile

from ..change_request_forms import ApproveForm, DeclineForm, styled
from .common import allow, console_page, paginate, query_without_page, refusal


def _requests(user):
    return change_request_list(requests=change_requests_visible_to(user, ChangeRequest.objects.all()))


@console_page
def change_request_queue(request):
    allow(can_decide_change_requests, request.user)
    filters = ChangeRequestFilter(request.GET or None, queryset=_requests(request.user))
    styled(filters.form)
    page = paginate(request, filters.qs if filters.is_bound else _requests(request.user))
    return render(request, "console/change_requests.html", {
        "form": filters.form, "page": page, "query": query_without_page(request),
    })


@console_page
@require_http_methods(["GET", "POST"])
def change_request_detail(request, pk: int):
    allow(can_decide_change_requests, request.user)
    change_request = get_object_or_404(_requests(request.user), pk=pk)
    candidates = change_request_candidates(change_request=change_request) if change_request.is_open else []
    decision = request.POST.get("decision")
    approve = ApproveForm(request.POST if decision == "approve" else None, candidates=candidates)
    decline = DeclineForm(request.POST if decision == "decline" else None)
    form = approve if decision == "approve" else decline
    if request.method == "POST" and form.is_valid():
        try:
            if decision == "approve":
                manager = ManagerProfile.objects.select_related("user").get(pk=form.cleaned_data["manager"])
                change_request_approve(
                    change_request=change_request, manager=manager, actor=request.user,
                    reply=form.cleaned_data["reply"],
                )
                messages.success(request, _("%(customer)s is now served by %(manager)s.")
                                 % {"customer": change_request.customer.user, "manager": manager.user})
            else:
                change_request_decline(change_request=change_request, reply=form.cleaned_data["reply"],
                                       actor=request.user)
                messages.success(request, _("The request is declined; the customer reads your reply."))
        except ValidationError as exc:
            refusal(request, exc)
        return redirect("console:change_request", pk=change_request.pk)
    return render(request, "console/change_request.html", {
        "change_request": change_request, "candidates": candidates, "approve": approve, "decline": decline,
    })
