"""Forms of the portal: they check input and hand it to one service; the rules live in the services."""
from __future__ import annotations

from decimal import Decimal

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.forms import AmountField
from customers.filters import CUSTOMER_SORTS, CustomerFilter
from customers.models import MAX_AGE, MIN_AGE
from vocabularies.models import Hobby, Service


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Put a service's ValidationError beside the fields it names (the rest above the form)."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def choosable_terms(model, *, kept=()):
    """Active terms, and the inactive ones the portrait has already (they may stay, not be newly chosen)."""
    kept_ids = [term.pk for term in kept]
    return model.objects.filter(Q(is_active=True) | Q(pk__in=kept_ids)).order_by("order", "name")


class TermCheckboxes(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def __init__(self, queryset, **kwargs):
        super().__init__(queryset, required=False, **kwargs)


class SignInForm(AuthenticationForm):
    """Django's sign-in form (it passes the request to the backends, which django-axes needs)."""


class RegisterForm(forms.Form):
    """Self-registration: the fields a customer chooses. There is no role, staff or manager field: the
    service creates a customer whatever else is posted."""

    username = forms.CharField(label=_("Username"), max_length=150)
    name = forms.CharField(label=_("Your name"), max_length=100, required=False)
    email = forms.EmailField(label=_("Email"), required=False)
    password = forms.CharField(
        label=_("Password"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password_again = forms.CharField(
        label=_("Password again"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        data = super().clean()
        if data.get("password") and data.get("password") != data.get("password_again"):
            self.add_error("password_again", _("The two passwords differ."))
        return data


class PortraitForm(forms.Form):
    """The fields a customer owns on their portrait; class, segment and manager are not among them."""

    age = forms.IntegerField(label=_("Age"), min_value=MIN_AGE, max_value=MAX_AGE)
    occupation = forms.CharField(label=_("Occupation"), max_length=100, required=False)
    total_assets = AmountField(
        label=_("Total assets (yuan)"), min_value=Decimal("0"), max_digits=15, decimal_places=2,
        help_text=_("For example 1,200,000."),
    )
    needs = TermCheckboxes(Service.objects.none(), label=_("Financial services you need"))
    hobbies = TermCheckboxes(Hobby.objects.none(), label=_("Your hobbies"))

    def __init__(self, *args, customer=None, **kwargs):
        if customer is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "age": customer.age, "occupation": customer.occupation, "total_assets": customer.total_assets,
                "needs": list(customer.needs.all()), "hobbies": list(customer.hobbies.all()),
            }
        super().__init__(*args, **kwargs)
        self.fields["needs"].queryset = choosable_terms(Service, kept=customer.needs.all() if customer else ())
        self.fields["hobbies"].queryset = choosable_terms(Hobby, kept=customer.hobbies.all() if customer else ())


class ManagerProfileForm(forms.Form):
    """What a manager says about themselves; capacity is the admins' to set."""

    capabilities = TermCheckboxes(Service.objects.none(), label=_("Services you offer"))
    hobbies = TermCheckboxes(Hobby.objects.none(), label=_("Your hobbies"))
    phone = forms.CharField(
        label=_("Phone"), max_length=20, required=False,
        help_text=_("Your customers see it on their page, with your e-mail address."),
    )
    accepting_customers = forms.BooleanField(
        label=_("Accepting new customers"), required=False,
        help_text=_("Off while you are on leave: matching runs give you no new customers."),
    )

    def __init__(self, *args, manager, **kwargs):
        if "initial" not in kwargs:
            kwargs["initial"] = {
                "capabilities": list(manager.capabilities.all()), "hobbies": list(manager.hobbies.all()),
                "accepting_customers": manager.accepting_customers, "phone": manager.phone,
            }
        super().__init__(*args, **kwargs)
        self.fields["capabilities"].queryset = choosable_terms(Service, kept=manager.capabilities.all())
        self.fields["hobbies"].queryset = choosable_terms(Hobby, kept=manager.hobbies.all())


SORT_CHOICES = [
    ("name", _("Name")), ("username", _("Username")), ("age", _("Age")), ("occupation", _("Occupation")),
    ("assets", _("Total assets")), ("class", _("Match fit")), ("segment", _("Segment")), ("created", _("Joined")),
]
assert {key for key, _label in SORT_CHOICES} <= set(CUSTOMER_SORTS)


class WorkspaceCustomerFilter(CustomerFilter):
    """The one customer filter (`customers.filters`) on the manager's book, its segments named."""

    def __init__(self, *args, segments: dict[int, str], **kwargs):
        super().__init__(*args, **kwargs)
        self.form.fields["segment"].widget = forms.Select(choices=[
            ("", _("Any")), *((label, f"{label}: {name}") for label, name in segments.items()),
        ])
        self.form.fields["q"].widget.attrs.update({"placeholder": _("Name, username or occupation"), "type": "search"})
        for field in self.form.fields.values():
            field.help_text = ""  # the parameters' documentation (the API's schema); the labels say enough here
