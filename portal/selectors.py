"""What the portal's pages read that spans apps: segment names, a match explained, a relationship's history.

Portal sits above customers, managers and matching, so it may join them; each function states its
query count, and none computes a business rule (the classes and assignments come from matching).
"""
from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from customers.models import CustomerProfile
from managers.models import ManagerProfile
from matching.models import Assignment, MatchingRun, RunKind, RunStatus, Segment


def segment_names() -> dict[int, str]:
    """Segment label -> its name: one query (a handful of rows)."""
    return dict(Segment.objects.values_list("label", "name"))


@dataclass(frozen=True)
class MatchExplanation:
    shared_needs: list[str]
    shared_hobbies: list[str]
    #: Services the manager offers that the customer has not asked for: needs that would add to the fit.
    also_offered: list[str]

    @property
    def total(self) -> int:
        return len(self.shared_needs) + len(self.shared_hobbies)


def match_explanation(*, customer: CustomerProfile, manager: ManagerProfile) -> MatchExplanation:
    """The terms the customer and the manager share today, and the manager's other services, by name.

    Reads the portrait's and the manager's prefetched terms when the selectors that loaded them
    prefetched them (no query), otherwise four queries. Today's terms, not those of the last
    assignment: after an edit the customer sees why their manager fits the portrait they now have.
    """
    capabilities = {term.pk for term in manager.capabilities.all()}
    manager_hobbies = {term.pk for term in manager.hobbies.all()}
    needs = {term.pk for term in customer.needs.all()}
    return MatchExplanation(
        shared_needs=[term.name for term in customer.needs.all() if term.pk in capabilities],
        shared_hobbies=[term.name for term in customer.hobbies.all() if term.pk in manager_hobbies],
        also_offered=[term.name for term in manager.capabilities.all() if term.pk not in needs and term.is_active],
    )


def relationship_history(
    *, customer: CustomerProfile, manager: ManagerProfile | None = None, limit: int = 50,
) -> QuerySet:
    """The customer's assignments, newest first, with the managers, the actor and the run joined: one
    query. With `manager`, only those that gave the customer to that manager or took them away."""
    assignments = Assignment.objects.filter(customer=customer)
    if manager is not None:
        assignments = assignments.filter(Q(new_manager=manager) | Q(previous_manager=manager))
    return assignments.select_related("previous_manager__user", "new_manager__user", "actor", "run__actor").order_by(
        "-created_at", "-id"
    )[:limit]


def last_matching_run() -> MatchingRun | None:
    """The latest run that wrote assignments (not a dry run): one query."""
    return (
        MatchingRun.objects.filter(status=RunStatus.SUCCEEDED)
        .exclude(kind=RunKind.PREVIEW)
        .only("pk", "started_at", "finished_at")
        .order_by("-started_at", "-id").first()
    )
