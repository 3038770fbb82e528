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
    needs_match = engine.overlap(snapshot.customer_needs, snapshot.manager_capabilities[active])
    hobbies_match = engine.overlap(snapshot.customer_hobbies, snapshot.manager_hobbies[active])
    best = engine.best_managers(needs_match, hobbies_match)
    classes = engine.classify(needs_match, hobbies_match, best, **class_rules())
    return Scores(active=active, needs_match=needs_match, hobbies_match=hobbies_match, best=best, classes=classes)
