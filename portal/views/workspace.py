"""The manager's workspace: their customers (filter, search, sort, pages), one customer, their own profile."""
from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.access import (
    access_required,
    can_edit_manager_profile,
    can_use_workspace,
    customers_visible_to,
    managers_visible_to,
)
from customers.filters import CustomerSort, customer_sorted
from customers.models import CustomerProfile
from customers.selectors import customer_list, customer_portrait_get
from managers.models import ManagerProfile
from managers.selectors import manager_load, manager_profile_get
from managers.services import manager_contact_update, manager_profile_update
from matching.services import manager_availability_update

from ..forms import SORT_CHOICES, ManagerProfileForm, WorkspaceCustomerFilter, add_service_errors
from ..selectors import last_matching_run, match_explanation, relationship_history, segment_names
from .contacts import contact_log_context, follow_ups_context

PAGE_SIZE = 25


def _own_profile(request):
    own = managers_visible_to(request.user, ManagerProfile.objects.all())
    manager = manager_profile_get(queryset=own, user=request.user)
    if manager is None:  # a manager account nobody has given a profile yet
        raise Http404(_("You have no manager profile yet; an administrator creates it."))
    return manager


def _is_partial(request) -> bool:
    """An htmx request for the results only (not a history restore, which wants the whole page)."""
    return request.headers.get("HX-Request") == "true" and request.headers.get("HX-History-Restore-Request") != "true"


def _sort_columns(request, sort: str) -> list[dict]:
    """Each sortable column's header: its label, the query string that sorts by it (again: the other way)."""
    descending = sort.startswith("-")
    columns = []
    for key, label in SORT_CHOICES:
        params = request.GET.copy()
        params.pop("page", None)
        current = key == sort.removeprefix("-")
        params["sort"] = f"-{key}" if current and not descending else key
        columns.append({
            "key": key, "label": label, "query": params.urlencode(), "current": current,
            "descending": current and descending,
        })
    return columns


@access_required(can_use_workspace)
def workspace(request):
    """The manager's own customers, filtered, searched, sorted, a page at a time.

    The filters are the one customer filter (`customers.filters`), within the manager's book.
    Queries: session and user (2), the profile (3), segments (1), the need and hobby choices (2 to
    validate, 2 to draw), the count (1), the page (3), the load (1) and, on the whole page, the follow-ups
    due (1) and the bell's unread count (1): 16 or fewer, whatever the page size or the number of customers
    (pinned in tests/test_workspace.py).
    """
    manager = _own_profile(request)
    segments = segment_names()
    filters = WorkspaceCustomerFilter(
        request.GET or None, queryset=customers_visible_to(request.user, CustomerProfile.objects.all()),
        segments=segments,
    )
    sort = CustomerSort(request.GET).key
    customers = customer_list(queryset=customer_sorted(filters.qs, sort))
    page = Paginator(customers, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    for customer in page.object_list:
        customer.segment_name = segments.get(customer.segment, "")
    load = manager_load(manager=manager)
    context = {
        "columns": _sort_columns(request, sort),
        "manager": manager, "form": filters.form, "page": page, "segments": segments, "sort": sort,
        # How many filters are set: the count on the filters' summary, which stays closed on phones.
        "active_filters": sum(1 for name in filters.form.fields if name != "sort" and request.GET.get(name)),
        "load": load, "load_percent": min(100, round(100 * load / manager.capacity)) if manager.capacity else 100,
    }
    if not _is_partial(request):
        context.update(follow_ups_context(manager))
    template = "portal/workspace/_results.html" if _is_partial(request) else "portal/workspace/list.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@access_required(can_use_workspace)
def workspace_customer(request, pk: int):
    """One of the manager's customers; anyone else's is a 404 (the list is the manager's own book)."""
    customer = customer_portrait_get(queryset=customers_visible_to(request.user, CustomerProfile.objects.all()), pk=pk)
    if customer is None:
        raise Http404
    manager = _own_profile(request)
    return render(request, "portal/workspace/customer.html", {
        "customer": customer,
        "manager": manager,
        "segment_name": segment_names().get(customer.segment, "") if customer.segment is not None else "",
        "explanation": match_explanation(customer=customer, manager=manager),
        "history": relationship_history(customer=customer, manager=manager),
        **contact_log_context(request, customer),
    })


@access_required(can_use_workspace)
@require_http_methods(["GET", "POST"])
def workspace_profile(request):
    """Capabilities and hobbies (`manager_profile_update`), the phone (`manager_contact_update`) and the accepting
    flag (`manager_availability_update`, which takes the run lock): all or nothing is saved. Capacity is shown,
    not edited."""
    manager = _own_profile(request)
    if not can_edit_manager_profile(request.user, manager):
        raise Http404
    form = ManagerProfileForm(request.POST or None, manager=manager)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                manager_profile_update(
                    manager=manager, actor=request.user, capabilities=data["capabilities"], hobbies=data["hobbies"],
                )
                manager_contact_update(manager=manager, actor=request.user, phone=data["phone"])
                if data["accepting_customers"] != manager.accepting_customers:
                    manager_availability_update(
                        manager=manager, actor=request.user, accepting_customers=data["accepting_customers"],
                    )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Your profile has been saved. Matching uses it from the next run."))
            return redirect("portal:workspace_profile")
    return render(request, "portal/workspace/profile.html", {
        "manager": manager, "form": form, "load": manager_load(manager=manager), "last_run": last_matching_run(),
    })
