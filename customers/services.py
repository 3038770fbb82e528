"""Writes on customer portraits."""
from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import QueryDict
from django.utils.translation import gettext as _

from accounts.models import Role, User
from audit.services import audit_record, field_changes
from vocabularies.services import profile_check

from .models import CustomerProfile, SavedView
from .signals import portraits_changed


PORTRAIT_FIELDS = ("age", "occupation", "total_assets")


@transaction.atomic
def customer_portrait_save(
    *, user: User, actor: User | None, age: int, occupation: str, total_assets, needs, hobbies,
) -> CustomerProfile:
    """Create or update the portrait of customer `user`: the fields a customer owns, nothing else.

    Class, segment and manager are the matching service's; the new class is computed when this
    transaction commits (matching listens to `portraits_changed`: assets decide the tier, hence who may
    serve them, even when no term changed). Validation comes from the model; every change is audited with
    its old and new values, and a save that changes nothing records nothing.
    """
    if user.role != Role.CUSTOMER:
        raise ValidationError(_("Only customers have a portrait."))
    profile = CustomerProfile.objects.select_for_update().filter(user=user).first()
    created = profile is None
    if created:
        profile = CustomerProfile(user=user)
        before = {}
        linked_needs, linked_hobbies = set(), set()
    else:
        linked_needs = set(profile.needs.values_list("pk", flat=True))
        linked_hobbies = set(profile.hobbies.values_list("pk", flat=True))
        before = {
            **{name: getattr(profile, name) for name in PORTRAIT_FIELDS},
            "needs": sorted(profile.needs.values_list("name", flat=True)),
            "hobbies": sorted(profile.hobbies.values_list("name", flat=True)),
        }
    needs, hobbies = list(needs), list(hobbies)
    profile.age, profile.occupation, profile.total_assets = age, occupation, total_assets
    profile_check(
        instance=profile, exclude=["user", "manager"],
        terms={"needs": (needs, linked_needs), "hobbies": (hobbies, linked_hobbies)},
    )
    profile.save()
    profile.needs.set(needs)
    profile.hobbies.set(hobbies)
    after = {
        **{name: getattr(profile, name) for name in PORTRAIT_FIELDS},
        "needs": sorted(term.name for term in needs),
        "hobbies": sorted(term.name for term in hobbies),
    }
    changes = field_changes(before, after)
    if created or changes:
        audit_record(
            actor=actor, action="customer.portrait_created" if created else "customer.portrait_updated",
            target=profile, summary=str(user), changes=changes,
        )
        portraits_changed.send(sender=CustomerProfile, customer_ids=[profile.pk])
    return profile


@transaction.atomic
def customer_branch_set(*, customer: CustomerProfile, branch, actor: User | None) -> CustomerProfile:
    """Put a customer in a branch (`vocabularies.Branch`), or in none. Under the branch policy this decides who
    may serve them, so their match fit is computed again when the transaction commits; their manager changes
    only at the next matching run or by hand."""
    customer = CustomerProfile.objects.select_for_update().select_related("branch").get(pk=customer.pk)
    before = customer.branch.code if customer.branch_id else None
    customer.branch = branch
    customer.full_clean(exclude=[field.name for field in customer._meta.fields if field.name != "branch"])
    after = branch.code if branch is not None else None
    if after != before:
        customer.save(update_fields=["branch", "updated_at"])
        audit_record(
            actor=actor, action="customer.branch_changed", target=customer, summary=str(customer.user),
            changes=field_changes({"branch": before}, {"branch": after}),
        )
        portraits_changed.send(sender=CustomerProfile, customer_ids=[customer.pk])
    return customer


def customer_deactivate(*, customer: CustomerProfile, actor: User | None) -> CustomerProfile:
    """Close a customer's account: they can no longer sign in; the portrait and history stay."""
    user = customer.user
    if not user.is_active:
        raise ValidationError(_("%(customer)s is already deactivated.") % {"customer": user})
    user.is_active = False
    user.save(update_fields=["is_active"])
    audit_record(actor=actor, action="customer.deactivated", target=customer, summary=str(user),
                 changes={"is_active": (True, False)})
    return customer


def customer_role_change_problem(*, user: User, stored_role: str) -> str | None:
    """Why a customer may not leave the role, or None: a portrait keeps its manager, so it goes first.
    Registered with `accounts.services.register_role_change_check` (CustomersConfig.ready)."""
    if stored_role == Role.CUSTOMER and CustomerProfile.objects.filter(user=user).exists():
        return _("%(user)s has a customer portrait: delete it before changing the role.") % {"user": user.username}
    return None


#: How many saved views one user may keep (the list beside the filter form stays short).
MAX_SAVED_VIEWS = 50


@transaction.atomic
def saved_view_save(*, owner: User, name: str, query: str) -> SavedView:
    """Save `query` (the customer filter's query string, page left out) under `name` for `owner`; the same
    name again replaces its query. Not audited: a user's own bookmark, which changes no customer."""
    name = name.strip()
    if not name:
        raise ValidationError(_("Give the view a name."))
    params = QueryDict(query, mutable=True)
    params.pop("page", None)
    existing = SavedView.objects.filter(owner=owner)
    if not existing.filter(name=name).exists() and existing.count() >= MAX_SAVED_VIEWS:
        raise ValidationError(_("You have %(n)d saved views: delete one first.") % {"n": MAX_SAVED_VIEWS})
    view, _created = SavedView.objects.update_or_create(owner=owner, name=name, defaults={"query": params.urlencode()})
    return view


def saved_view_delete(*, owner: User, view_id: int) -> bool:
    """Delete one of `owner`'s saved views; False when they have none with this id."""
    deleted, _rows = SavedView.objects.filter(owner=owner, pk=view_id).delete()
    return bool(deleted)


def customers_export_record(
    *, actor: User | None, file_name: str, file_format: str, count: int, filters: str = ""
) -> None:
    """Record that customer data left the system: who, which file, how many customers, with which filter.

    Every export of customer data calls it (the console's exports and `export_customers`); `actor` None is
    the command line. `filters` is the query string (or the command's options) that chose the customers.
    """
    audit_record(
        actor=actor, action="customers.exported", target_type=CustomerProfile._meta.label_lower,
        summary=file_name, data={"file": file_name, "format": file_format, "count": count, "filters": filters[:500]},
    )
