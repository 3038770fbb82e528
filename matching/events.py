"""What matching announces to the apps above it: `managers_changed`, sent once per write that changes who
serves whom, by the writers of `services/history.py` (runs, applied plans, book moves, undo) and
`services/manual.py` (manual assignment, approved requests for another manager). Previews write nothing
and send nothing.

Receivers get, as keyword arguments:

    changes  the `planning.Change`s written (customer, previous and new manager ids)
    run      the `MatchingRun` that wrote them (its history rows are the changes, one each)
    cause    a `ChangeCause`
    actor    who did it (None: the system)

The signal is sent inside the write's transaction: a receiver that acts on it once committed (mail)
registers `transaction.on_commit` itself, and keeps its work in the write phase small (a run of 10,000
customers must not be slowed by more than 10%; benchmarks/bench_notifications.py measures it).
"""
from __future__ import annotations

from django.db import models
from django.dispatch import Signal
from django.utils.translation import gettext_lazy as _


class ChangeCause(models.TextChoices):
    """Why a customer's manager changed, as the people told about it read it."""

    AUTOMATIC_RUN = "automatic_run", _("automatic assignment")
    PLAN_APPLIED = "plan_applied", _("applied plan")
    MANUAL = "manual", _("assignment by an administrator")
    BOOK_MOVE = "book_move", _("book moved from a leaving manager")
    UNDO = "undo", _("undo of an earlier change")
    CHANGE_REQUEST = "change_request", _("approved request for another manager")


managers_changed = Signal()
