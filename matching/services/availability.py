"""A manager's capacity and whether they take new customers; the branch and service tiers they serve."""
from __future__ import annotations

from django.db import transaction
from accounts.models import User
from audit.services import audit_record, field_changes
from matching.errors import CapacityExceeded
from managers.messages import capacity_below_book_refusal
from managers.models import ManagerProfile, capacity_needs_confirmation
from managers.selectors import manager_load

from .lock import acquire_run_lock


@transaction.atomic
def manager_availability_update(
    *,
    manager: ManagerProfile,
    actor: User | None,
    capacity: int | None = None,
    accepting_customers: bool | None = None,
    confirm_overflow: bool = False,
) -> ManagerProfile:
    """Change how many customers a manager may serve and whether they take new ones.

    Takes the run lock, so a run placing customers sees either the old values or the new, never a mix.
    A capacity below the current book is refused unless `confirm_overflow`: the customers stay, and
    automatic runs give the manager no one new until the book is below the capacity again.
    """
    acquire_run_lock(f"availability of {manager.user.username} by {actor or 'system'}")
    manager = ManagerProfile.objects.select_for_update().select_related("user").get(pk=manager.pk)
    before = {"capacity": manager.capacity, "accepting_customers": manager.accepting_customers}
    if capacity is not None:
        manager.capacity = capacity
    if accepting_customers is not None:
        manager.accepting_customers = accepting_customers
    manager.full_clean(exclude=["user"])
    load = manager_load(manager)
    if (
        capacity is not None
        and capacity_needs_confirmation(capacity=capacity, previous=before["capacity"], served=load)
        and not confirm_overflow
    ):
        raise CapacityExceeded(
            capacity_below_book_refusal(manager=manager.user, served=load, capacity=capacity),
            code="capacity_below_book",
        )
    after = {"capacity": manager.capacity, "accepting_customers": manager.accepting_customers}
    if changes := field_changes(before, after):
        manager.save(update_fields=["capacity", "accepting_customers", "updated_at"])
        audit_record(
            actor=actor, action="manager.availability_updated", target=manager, summary=str(manager.user),
            changes=changes, data={"load": load},
        )
    return manager


@transaction.atomic
def manager_service_area_update(
    *, manager: ManagerProfile, actor: User | None, branch, tiers: list[str]
) -> ManagerProfile:
    """Set the branch (`vocabularies.Branch`, or None: every branch) and the service tiers (codes; empty: every
    tier) a manager serves, checked by the model's validators. Takes the run lock like capacity: a run sees
    either the old eligibility or the new. Customers already served stay until a run or a hand moves them."""
    acquire_run_lock(f"branch and tiers of {manager.user.username} by {actor or 'system'}")
    manager = ManagerProfile.objects.select_for_update().select_related("user", "branch").get(pk=manager.pk)
    before = {"branch": manager.branch.code if manager.branch_id else None, "tiers": list(manager.tiers)}
    manager.branch, manager.tiers = branch, list(tiers)
    manager.full_clean(exclude=[field.name for field in manager._meta.fields if field.name not in ("branch", "tiers")])
    after = {"branch": branch.code if branch is not None else None, "tiers": list(manager.tiers)}
    if changes := field_changes(before, after):
        manager.save(update_fields=["branch", "tiers", "updated_at"])
        audit_record(
            actor=actor, action="manager.service_area_updated", target=manager, summary=str(manager.user),
            changes=changes,
        )
    return manager
