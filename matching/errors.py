"""What matching's services refuse: `core.errors.Conflict`s, so every surface maps them to 409 the same way
(the API's one handler in `api/errors.py`; forms and admin actions show them like any refusal)."""
from core.errors import Conflict


class CapacityExceeded(Conflict):
    """A manager would serve more customers than their capacity."""


class RunInProgress(Conflict):
    """Another matching run holds the lock: try again when it has finished."""


class UndoRefused(Conflict):
    """A run cannot be undone (already undone, changed since, or a manager would go over capacity)."""


class StalePlan(Conflict):
    """A previewed plan touches customers or managers that changed since the preview."""
