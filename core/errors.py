"""Application errors: what a service refuses, with a meaning every surface maps the same way.

The kinds of refusal only (a refusal, a conflict); the apps name their own (`matching.errors`).

They are `ValidationError`s, so forms and admin actions show them like any other refusal; the API's
one error handler (`api/errors.py`) and the pages' message helper give each class its status code.
"""
from django.core.exceptions import ValidationError


DETAILS_SHOWN = 20


class ApplicationError(ValidationError):
    """A refusal a user can act on (HTTP 400 unless a subclass says otherwise).

    `details` are structured extras (conflicting customers, full managers …), all of them; a refusal
    shows the first `DETAILS_SHOWN` (`details_shown`) and how many there are in all, never thousands.
    """

    def __init__(self, message, code: str | None = None, params=None, *, details: list | None = None):
        super().__init__(message, code=code, params=params)
        self.details = list(details or [])

    @property
    def details_shown(self) -> list:
        return self.details[:DETAILS_SHOWN]


class Conflict(ApplicationError):
    """The data changed or is in a state that forbids the change now (HTTP 409)."""

