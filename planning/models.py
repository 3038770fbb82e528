"""What-if scenarios of capacity planning: a named set of changes to today's team, evaluated against today's
optimal plan (`planning.services`, `matching.capacity_report.scenario_report`) without changing anyone.

`changes` is one JSON object, checked by `validate_changes` (its shape, on this row alone; that the managers
and terms it names exist is checked across rows by the services):

    {"capacity": {"<manager id>": <capacity>, ...},
     "removed": [<manager id>, ...],
     "added": [{"name": "...", "capabilities": [<service id>], "hobbies": [<hobby id>],
                "branch": <branch id or null>, "tiers": ["<tier code>", ...], "capacity": <capacity>}, ...]}
"""
from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from managers.models import MAX_CAPACITY
from vocabularies.tiers import validate_tier_codes

#: At most this many managers added in one scenario: a scenario is a question about a few people.
MAX_ADDED = 50
CHANGE_KEYS = ("capacity", "removed", "added")
ADDED_KEYS = ("name", "capabilities", "hobbies", "branch", "tiers", "capacity")


def _is_id(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


def _capacity_error(value) -> ValidationError | None:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_CAPACITY:
        return ValidationError(
            _("A capacity must be a whole number from 1 to %(max)d.") % {"max": MAX_CAPACITY},
            code="invalid_capacity",
        )
    return None


def validate_changes(value) -> None:
    """The shape of a scenario's changes (see the module's docstring): at least one change, capacities from 1
    to `MAX_CAPACITY`, no manager both removed and given a capacity, added managers complete and named."""
    if not isinstance(value, dict) or set(value) - set(CHANGE_KEYS):
        raise ValidationError(_("The changes must be capacities, removed managers and added managers."),
                              code="invalid_changes")
    capacities = value.get("capacity", {})
    removed = value.get("removed", [])
    added = value.get("added", [])
    if not isinstance(capacities, dict) or not all(key.isdigit() and int(key) > 0 for key in capacities):
        raise ValidationError(_("Capacities must be given by manager id."), code="invalid_changes")
    for capacity in capacities.values():
        if error := _capacity_error(capacity):
            raise error
    if not isinstance(removed, list) or not all(_is_id(pk) for pk in removed) or len(set(removed)) != len(removed):
        raise ValidationError(_("Removed managers must be distinct manager ids."), code="invalid_changes")
    if both := sorted({int(key) for key in capacities} & set(removed)):
        raise ValidationError(
            _("A removed manager cannot also get a new capacity (manager ids %(ids)s).")
            % {"ids": ", ".join(str(pk) for pk in both)},
            code="removed_and_changed",
        )
    if not isinstance(added, list) or len(added) > MAX_ADDED:
        raise ValidationError(_("At most %(max)d managers can be added.") % {"max": MAX_ADDED}, code="invalid_changes")
    for manager in added:
        _validate_added(manager)
    if not (capacities or removed or added):
        raise ValidationError(_("A scenario changes at least one thing: a capacity, a manager removed or one "
                                "added."), code="no_change")


def _validate_added(manager) -> None:
    if not isinstance(manager, dict) or set(manager) != set(ADDED_KEYS):
        raise ValidationError(_("An added manager needs a name, capabilities, hobbies, a branch, tiers and a "
                                "capacity."), code="invalid_added")
    name = manager["name"]
    if not isinstance(name, str) or not name.strip() or len(name) > 100:
        raise ValidationError(_("An added manager needs a name of at most 100 characters."), code="invalid_added")
    for key in ("capabilities", "hobbies"):
        terms = manager[key]
        if not isinstance(terms, list) or not all(_is_id(pk) for pk in terms) or len(set(terms)) != len(terms):
            raise ValidationError(_("Capabilities and hobbies must be distinct term ids."), code="invalid_added")
    if manager["branch"] is not None and not _is_id(manager["branch"]):
        raise ValidationError(_("The branch must be a branch id or empty."), code="invalid_added")
    validate_tier_codes(manager["tiers"])
    if error := _capacity_error(manager["capacity"]):
        raise error


class CapacityScenario(models.Model):
    """A saved what-if: changes to today's team and, once evaluated, its plan beside today's."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)  # checked by clean(): validate_changes
    # The latest evaluation (`planning.services.scenario_evaluate`): today's plan and the scenario's, the
    # move cost they were computed with; emptied when the changes change.
    result = models.JSONField(_("evaluation"), default=dict, blank=True)
    evaluated_at = models.DateTimeField(_("evaluated"), null=True, blank=True)

    class Meta:
        verbose_name = _("capacity scenario")
        verbose_name_plural = _("capacity scenarios")
        ordering = ["-updated_at", "-id"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        try:
            validate_changes(self.changes)
        except ValidationError as exc:
            raise ValidationError({"changes": exc.error_list}) from exc

    @property
    def capacities(self) -> dict[int, int]:
        """Manager id -> the scenario's capacity."""
        return {int(pk): value for pk, value in self.changes.get("capacity", {}).items()}

    @property
    def removed(self) -> list[int]:
        return list(self.changes.get("removed", []))

    @property
    def added(self) -> list[dict]:
        return list(self.changes.get("added", []))

    @property
    def capacity_only(self) -> bool:
        """Only capacities change: the scenario can be applied through the capacity service."""
        return bool(self.capacities) and not self.removed and not self.added
