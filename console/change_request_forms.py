"""The forms of the change-request pages: approve (a manager among the best candidates with room) or
decline (a reply for the customer). Their rules are the services'; these only read the input."""
from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from change_requests.models import TEXT_MAX_LENGTH

from .forms import StyledForm


def styled(form: forms.Form) -> forms.Form:
    """Bootstrap classes on a form built elsewhere (the queue's FilterSet form)."""
    for field in form.fields.values():
        css = "form-select form-select-sm" if isinstance(field.widget, forms.Select) else "form-control form-control-sm"
        field.widget.attrs.setdefault("class", css)
    return form


class ApproveForm(StyledForm):
    manager = forms.TypedChoiceField(label=_("New manager"), coerce=int, widget=forms.RadioSelect)
    reply = forms.CharField(
        label=_("A word for the customer"), required=False, max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, candidates: list[dict], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["manager"].widget.attrs["class"] = "form-check-input"
        self.fields["manager"].choices = [
            (
                row["id"],
                _("%(manager)s: %(needs)d needs offered, %(hobbies)d hobbies shared, room for %(room)d")
                % {"manager": row["username"], "needs": row["needs"], "hobbies": row["hobbies"], "room": row["room"]},
            )
            for row in candidates
        ]


class DeclineForm(StyledForm):
    reply = forms.CharField(
        label=_("Reply to the customer"), max_length=TEXT_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 3}),
    )
