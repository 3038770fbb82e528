"""Forms of the console: they validate what staff type, then the view calls one service."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models import User, username_key
from audit import words as audit_words
from customers.filters import CustomerFilter, day_start
from customers.models import CustomerClass, CustomerProfile
from imports.messages import CONFIRM_OVERFLOW_LABEL, CREATE_TERMS_LABEL, PAGE_HINTS
from managers.filters import ManagerFilter
from managers.models import MAX_CAPACITY, ManagerProfile
from matching.models import Reason, Strategy
from matching.services.runs import MAX_MOVE_COST
from vocabularies.models import Branch

def date_range(queryset: QuerySet, field: str, start: dt.date | None, end: dt.date | None) -> QuerySet:
    """Rows of `queryset` whose `field` falls on the days `start` to `end` (inclusive, the project's time
    zone): the customer filter's date rule (`customers.filters.day_start`), for the audit log."""
    if start is not None:
        queryset = queryset.filter(**{f"{field}__gte": day_start(start)})
    if end is not None:
        queryset = queryset.filter(**{f"{field}__lt": day_start(end + dt.timedelta(days=1))})
    return queryset


class StyledForm(forms.Form):
    """Bootstrap classes on every widget, so templates render fields as they are."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select form-select-sm"
            else:
                css = "form-control form-control-sm"
            widget.attrs.setdefault("class", css)


def _managers() -> QuerySet[ManagerProfile]:
    return ManagerProfile.objects.select_related("user").order_by("user__username")


class ManagerSearchInput(forms.TextInput):
    """A username box that suggests managers as one types (`console:manager_suggestions`)."""

    template_name = "console/widgets/manager_search.html"


class ManagerByUsernameField(forms.ModelChoiceField):
    """A manager given by username (case as the username rule says: `accounts.models.username_key`).

    Not a <select>: a bank has thousands of managers, and every list page would render them all.
    """

    widget = ManagerSearchInput
    default_error_messages = {"invalid_choice": _("No manager has this username.")}

    def __init__(self, **kwargs):
        super().__init__(queryset=_managers(), **kwargs)

    def to_python(self, value):
        value = (value or "").strip()
        if not value:
            return None
        try:
            return self.queryset.get(user__username_key=username_key(value))
        except ManagerProfile.DoesNotExist:
            raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice") from None

    def prepare_value(self, value):
        return value.user.username if isinstance(value, ManagerProfile) else value


#: What staff type in the manager box to mean "no manager" (the list itself shows "none" / "无").
UNASSIGNED_WORDS = {"none", "unassigned", "no manager", "无", "未分配", "(none)", "—", "-"}
UNASSIGNED = "unassigned"


class ManagerFilterField(forms.CharField):
    """The customer filter's `manager` typed by staff: a user id (as links and the API send it), a username
    or a name (exact, any case; the box suggests as one types), or a word for "no manager". Cleans to the
    manager's user id, `UNASSIGNED`, or None; text that matches no manager is an error shown beside the box,
    never an empty list without a word."""

    widget = ManagerSearchInput
    default_error_messages = {
        "invalid_choice": _(
            "No manager is called “%(value)s”. Type part of a name or username and pick a suggestion, or "
            "type “none” for the customers without a manager."
        ),
    }

    def to_python(self, value):
        text = super().to_python(value).strip()[:150]
        if not text:
            return None
        if text.lower() in UNASSIGNED_WORDS:
            return UNASSIGNED
        if text.isdigit():
            return int(text)
        managers = _managers()
        match = list(managers.filter(user__username_key=username_key(text)).values_list("user_id", flat=True)[:1])
        match = match or list(managers.filter(user__name__iexact=text).values_list("user_id", flat=True)[:2])
        if len(match) != 1:
            raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice",
                                        params={"value": text})
        return match[0]


class CustomerFilterForm(StyledForm):
    """The console's form for `customers.filters.CustomerFilter`: Bootstrap classes, and the manager typed by
    username or name with suggestions (the parameter stays the manager's user id, as on every surface; a
    link's id shows as the username)."""

    def __init__(self, data=None, *args, **kwargs):
        if data is not None and str(data.get("manager", "")).strip().isdigit():
            username = _managers().filter(user_id=int(data["manager"])).values_list("user__username", flat=True)
            if name := username.first():
                data = data.copy()
                data["manager"] = name
        super().__init__(data, *args, **kwargs)
        field = self.fields["manager"]
        self.fields["manager"] = ManagerFilterField(
            label=field.label, required=False, help_text=_("A username or a name; “none” for no manager.")
        )
        self.fields["manager"].widget.attrs.update(
            {"class": "form-control form-control-sm", "placeholder": _("Name or username")}
        )
        self.fields["run"].widget = forms.HiddenInput()  # set by a run's "View changes"; the page names the run
        for name in ("id_from", "id_to"):  # set by an import's "See the new customers"; the page says so
            self.fields[name].widget = forms.HiddenInput()

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("manager") == UNASSIGNED:
            cleaned["manager"] = None
            cleaned["unassigned"] = True
        return cleaned


class ConsoleCustomerFilter(CustomerFilter):
    """The one customer filter, drawn with the console's form."""

    class Meta(CustomerFilter.Meta):
        form = CustomerFilterForm


class DashboardFilterForm(StyledForm):
    """The dashboard's figures for the whole bank, or for one branch."""

    branch = forms.ModelChoiceField(
        label=_("Branch"), queryset=Branch.objects.order_by("code"), to_field_name="code", required=False,
        empty_label=_("Every branch"),
    )


class ConsoleManagerFilter(ManagerFilter):
    """The managers' filter (by branch), drawn with the console's form."""

    class Meta(ManagerFilter.Meta):
        form = StyledForm


REASON_REQUIRED = _("Give a reason: it is kept in the customer's history and the audit log.")


class ReassignForm(StyledForm):
    manager = ManagerByUsernameField(label=_("Manager"))
    reason = forms.CharField(
        label=_("Reason"), max_length=255, widget=forms.TextInput(attrs={"placeholder": _("Why this manager")}),
        error_messages={"required": REASON_REQUIRED},
    )


class CustomerReassignForm(ReassignForm):
    """One customer's new manager: typed in the manager box, or the Assign button of a row of the ranked
    candidates (`candidate`, which wins); locking against automatic runs is a choice of its own."""

    candidate = forms.ModelChoiceField(
        queryset=_managers(), required=False, widget=forms.HiddenInput,
        error_messages={"invalid_choice": _("This manager no longer exists.")},
    )
    lock = forms.BooleanField(
        label=_("Lock: automatic runs leave this customer with this manager"), required=False, initial=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["manager"].required = False

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("candidate") is not None:
            cleaned["manager"] = cleaned["candidate"]
        elif cleaned.get("manager") is None and "manager" not in self.errors:
            self.add_error("manager", _("Type a manager's name or username, or use Assign on a candidate's row."))
        return cleaned


class BulkForm(ReassignForm):
    """Selected rows of the customer list: reassign them, or export them."""

    ACTIONS = [("reassign", _("Reassign")), ("export_csv", _("Export CSV")), ("export_xlsx", _("Export Excel"))]
    action = forms.ChoiceField(choices=ACTIONS)
    ids = forms.TypedMultipleChoiceField(
        coerce=int, choices=(), error_messages={"required": _("Select at least one customer.")}
    )
    lock = forms.BooleanField(
        label=_("Lock: automatic runs leave them with this manager"), required=False, initial=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ids"].valid_value = lambda value: str(value).isdigit()
        if self.data.get("action", "").startswith("export"):
            self.fields["manager"].required = False
            self.fields["reason"].required = False


class ConfirmForm(StyledForm):
    confirm = forms.BooleanField(label=_("I confirm"), required=True)


class AvailabilityForm(StyledForm):
    capacity = forms.IntegerField(label=_("Capacity"), min_value=1, max_value=MAX_CAPACITY)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    accepting_customers = forms.BooleanField(label=_("Accepting customers"), required=False)
    confirm_overflow = forms.BooleanField(
        label=_("Keep every customer even though the book is above the capacity"), required=False
    )


class PreviewForm(StyledForm):
    strategy = forms.TypedChoiceField(
        label=_("How to choose"), choices=Strategy.choices, coerce=Strategy, initial=Strategy.OPTIMAL,
        help_text=_("Best overall finds the plan with the largest total fit for everyone at once (an optimal "
                    "assignment, solved as a min-cost flow). One by one in order gives each customer in turn the "
                    "best manager who still has room (greedy, the older system's rule)."),
    )
    rebalance = forms.BooleanField(label=_("Rebalance (move every customer who is not locked)"), required=False)
    move_cost = forms.IntegerField(
        label=_("Cost of a move (points)"), required=False, min_value=0, max_value=MAX_MOVE_COST, initial=0,
        help_text=_("When rebalancing with the best overall plan: a customer leaves their manager only when the "
                    "move gains more than this many points of fit. 0 moves anyone for any gain."),
    )

    def clean_move_cost(self):
        return self.cleaned_data.get("move_cost") or 0


class SegmentForm(StyledForm):
    k = forms.IntegerField(
        label=_("Number of groups"),
        required=False,
        min_value=2,
        max_value=20,
        help_text=_("Customers with similar portraits are grouped (K-Means++ clustering). Leave empty to let "
                    "Portrait choose the number that separates the groups best (the silhouette score)."),
    )


class PlanFilterForm(StyledForm):
    q = forms.CharField(label=_("Customer or manager"), required=False)
    reason = forms.ChoiceField(label=_("Reason"), required=False, choices=[("", _("Any")), *Reason.choices])
    customer_class = forms.ChoiceField(
        label=_("Match fit"), required=False, choices=[("", _("Any")), *CustomerClass.choices]
    )

    def filter(self, queryset: QuerySet) -> QuerySet:
        data = self.cleaned_data if self.is_valid() else {}
        if text := (data.get("q") or "").strip():
            queryset = queryset.filter(
                Q(customer__user__username__icontains=text)
                | Q(customer__user__name__icontains=text)
                | Q(new_manager__user__username__icontains=text)
                | Q(previous_manager__user__username__icontains=text)
            )
        if data.get("reason"):
            queryset = queryset.filter(reason=data["reason"])
        if data.get("customer_class"):
            queryset = queryset.filter(customer_class=data["customer_class"])
        return queryset


class ImportForm(StyledForm):
    TARGETS = [("customers", _("Customers")), ("managers", _("Managers"))]
    target = forms.ChoiceField(label=_("What the file holds"), choices=TARGETS)
    file = forms.FileField(label=_("CSV or Excel file"))
    create_terms = forms.BooleanField(label=CREATE_TERMS_LABEL, required=False)
    confirm_overflow = forms.BooleanField(
        label=CONFIRM_OVERFLOW_LABEL, required=False,
        help_text=_("Managers only: a capacity below the customers a manager serves now is refused unless ticked."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.PORTRAIT_IMPORT_MAX_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                [_("The file is larger than %(mb)d MB.") % {"mb": limit // (1024 * 1024)}, PAGE_HINTS["too_big"]]
            )
        if not upload.name.lower().endswith((".csv", ".xlsx")):
            raise forms.ValidationError(_("Upload a .csv or .xlsx file."))
        return upload

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("confirm_overflow") and cleaned.get("target") != "managers":
            cleaned["confirm_overflow"] = False  # customers have no capacity
        return cleaned


PERSON_MATCH_LIMIT = 500  # people whose name or username contains the text; more means type more of it


def audit_about(text: str) -> Q:
    """The audit events about the people whose name or username contains `text`, or done by them.

    Events name their subject by type and id (a customer's portrait, a manager's profile, an account) and
    keep the name in the summary; one query per kind of subject, at most PERSON_MATCH_LIMIT people each.
    """
    users = User.objects.filter(Q(username__icontains=text) | Q(name__icontains=text))
    user_ids = [str(pk) for pk in users.values_list("pk", flat=True)[:PERSON_MATCH_LIMIT]]
    customers = CustomerProfile.objects.filter(user__in=users).values_list("pk", flat=True)[:PERSON_MATCH_LIMIT]
    managers = ManagerProfile.objects.filter(user__in=users).values_list("pk", flat=True)[:PERSON_MATCH_LIMIT]
    customer_ids, manager_ids = [str(pk) for pk in customers], [str(pk) for pk in managers]
    return (
        Q(actor_username__icontains=text)
        | Q(summary__icontains=text)
        | Q(target_type="accounts.user", target_id__in=user_ids)
        | Q(target_type="customers.customerprofile", target_id__in=customer_ids)
        | Q(target_type="managers.managerprofile", target_id__in=manager_ids)
    )


class AuditFilterForm(StyledForm):
    person = forms.CharField(
        label=_("Customer or manager"), required=False,
        help_text=_("Name or username: the events about them and the ones they did."),
    )
    actor = forms.CharField(label=_("Done by"), required=False)
    action = forms.CharField(label=_("Action"), required=False, help_text=_("Words of the action, e.g. “import”."))
    target = forms.CharField(label=_("Object"), required=False, help_text=_("type, or type:id"))
    date_from = forms.DateField(
        label=pgettext_lazy("date range", "From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=pgettext_lazy("date range", "To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def filter(self, queryset: QuerySet) -> QuerySet:
        data = self.cleaned_data if self.is_valid() else {}
        if person := (data.get("person") or "").strip():
            queryset = queryset.filter(audit_about(person))
        if actor := (data.get("actor") or "").strip():
            queryset = queryset.filter(actor_username__icontains=actor)
        if action := (data.get("action") or "").strip():
            queryset = queryset.filter(Q(action__icontains=action) | Q(action__in=audit_words.actions_matching(action)))
        if target := (data.get("target") or "").strip():
            kind, _sep, pk = target.partition(":")
            queryset = queryset.filter(target_type__icontains=kind)
            if pk:
                queryset = queryset.filter(target_id=pk)
        queryset = date_range(queryset, "created_at", data.get("date_from"), data.get("date_to"))
        return queryset.order_by("-created_at", "-id")
