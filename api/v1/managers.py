"""Relationship managers: the list (admin) and one profile (the manager, or an admin).

Capabilities and hobbies change through `managers.services.manager_profile_update`; capacity and the
accepting flag through `matching.services.manager_availability_update` (it takes the run lock, so a
run sees either the old values or the new). Capacity is an admin's decision only.
"""
from __future__ import annotations

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.response import Response

from accounts.access import (
    api_permission, can_edit_manager_profile, can_list_managers, can_set_capacity, can_set_service_area,
    can_view_manager, is_signed_in, managers_visible_to,
)
from managers.filters import ManagerFilter
from managers.models import MAX_CAPACITY, ManagerProfile
from managers.selectors import managers_with_load
from managers.services import manager_profile_update
from matching.services import manager_availability_update, manager_service_area_update
from vocabularies.models import Branch, Hobby, Service

from .common import ProtectedFieldsMixin, error_responses, id_parameter
from .customers import TermListField



class ManagerSerializer(ProtectedFieldsMixin, serializers.Serializer):
    """A manager's profile. Writable: capabilities, hobbies, accepting_customers; capacity (admin only,
    with `confirm_overflow` when it is below the current book); branch and tiers (admin only)."""

    protected_fields = {
        "username": "username", "name": "name", "load": "load",
        "role": None, "is_staff": None, "is_superuser": None,
    }

    id = serializers.IntegerField(source="user_id", read_only=True, help_text="The manager's user id.")
    username = serializers.CharField(source="user.username", read_only=True)
    name = serializers.CharField(source="user.name", read_only=True)
    is_active = serializers.BooleanField(source="user.is_active", read_only=True)
    capabilities = TermListField(Service, required=False, help_text="Service names (see /api/vocabulary).")
    hobbies = TermListField(Hobby, required=False, help_text="Hobby names (see /api/vocabulary).")
    capacity = serializers.IntegerField(min_value=1, max_value=MAX_CAPACITY, required=False,
                                        help_text="The most customers this manager may serve (admin only).")
    accepting_customers = serializers.BooleanField(required=False)
    branch = serializers.SlugRelatedField(
        slug_field="code", queryset=Branch.objects.all(), allow_null=True, required=False,
        help_text="The branch's code (branches: import_branches or the admin); null: serves every branch. "
                  "Writable by an admin only.",
    )
    tiers = serializers.ListField(
        child=serializers.CharField(max_length=50), required=False, max_length=20,
        help_text="Codes of the service tiers served (PORTRAIT_TIERS: mass, vip, private by default); empty: every "
                  "tier. Writable by an admin only.",
    )
    load = serializers.IntegerField(read_only=True, help_text="Customers served now.")
    confirm_overflow = serializers.BooleanField(
        write_only=True, required=False, default=False,
        help_text="Confirm a capacity below the current book: the customers stay, no one new is assigned.",
    )

    def validate(self, attrs):
        self.refuse_protected(self.to_representation(self.instance) if self.instance is not None else {})
        return attrs


def _managers(user):
    return (
        managers_with_load(managers_visible_to(user, ManagerProfile.objects.all())).select_related("user", "branch")
        .prefetch_related("capabilities", "hobbies")
    )


class ManagerListView(generics.ListAPIView):
    """Every relationship manager with their load (admin only)."""

    serializer_class = ManagerSerializer
    permission_classes = [api_permission(can_list_managers)]
    filter_backends = [DjangoFilterBackend]
    filterset_class = ManagerFilter  # `branch`: a code, or "none" (as the console's lists)

    def get_queryset(self):
        queryset = _managers(self.request.user).order_by("user__username", "pk")
        if q := self.request.query_params.get("q", "")[:100]:
            queryset = queryset.filter(Q(user__username__icontains=q) | Q(user__name__icontains=q))
        return queryset

    @extend_schema(
        tags=["managers"],
        parameters=[
            OpenApiParameter("q", {"type": "string", "maxLength": 100}, description="Part of the username or name."),
            OpenApiParameter(
                "branch", {"type": "string"}, description="A branch's code; “none” for the managers without a branch.",
            ),
            OpenApiParameter("page_size", {"type": "integer", "minimum": 1, "maximum": 200}),
        ],
        responses={200: ManagerSerializer(many=True), **error_responses(400, 401, 403, 404)},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class ManagerProfileView(generics.GenericAPIView):
    """One manager's profile: the manager and an admin read and change it (capacity: admin only)."""

    serializer_class = ManagerSerializer

    def get_permissions(self):
        if self.request.method in ("GET", "HEAD", "OPTIONS"):
            return [api_permission(is_signed_in, objects=can_view_manager)()]
        return [api_permission(is_signed_in, objects=can_edit_manager_profile)()]

    def get_object(self) -> ManagerProfile:
        manager = managers_with_load().select_related("user", "branch") \
            .prefetch_related("capabilities", "hobbies").filter(user_id=self.kwargs["id"]).first()
        if manager is None or not can_view_manager(self.request.user, manager):
            raise NotFound  # nobody learns that a manager they may not see exists
        self.check_object_permissions(self.request, manager)
        return manager

    @extend_schema(tags=["managers"], parameters=[id_parameter("The manager's user id.")],
                   responses={200: ManagerSerializer, **error_responses(401, 403, 404)})
    def get(self, request, *args, **kwargs):
        return Response(self.get_serializer(self.get_object()).data)

    @extend_schema(tags=["managers"], parameters=[id_parameter("The manager's user id.")],
                   responses={200: ManagerSerializer, **error_responses(400, 401, 403, 404, 409)})
    def put(self, request, *args, **kwargs):
        return self._save(partial=False)

    @extend_schema(tags=["managers"], parameters=[id_parameter("The manager's user id.")],
                   responses={200: ManagerSerializer, **error_responses(400, 401, 403, 404, 409)})
    def patch(self, request, *args, **kwargs):
        return self._save(partial=True)

    def _save(self, *, partial: bool) -> Response:
        manager = self.get_object()
        serializer = self.get_serializer(manager, data=self.request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        capacity = data.get("capacity")
        if capacity == manager.capacity:
            capacity = None
        if capacity is not None and not can_set_capacity(self.request.user):
            raise PermissionDenied({"capacity": [_("Only an administrator may change a manager's capacity.")]})
        accepting = data.get("accepting_customers")
        if accepting == manager.accepting_customers:
            accepting = None
        branch = data.get("branch", manager.branch)
        tiers = data.get("tiers", manager.tiers)
        service_area_changes = branch != manager.branch or list(tiers) != list(manager.tiers)
        if service_area_changes and not can_set_service_area(self.request.user):
            raise PermissionDenied({
                "branch" if branch != manager.branch else "tiers":
                    [_("Only an administrator may change the branch and service tiers a manager serves.")]
            })
        actor = self.request.user
        with transaction.atomic():  # both halves of the profile, or neither
            if "capabilities" in data or "hobbies" in data:
                manager_profile_update(
                    manager=manager, actor=actor,
                    capabilities=data.get("capabilities", list(manager.capabilities.all())),
                    hobbies=data.get("hobbies", list(manager.hobbies.all())),
                )
            if capacity is not None or accepting is not None:
                manager_availability_update(
                    manager=manager, actor=actor, capacity=capacity, accepting_customers=accepting,
                    confirm_overflow=data.get("confirm_overflow", False),
                )
            if service_area_changes:
                manager_service_area_update(manager=manager, actor=actor, branch=branch, tiers=tiers)
        return Response(self.get_serializer(self.get_object()).data)
