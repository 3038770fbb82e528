"""Scoring: run the engine on a loaded snapshot, with the classification rules from settings.

Selectors load arrays; this module computes from them (the engine does the maths) and is the one place
that reads the classification settings.
"""
from __future__ import annotations

import numpy as np
from django.conf import settings

from . import engine
from .planning import Scores, Snapshot, snapshot_eligibility


def class_rules() -> dict:
    """The classification thresholds and upgrade margin from settings, as the engine takes them.

    Thresholds are given per class letter for every class but the last (E is what is left).
    """
    thresholds = settings.PORTRAIT_CLASS_THRESHOLDS
    return {
        "thresholds": tuple(thresholds[letter] for letter in engine.CLASS_LABELS[:-1]),
        "upgrade_margin": settings.PORTRAIT_UPGRADE_MARGIN,
    }


def branch_rules() -> dict:
    """The branch policy and region penalty from settings, as `planning.snapshot_eligibility` takes them."""
    return {"policy": settings.PORTRAIT_BRANCH_POLICY, "region_penalty": settings.PORTRAIT_REGION_PENALTY}


def eligibility_of(snapshot) -> engine.Eligibility | None:
    """Who may serve whom in `snapshot` (a `Snapshot` or `selectors.ClassInputs`) under the configured branch
    policy and the managers' tiers."""
    return snapshot_eligibility(snapshot, **branch_rules())


def snapshot_scores(snapshot: Snapshot) -> Scores:
    """Score every customer against every active manager: each one's best eligible manager and class.

    The totals of every pair stay implicit (`engine.TermTotals`): a placement reads them a block of customers
    at a time, so 1M customers x 5,000 managers never need the 5 GB matrix. Branches and tiers
    (`eligibility_of`) narrow each customer's managers: the class is the fit with the best eligible one.
    """
    active = np.flatnonzero(snapshot.manager_active)
    totals = engine.TermTotals(
        snapshot.customer_needs, snapshot.customer_hobbies,
        snapshot.manager_capabilities[active], snapshot.manager_hobbies[active],
    )
    eligibility = eligibility_of(snapshot)
    best, classes = _best_and_classes(
        totals, snapshot.customer_needs, snapshot.customer_hobbies,
        None if eligibility is None else eligibility.manager_columns(active),
    )
    return Scores(active=active, totals=totals, best=best, classes=classes, eligibility=eligibility)


def class_codes(
    customer_needs, customer_hobbies, manager_capabilities, manager_hobbies, eligibility=None
) -> np.ndarray:
    """Class codes (0=A .. 4=E) of customers against the given (active) managers, as `snapshot_scores` gives
    them: what reclassifying 100k imported customers needs. `eligibility`: over these customers and managers."""
    totals = engine.TermTotals(customer_needs, customer_hobbies, manager_capabilities, manager_hobbies)
    return _best_and_classes(totals, customer_needs, customer_hobbies, eligibility)[1]


def _best_and_classes(
    totals: engine.TermTotals, customer_needs, customer_hobbies, eligibility: engine.Eligibility | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Each customer's best (eligible) manager column (-1: none) and class code.

    Customers with the same needs and hobbies score alike: each distinct portrait is scored once when
    they repeat enough to pay for the grouping (98% of synthetic portraits differ; real books repeat).
    With eligibility, customers are scored group by group against their allowed managers instead.
    """
    if eligibility is not None:
        best, needs_best, hobbies_best = totals.best(eligibility)
        classes = engine.classify(needs_best[:, None], hobbies_best[:, None], np.minimum(best, 0), **class_rules())
        return best, classes
    first, inverse = engine.distinct_rows(customer_needs, customer_hobbies)
    if len(first) <= len(inverse) // 2:
        best, needs_best, hobbies_best = (values[inverse] for values in totals.customer_rows(first).best())
    else:
        best, needs_best, hobbies_best = totals.best()
    # The best manager's overlaps as one-column matrices: column 0, or -1 when there is no manager.
    classes = engine.classify(needs_best[:, None], hobbies_best[:, None], np.minimum(best, 0), **class_rules())
    return best, classes
