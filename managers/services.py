"""Writes on relationship manager profiles."""
from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import Role, User
from audit.services import audit_record, field_changes
from vocabularies.services import profile_check

from .models import ManagerProfile
from .selectors import manager_load


@transaction.atomic
def manager_create(
    *, user: User, actor: User | None, phone: str = "", branch=None, tiers=(), capacity: int | None = None,
    accepting_customers: bool = True, capabilities=(), hobbies=(),
) -> ManagerProfile:
    """Make `user` a relationship manager, checked by the model's rules (a term no longer offered is refused),
    in one audit event with every value given. No run lock: a run that started before never sees the new
    manager, and the next one does. Files create managers in bulk through `imports` (one event per file)."""
    if user.role != Role.MANAGER:
        raise ValidationError(_("Only relationship managers have a manager profile."))
    capabilities, hobbies = list(capabilities), list(hobbies)
    manager = ManagerProfile(
        user=user, phone=phone.strip(), branch=branch, tiers=list(tiers), accepting_customers=accepting_customers,
    )
    if capacity is not None:
        manager.capacity = capacity
    profile_check(instance=manager, terms={"capabilities": (capabilities, ()), "hobbies": (hobbies, ())})
    manager.save()
    manager.capabilities.set(capabilities)
    manager.hobbies.set(hobbies)
    audit_record(
        actor=actor, action="manager.created", target=manager, summary=str(user),
        changes=field_changes({}, {
            "phone": manager.phone, "branch": branch.code if branch is not None else None, "tiers": manager.tiers,
            "capacity": manager.capacity, "accepting_customers": manager.accepting_customers,
            "capabilities": sorted(term.name for term in capabilities),
            "hobbies": sorted(term.name for term in hobbies),
        }),
    )
    return manager


@transaction.atomic
def manager_profile_update(*, manager: ManagerProfile, actor: User | None, capabilities, hobbies) -> ManagerProfile:
    """Set what a manager offers and likes, audited with what changed (nothing when nothing did). Capacity and
    the accepting flag change through `matching.services` (they take the run lock: a run must see them)."""
    capabilities, hobbies = list(capabilities), list(hobbies)
    profile_check(terms={
        "capabilities": (capabilities, set(manager.capabilities.values_list("pk", flat=True))),
        "hobbies": (hobbies, set(manager.hobbies.values_list("pk", flat=True))),
    })
    before = {
        "capabilities": sorted(manager.capabilities.values_list("name", flat=True)),
        "hobbies": sorted(manager.hobbies.values_list("name", flat=True)),
    }
    after = {"capabilities": sorted(t.name for t in capabilities), "hobbies": sorted(t.name for t in hobbies)}
    if changes := field_changes(before, after):
        manager.capabilities.set(capabilities)
        manager.hobbies.set(hobbies)
        manager.save(update_fields=["updated_at"])
        audit_record(
            actor=actor, action="manager.profile_updated", target=manager, summary=str(manager.user), changes=changes,
        )
    return manager


@transaction.atomic
def manager_contact_update(*, manager: ManagerProfile, actor: User | None, phone: str) -> ManagerProfile:
    """Set the phone number the manager's customers see; the model's validator checks it."""
    before = manager.phone
    manager.phone = phone.strip()
    manager.clean_fields(exclude=[field.name for field in manager._meta.fields if field.name != "phone"])
    if manager.phone != before:
        manager.save(update_fields=["phone", "updated_at"])
        audit_record(
            actor=actor, action="manager.contact_updated", target=manager, summary=str(manager.user),
            changes=field_changes({"phone": before}, {"phone": manager.phone}),
        )
    return manager


def manager_role_change_problem(*, user: User, stored_role: str) -> str | None:
    """Why a manager may not leave the role, or None: the profile keeps its customers and stays a candidate
    for runs whatever the user's role, so the book moves and the profile goes first. Registered with
    `accounts.services.register_role_change_check` (ManagersConfig.ready)."""
    if stored_role != Role.MANAGER:
        return None
    profile = ManagerProfile.objects.filter(user=user).first()
    if profile is None:
        return None
    if served := manager_load(profile):
        return _("%(user)s serves %(served)d customers as a relationship manager: move the whole book to "
                 "another manager and delete the manager profile before changing the role.") % {
            "user": user.username, "served": served}
    return _("%(user)s has a manager profile: delete it before changing the role.") % {"user": user.username}
