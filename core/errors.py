"""Application errors: what a service refuses, with a meaning every surface maps the same way.

They are `ValidationError`s, so forms and admin actions show them like any other refusal; the API's
one error handler (`api/errors.py`) and the pages' message helper give each class its status code.
"""
from django.core.exceptions import ValidationError


class ApplicationError(ValidationError):
    """A refusal a user can act on (HTTP 400 unless a subclass says otherwise)."""

    def __init__(self, message, code: str | None = None, params=None, *, details: list | None = None):
        super().__init__(message, code=code, params=params)
        self.details = details or []  # structured extras (conflicting customers, full managers …)


class Conflict(ApplicationError):
    """The data changed or is in a state that forbids the change now (HTTP 409)."""


class CapacityExceeded(Conflict):
    """A manager would serve more customers than their capacity."""


class RunInProgress(Conflict):
    """Another matching run holds the lock: try again when it has finished."""


class UndoRefused(Conflict):
    """A run cannot be undone (already undone, changed since, or a manager would go over capacity)."""


class StalePlan(Conflict):
    """A previewed plan touches customers or managers that changed since the preview."""
