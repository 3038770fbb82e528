"""Forms of capacity planning: the move cost of a plan, and a what-if scenario as a name plus repeated rows
(capacities, managers removed, managers added) that become the scenario's `changes` (checked by
`planning.models.validate_changes` and the services)."""
from __future__ import annotations

from django import forms
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _

from managers.models import MAX_CAPACITY, ManagerProfile
from matching.services.runs import MAX_MOVE_COST
from planning.models import MAX_ADDED
from vocabularies.models import Branch, Hobby, Service
from vocabularies.tiers import tier_choices

from .forms import StyledForm


class Choices:
    """The lists the scenario's fields offer, read once for the whole page (4 queries, whatever the rows)."""

    def __init__(self):
        self.managers = [
            (manager.pk, f"{manager.user.display_name} ({manager.user.username}) · {manager.capacity}")
            for manager in ManagerProfile.objects.select_related("user").order_by("user__username")
        ]
        self.services = list(Service.objects.order_by("order", "name").values_list("pk", "name"))
        self.hobbies = list(Hobby.objects.order_by("order", "name").values_list("pk", "name"))
        self.branches = [(pk, f"{name} ({code})") for pk, name, code in
                         Branch.objects.order_by("code").values_list("pk", "name", "code")]


class MoveCostForm(StyledForm):
    move_cost = forms.IntegerField(
        label=_("Cost of a move (points)"), required=False, min_value=0, max_value=MAX_MOVE_COST, initial=0,
        help_text=_("Plan with continuity: a customer leaves their manager today only when the move gains more "
                    "than this many points of fit."),
    )

    def clean_move_cost(self):
        return self.cleaned_data.get("move_cost") or 0


class ScenarioForm(StyledForm):
    name = forms.CharField(label=_("Name"), max_length=100)
    removed = forms.TypedMultipleChoiceField(
        label=_("Managers removed"), coerce=int, required=False,
        help_text=_("Their customers must move; hold Ctrl (or ⌘) to choose several."),
    )

    def __init__(self, *args, choices: Choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["removed"].choices = choices.managers


class CapacityRowForm(StyledForm):
    manager = forms.TypedChoiceField(label=_("Manager"), coerce=int, required=False, empty_value=None)
    capacity = forms.IntegerField(label=_("New capacity"), min_value=1, max_value=MAX_CAPACITY, required=False)

    def __init__(self, *args, choices: Choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["manager"].choices = [("", "—"), *choices.managers]

    def clean(self):
        data = super().clean()
        if bool(data.get("manager")) != bool(data.get("capacity")):
            raise forms.ValidationError(_("Choose a manager and a capacity, or leave both empty."))
        return data


class AddedManagerForm(StyledForm):
    name = forms.CharField(label=_("Name"), max_length=100, required=False)
    capabilities = forms.TypedMultipleChoiceField(label=_("Capabilities"), coerce=int, required=False)
    hobbies = forms.TypedMultipleChoiceField(label=_("Hobbies"), coerce=int, required=False)
    branch = forms.TypedChoiceField(label=_("Branch"), coerce=int, required=False, empty_value=None)
    tiers = forms.MultipleChoiceField(label=_("Service tiers"), choices=tier_choices, required=False,
                                      help_text=_("None chosen: every tier."))
    capacity = forms.IntegerField(label=_("Capacity"), min_value=1, max_value=MAX_CAPACITY, required=False)

    def __init__(self, *args, choices: Choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["capabilities"].choices = choices.services
        self.fields["hobbies"].choices = choices.hobbies
        self.fields["branch"].choices = [("", _("Every branch")), *choices.branches]

    def clean(self):
        data = super().clean()
        if data.get("name") and not data.get("capacity"):
            self.add_error("capacity", _("An added manager needs a capacity."))
        elif data.get("capacity") and not data.get("name"):
            self.add_error("name", _("An added manager needs a name."))
        return data


CapacityRows = formset_factory(CapacityRowForm, extra=3)
AddedManagers = formset_factory(AddedManagerForm, extra=2, max_num=MAX_ADDED, validate_max=True)


class ScenarioForms:
    """The scenario's form and its two sets of rows, bound together; `changes()` once all are valid."""

    def __init__(self, data=None, *, scenario=None):
        initial = _initial(scenario) if scenario is not None and data is None else {}
        choices = Choices()
        self.form = ScenarioForm(data, initial=initial.get("form"), choices=choices)
        self.capacities = CapacityRows(
            data, prefix="capacity", initial=initial.get("capacity"), form_kwargs={"choices": choices}
        )
        self.added = AddedManagers(data, prefix="added", initial=initial.get("added"), form_kwargs={"choices": choices})

    def is_valid(self) -> bool:
        return all([self.form.is_valid(), self.capacities.is_valid(), self.added.is_valid()])

    @property
    def name(self) -> str:
        return self.form.cleaned_data["name"]

    def changes(self) -> dict:
        changes = {}
        capacities = {
            str(row["manager"]): row["capacity"] for row in self.capacities.cleaned_data if row.get("manager")
        }
        if capacities:
            changes["capacity"] = capacities
        if removed := sorted(self.form.cleaned_data["removed"]):
            changes["removed"] = removed
        added = [
            {
                "name": row["name"], "capabilities": sorted(row["capabilities"]), "hobbies": sorted(row["hobbies"]),
                "branch": row.get("branch"),
                "tiers": list(row["tiers"]), "capacity": row["capacity"],
            }
            for row in self.added.cleaned_data
            if row.get("name")
        ]
        if added:
            changes["added"] = added
        return changes

    def add_error(self, message) -> None:
        self.form.add_error(None, message)


def _initial(scenario) -> dict:
    return {
        "form": {"name": scenario.name, "removed": scenario.removed},
        "capacity": [{"manager": pk, "capacity": value} for pk, value in scenario.capacities.items()],
        "added": [
            {"name": a["name"], "capabilities": a["capabilities"], "hobbies": a["hobbies"], "branch": a["branch"],
             "tiers": a["tiers"], "capacity": a["capacity"]}
            for a in scenario.added
        ],
    }
