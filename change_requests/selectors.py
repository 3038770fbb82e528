"""Reads on requests for another manager."""
from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from customers.models import CustomerProfile
from matching.current_scores import customer_candidates

from .models import ChangeRequest, RequestStatus

#: How many managers an admin chooses among when approving.
CANDIDATES = 5


def change_request_list(*, requests: QuerySet | None = None) -> QuerySet:
    """Requests newest first, with the people a list shows (one query)."""
    requests = ChangeRequest.objects.all() if requests is None else requests
    return requests.select_related(
        "customer__user", "manager__user", "new_manager__user", "decided_by"
    ).order_by("-created_at", "-id")


def change_request_latest(*, customer: CustomerProfile) -> ChangeRequest | None:
    """The customer's newest request (open, or the last decided), or None: one query."""
    return change_request_list(requests=ChangeRequest.objects.filter(customer=customer)).first()


def change_request_open_for(*, customer: CustomerProfile) -> ChangeRequest | None:
    """The customer's open request, if any: one query."""
    return ChangeRequest.objects.filter(customer=customer, status=RequestStatus.OPEN).first()


def change_request_open_count() -> int:
    """How many requests wait for a decision (the queue's index): one query."""
    return ChangeRequest.objects.filter(status=RequestStatus.OPEN).count()


def change_request_candidates(*, change_request: ChangeRequest, limit: int = CANDIDATES) -> list[dict[str, Any]]:
    """The `limit` best managers for the customer that could take them now: active, accepting, with room,
    not their current manager; ranked as the console's customer page ranks them
    (`matching.current_scores.customer_candidates`: needs offered, then shared terms). A constant number of queries.
    Each row: id (profile), username, needs, hobbies, total, room."""
    ranked = customer_candidates(customer=change_request.customer, limit=None)["candidates"]
    eligible = [row for row in ranked if row["accepting"] and row["room"] > 0 and not row["current"]]
    return eligible[:limit]
