"""The queue's filters, one FilterSet for the console page and the API (the same query string, the same
requests): `status`, `reason`, `manager` (the user id of the manager the customer had when asking)."""
from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from managers.models import ManagerProfile

from .models import ChangeRequest, ReasonCategory, RequestStatus


def _managers_asked_about(request):
    return (
        ManagerProfile.objects.filter(pk__in=ChangeRequest.objects.values("manager"))
        .select_related("user")
        .order_by("user__username")
    )


@extend_schema_field(OpenApiTypes.INT)
class ManagerUserIdFilter(django_filters.ModelChoiceFilter):
    """A manager chosen by user id (the API's ids); a page shows them by name."""


class ChangeRequestFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(label=_("Status"), choices=RequestStatus.choices)
    reason = django_filters.ChoiceFilter(label=_("Reason"), choices=ReasonCategory.choices)
    manager = ManagerUserIdFilter(
        label=_("Manager"), queryset=_managers_asked_about, to_field_name="user_id",
        help_text=_("The user id of the manager the customer had when asking."),
    )

    class Meta:
        model = ChangeRequest
        fields = ["status", "reason", "manager"]
