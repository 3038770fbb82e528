"""Managers: load, capacity, accepting flag and mean score; edit availability; move a book (previewed)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.access import can_assign_by_hand, can_move_book, can_set_capacity, managers_visible_to
from matching.current_scores import manager_mean_scores
from matching.errors import CapacityExceeded
from jobs.services import job_enqueue
from matching.models import JobKind
from managers.models import ManagerProfile
from managers.services import manager_contact_update
from managers.selectors import manager_loads, manager_profile_get, managers_with_load
from matching.book import manager_book
from matching.services import manager_availability_update

from ..forms import AvailabilityForm, ConsoleManagerFilter
from .common import allow, client_ip, console_page, paginate, query_without_page, refusal


#: How many managers the username box suggests at once.
SUGGESTIONS = 20


def _visible(user):
    return managers_visible_to(user, ManagerProfile.objects.all())


def _managers(user):
    return managers_with_load(_visible(user)).select_related("user").order_by("user__username")


def _with_loads(managers: list) -> list:
    """A page of managers with `load` set: one grouped query for the page, not a count per manager sorted."""
    loads = manager_loads([manager.pk for manager in managers])
    for manager in managers:
        manager.load = loads[manager.pk]
    return managers


@console_page
def manager_list(request):
    """The managers (by branch with `?branch=<code>`, as the dashboard's links ask), with load and mean score."""
    filters = ConsoleManagerFilter(request.GET, queryset=_visible(request.user))
    page = paginate(
        request, filters.qs.select_related("user", "branch").order_by("user__username")
    )
    page.object_list = _with_loads(list(page.object_list))
    means = manager_mean_scores([manager.pk for manager in page.object_list])
    rows = [(manager, means.get(manager.pk)) for manager in page.object_list]
    return render(request, "console/managers.html", {
        "page": page, "rows": rows, "query": query_without_page(request), "filters": filters,
    })


@console_page
def manager_suggestions(request):
    """The managers whose username or name holds what was typed in a manager box (htmx fills its datalist)."""
    allow(can_assign_by_hand, request.user)
    text = request.GET.get("manager", "").strip()
    managers = _managers(request.user).filter(user__is_active=True)
    if text:
        managers = managers.filter(Q(user__username__icontains=text) | Q(user__name__icontains=text))
    return render(request, "console/_manager_suggestions.html", {"managers": managers[:SUGGESTIONS]})


@console_page
def manager_edit(request, pk: int):
    """The manager's profile, book (class mix, mean score, load by month) and recent changes, with their
    capacity to edit: a constant number of queries whatever the book's size."""
    manager = manager_profile_get(queryset=managers_with_load(_visible(request.user)), pk=pk)
    if manager is None:
        raise Http404
    overflow = None
    if request.method == "POST":
        allow(can_set_capacity, request.user)
        form = AvailabilityForm(request.POST)
        if form.is_valid():
            try:
                with transaction.atomic():
                    manager_availability_update(
                        manager=manager,
                        actor=request.user,
                        capacity=form.cleaned_data["capacity"],
                        accepting_customers=form.cleaned_data["accepting_customers"],
                        confirm_overflow=form.cleaned_data["confirm_overflow"],
                    )
                    manager_contact_update(manager=manager, actor=request.user, phone=form.cleaned_data["phone"])
            except CapacityExceeded as exc:
                overflow = exc.messages[0]
            except ValidationError as exc:
                if "phone" in getattr(exc, "error_dict", {}):
                    form.add_error("phone", exc.error_dict["phone"])
                else:
                    refusal(request, exc)
            else:
                messages.success(request, _("%(manager)s updated.") % {"manager": manager.user})
                return redirect("console:manager", pk=manager.pk)
    else:
        form = AvailabilityForm(
            initial={
                "capacity": manager.capacity, "accepting_customers": manager.accepting_customers,
                "phone": manager.phone,
            }
        )
    mean = manager_mean_scores([manager.pk]).get(manager.pk)
    book = manager_book(manager=manager, load=manager.load)
    return render(
        request,
        "console/manager_edit.html",
        {
            "manager": manager,
            "form": form,
            "overflow": overflow,
            "mean": mean,
            "book": book,
        },
    )


@console_page
@require_POST
def manager_transfer_preview(request, pk: int):
    """Start a preview of moving this manager's book; the plan page shows it and applies it."""
    allow(can_move_book, request.user)
    manager = get_object_or_404(_visible(request.user), pk=pk)
    job = job_enqueue(
        kind=JobKind.PREVIEW, actor=request.user, options={"transfer_of": manager.pk}, ip_address=client_ip()
    )
    return redirect("console:job", pk=job.pk)
