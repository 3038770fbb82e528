"""Customers: the filtered list (with bulk reassignment and exports), one customer's page, deactivation."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from accounts.access import can_assign_by_hand, can_export, can_read_contacts, customers_visible_to
from contacts.selectors import contact_list
from customers.filters import CustomerSort
from customers.models import CustomerProfile
from customers.selectors import CUSTOMER_EXPORT_COLUMNS, customer_export_rows, saved_views_of
from customers.services import customer_deactivate, customers_export_record
from matching.current_scores import customer_candidates, customer_scores
from matching.models import Assignment, MatchingRun, Segment
from matching.services import customers_assign, customers_unlock

from ..templatetags.console import RUN_NOTICE_TAG
from ..forms import BulkForm, ConfirmForm, ConsoleCustomerFilter, CustomerReassignForm
from .common import (
    allow,
    confirmation_page,
    confirmed,
    console_page,
    manager_change_question,
    manager_change_question_forms,
    paginate_by_key,
    query_without_page,
    refusal,
    table_response,
)


def _visible(request):
    return customers_visible_to(request.user, CustomerProfile.objects.all())


def _filtered(request):
    """The customers the query string asks for (`customers.filters`), in the order it asks for."""
    filters = ConsoleCustomerFilter(
        request.GET or None, queryset=_visible(request),
    )
    return filters.form, CustomerSort(request.GET).order(filters.qs)


def _export(request, queryset, fmt: str, *, stem: str) -> HttpResponse:
    """The rows of `queryset` as the import format (+ computed columns), formula-escaped by the writers;
    recorded in the audit log (who, which file, how many customers, which filter)."""
    rows = customer_export_rows(queryset=queryset)
    name = f"{stem}-{timezone.localtime():%Y%m%d-%H%M}"
    fmt = "xlsx" if fmt == "xlsx" else "csv"
    customers_export_record(
        actor=request.user, file_name=f"{name}.{fmt}", file_format=fmt, count=queryset.count(),
        filters=request.GET.urlencode() if request.method == "GET" else "",
    )
    return table_response(header=CUSTOMER_EXPORT_COLUMNS, rows=rows, file_format=fmt, name=name, sheet="customers")


@console_page
def customer_list(request):
    form, queryset = _filtered(request)
    cleaned = form.cleaned_data if form.is_valid() else {}
    run_id = cleaned.get("run")
    page = paginate_by_key(request, queryset.select_related("user", "manager__user", "branch"))
    scores = customer_scores([customer.pk for customer in page.object_list])
    rows = [(customer, scores.get(customer.pk)) for customer in page.object_list]
    return render(
        request,
        "console/customers.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "query": query_without_page(request),
            "bulk": BulkForm(auto_id="id_bulk_%s"),
            "bulk_question": manager_change_question_forms(),
            "segments": Segment.objects.order_by("label"),
            "saved_views": saved_views_of(request.user),
            "run": MatchingRun.objects.select_related("actor").filter(pk=run_id).first() if run_id else None,
            "imported": bool(cleaned.get("id_from") and cleaned.get("id_to")),
        },
    )


@console_page
def customer_export(request):
    allow(can_export, request.user)
    _form, queryset = _filtered(request)
    return _export(request, queryset, request.GET.get("format", "csv"), stem="customers")


@console_page
@require_POST
def customer_bulk(request):
    form = BulkForm(request.POST)
    back = reverse("console:customers") + ("?" + request.POST["back"] if request.POST.get("back") else "")
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(back)
    ids = form.cleaned_data["ids"]
    selected = _visible(request).filter(pk__in=ids).order_by("user__username")
    action = form.cleaned_data["action"]
    if action.startswith("export"):
        allow(can_export, request.user)
        return _export(request, selected, action.removeprefix("export_"), stem="customers-selected")
    allow(can_assign_by_hand, request.user)
    if not confirmed(request):
        return confirmation_page(request, question=manager_change_question(selected.count()), cancel=back)
    manager, lock = form.cleaned_data["manager"], form.cleaned_data["lock"]
    try:
        done = customers_assign(
            customer_ids=list(selected.values_list("pk", flat=True)),
            manager=manager,
            actor=request.user,
            note=form.cleaned_data["reason"],
            lock=lock,
        )
    except ValidationError as exc:
        refusal(request, exc)
    else:
        text = (
            ngettext("%(count)d customer assigned to %(manager)s and locked.",
                     "%(count)d customers assigned to %(manager)s and locked.", len(done)) if lock
            else ngettext("%(count)d customer assigned to %(manager)s.",
                          "%(count)d customers assigned to %(manager)s.", len(done))
        )
        # The notice of a run (Undo, "View changes"): a manual reassignment is one (`RunKind.MANUAL`).
        messages.success(
            request, text % {"count": len(done), "manager": manager.user.display_name},
            extra_tags=f"{RUN_NOTICE_TAG}{done[0].run_id}",
        )
    return redirect(back)


@console_page
def customer_detail(request, pk: int):
    customer = get_object_or_404(_visible(request).select_related("user", "manager__user", "branch"), pk=pk)
    history = (
        Assignment.objects.filter(customer=customer)
        .select_related("previous_manager__user", "new_manager__user", "actor", "run__actor")
        .order_by("-created_at", "-id")[:50]
    )
    return render(
        request,
        "console/customer_detail.html",
        {
            "customer": customer,
            "needs": list(customer.needs.order_by("order", "name").values_list("name", flat=True)),
            "hobbies": list(customer.hobbies.order_by("order", "name").values_list("name", flat=True)),
            "match": customer_candidates(customer=customer),
            "history": history,
            "assign_form": CustomerReassignForm(),
            "can_assign": can_assign_by_hand(request.user),
            "contacts": list(contact_list(customer=customer)) if can_read_contacts(request.user, customer) else None,
        },
    )


@console_page
@require_POST
def customer_assign_view(request, pk: int):
    allow(can_assign_by_hand, request.user)
    customer = get_object_or_404(_visible(request).select_related("user"), pk=pk)
    form = CustomerReassignForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    else:
        manager, lock = form.cleaned_data["manager"], form.cleaned_data["lock"]
        try:
            done = customers_assign(
                customer_ids=[customer.pk], manager=manager, actor=request.user, note=form.cleaned_data["reason"],
                lock=lock,
            )
        except ValidationError as exc:
            refusal(request, exc)
        else:
            text = (
                _("%(customer)s is now served by %(manager)s (locked against automatic runs).") if lock
                else _("%(customer)s is now served by %(manager)s.")
            )
            messages.success(
                request, text % {"customer": customer.user.display_name, "manager": manager.user.display_name},
                extra_tags=f"{RUN_NOTICE_TAG}{done[0].run_id}",
            )
    return redirect("console:customer", pk=customer.pk)


@console_page
@require_POST
def customer_unlock(request, pk: int):
    allow(can_assign_by_hand, request.user)
    customer = get_object_or_404(_visible(request), pk=pk)
    if customers_unlock(customer_ids=[customer.pk], actor=request.user):
        messages.success(request, _("Unlocked: automatic rebalancing may move this customer again."))
    else:
        messages.info(request, _("This customer was not locked."))
    return redirect("console:customer", pk=customer.pk)


@console_page
def customer_deactivate_view(request, pk: int):
    customer = get_object_or_404(_visible(request).select_related("user"), pk=pk)
    form = ConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            customer_deactivate(customer=customer, actor=request.user)
        except ValidationError as exc:
            refusal(request, exc)
        else:
            messages.success(request, _("%(customer)s's account is deactivated.") % {"customer": customer.user})
        return redirect("console:customer", pk=customer.pk)
    return render(
        request,
        "console/confirm.html",
        {
            "form": form,
            "title": _("Deactivate %(customer)s") % {"customer": customer.user},
            "text": _("They will no longer be able to sign in. Their portrait and history are kept."),
            "cancel": reverse("console:customer", args=[customer.pk]),
            "danger": True,
        },
    )
