"""Scoring: run the engine on a loaded snapshot, with the classification rules from settings.

Selectors load arrays; this module computes from them (the engine does the maths) and is the one place
that reads the classification settings.
"""
from __future__ import annotations

import numpy as np
from django.conf import settings

from . import engine
from .planning import Scores, Snapshot


def class_rules() -> dict:
    """The classification thresholds and upgrade margin from settings, as the engine takes them.

    Thresholds are given per class letter for every class but the last (E is what is left).
    """
    thresholds = settings.PORTRAIT_CLASS_THRESHOLDS
    return {
        "thresholds": tuple(thresholds[letter] for letter in engine.CLASS_LABELS[:-1]),
        "upgrade_margin": settings.PORTRAIT_UPGRADE_MARGIN,
    }


def portrait_scores(snapshot: Snapshot) -> Scores:
    """Score every customer against every active manager; best manager and class follow."""
    active = np.flatnonzero(snapshot.manager_active)
    # Customers with the same needs and hobbies score alike: score each distinct portrait once, then expand
    # (when they repeat enough to pay for the copies the expansion makes: 98% of synthetic portraits differ).
    first, inverse = engine.distinct_rows(snapshot.customer_needs, snapshot.customer_hobbies)
    repeated = len(first) <= len(inverse) // 2
    rows = first if repeated else slice(None)
    # Counts in one byte when they fit: a 100k x 1,000 matrix is 100 MB, not 200 (allocating is most of its cost).
    n_terms = max(snapshot.customer_needs.shape[1], snapshot.customer_hobbies.shape[1])
    dtype = np.uint8 if n_terms <= np.iinfo(np.uint8).max else np.int16
    needs_match = engine.overlap(snapshot.customer_needs[rows], snapshot.manager_capabilities[active], dtype=dtype)
    hobbies_match = engine.overlap(snapshot.customer_hobbies[rows], snapshot.manager_hobbies[active], dtype=dtype)
    best = engine.best_managers(needs_match, hobbies_match)
    classes = engine.classify(needs_match, hobbies_match, best, **class_rules())
    if repeated:
        needs_match, hobbies_match, best, classes = (
            needs_match[inverse], hobbies_match[inverse], best[inverse], classes[inverse]
        )
    return Scores(active=active, needs_match=needs_match, hobbies_match=hobbies_match, best=best, classes=classes)


def class_codes(customer_needs, customer_hobbies, manager_capabilities, manager_hobbies) -> np.ndarray:
    """Class codes (0=A .. 4=E) of customers against the given (active) managers, as `portrait_scores` gives
    them, without its customer x manager matrices: what reclassifying 100k imported customers needs.

    Customers with the same needs and hobbies are classified once.
    """
    first, inverse = engine.distinct_rows(customer_needs, customer_hobbies)
    needs_best, hobbies_best = engine.best_overlaps(
        customer_needs[first], customer_hobbies[first], manager_capabilities, manager_hobbies
    )
    best = np.full(len(first), 0 if len(manager_capabilities) else -1, dtype=np.intp)
    codes = engine.classify(needs_best[:, None], hobbies_best[:, None], best, **class_rules())
    return codes[inverse]
