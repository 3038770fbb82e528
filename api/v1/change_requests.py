"""Requests for another manager: a customer asks (`POST /api/change-requests`) and reads their own; admins
read the queue (filters `status`, `reason`, `manager`: the console's) and approve or decline.

Ids in bodies are user ids (the manager to move the customer to), as everywhere in the API; a request's
own id is in the path. The customer's manager reads nothing here: the workspace tells them that a request
is open and its reason, never the customer's words (`accounts.access.can_see_change_request_notice`).
"""
from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.access import (
    api_permission, can_decide_change_requests, can_request_manager_change, can_use_change_requests,
    change_requests_visible_to, customers_visible_to,
)
from change_requests.filters import ChangeRequestFilter
from change_requests.models import TEXT_MAX_LENGTH, ChangeRequest, ReasonCategory
from change_requests.selectors import change_request_list
from change_requests.services import change_request_approve, change_request_decline, change_request_open
from core.errors import ApplicationError
from customers.models import CustomerProfile
from managers.models import ManagerProfile

from .common import MAX_ID, error_responses, id_parameter


class ChangeRequestSerializer(serializers.ModelSerializer):
    """A request as the customer who asked and the admins read it."""

    customer_id = serializers.IntegerField(source="customer.user_id", read_only=True,
                                           help_text="The customer's user id.")
    customer_name = serializers.CharField(source="customer.user.display_name", read_only=True)
    manager_id = serializers.IntegerField(source="manager.user_id", read_only=True, allow_null=True,
                                          help_text="The user id of the manager the customer had when asking.")
    manager_name = serializers.CharField(source="manager.user.display_name", read_only=True, allow_null=True)
    new_manager_id = serializers.IntegerField(source="new_manager.user_id", read_only=True, allow_null=True,
                                              help_text="On approval: the user id of the new manager.")
    new_manager_name = serializers.CharField(source="new_manager.user.display_name", read_only=True,
                                             allow_null=True)
    decided_by = serializers.CharField(source="decided_by.username", read_only=True, allow_null=True)

    class Meta:
        model = ChangeRequest
        fields = [
            "id", "customer_id", "customer_name", "manager_id", "manager_name", "reason", "text", "status",
            "reply", "new_manager_id", "new_manager_name", "decided_by", "decided_at", "created_at",
        ]
        read_only_fields = fields


class OpenSerializer(serializers.Serializer):
    reason = serializers.ChoiceField(choices=ReasonCategory.choices)
    text = serializers.CharField(max_length=TEXT_MAX_LENGTH, allow_blank=True, required=False, default="",
                                 trim_whitespace=False, help_text="In the customer's words (optional).")


class ApproveSerializer(serializers.Serializer):
    manager = serializers.IntegerField(min_value=1, max_value=MAX_ID,
                                       help_text="The user id of the manager to move the customer to.")
    reply = serializers.CharField(max_length=TEXT_MAX_LENGTH, allow_blank=True, required=False, default="",
                                  help_text="A word for the customer (optional).")


class DeclineSerializer(serializers.Serializer):
    reply = serializers.CharField(max_length=TEXT_MAX_LENGTH, help_text="Why, for the customer.")


def _visible(request) -> QuerySet:
    return change_request_list(requests=change_requests_visible_to(request.user, ChangeRequest.objects.all()))


class ChangeRequestListView(generics.ListCreateAPIView):
    """The queue (admins, newest first, with filters) or the customer's own requests; a customer asks."""

    serializer_class = ChangeRequestSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = ChangeRequestFilter

    def get_permissions(self):
        if self.request.method == "POST":
            return [api_permission(can_request_manager_change)()]
        return [api_permission(can_use_change_requests)()]

    def get_queryset(self):
        return _visible(self.request)

    @extend_schema(tags=["change requests"], responses={200: ChangeRequestSerializer(many=True),  # 404: no such page
                                                         **error_responses(400, 401, 403, 404)})
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        tags=["change requests"], request=OpenSerializer,
        responses={201: ChangeRequestSerializer, **error_responses(400, 401, 403, 409)},
    )
    def post(self, request, *args, **kwargs):
        body = OpenSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        customer = customers_visible_to(request.user, CustomerProfile.objects.all()).first()
        if customer is None:
            raise ApplicationError(_("Fill in your portrait first."), code="no_portrait")
        change_request = change_request_open(customer=customer, actor=request.user, **body.validated_data)
        return Response(ChangeRequestSerializer(_visible(request).get(pk=change_request.pk)).data,
                        status=status.HTTP_201_CREATED)


class _DecisionView(APIView):
    permission_classes = [api_permission(can_decide_change_requests)]

    def change_request(self, id: int) -> ChangeRequest:
        return get_object_or_404(_visible(self.request), pk=id)

    def answer(self, change_request: ChangeRequest) -> Response:
        return Response(ChangeRequestSerializer(_visible(self.request).get(pk=change_request.pk)).data)


class ChangeRequestApproveView(_DecisionView):
    """Move the customer to the manager chosen (a manual assignment: capacity-checked, locked against
    automatic runs, audited). 409 when that manager has no room or the request was already decided."""

    @extend_schema(
        tags=["change requests"], request=ApproveSerializer, parameters=[id_parameter("The request's id.")],
        responses={200: ChangeRequestSerializer, **error_responses(400, 401, 403, 404, 409)},
    )
    def post(self, request, id: int):
        change_request = self.change_request(id)
        body = ApproveSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        manager = ManagerProfile.objects.filter(user_id=body.validated_data["manager"]).first()
        if manager is None:
            raise serializers.ValidationError({"manager": [_("No manager has this id.")]})
        change_request = change_request_approve(
            change_request=change_request, manager=manager, actor=request.user, reply=body.validated_data["reply"]
        )
        return self.answer(change_request)


class ChangeRequestDeclineView(_DecisionView):
    """Decline with a reply the customer reads; 409 when the request was already decided."""

    @extend_schema(
        tags=["change requests"], request=DeclineSerializer, parameters=[id_parameter("The request's id.")],
        responses={200: ChangeRequestSerializer, **error_responses(400, 401, 403, 404, 409)},
    )
    def post(self, request, id: int):
        change_request = self.change_request(id)
        body = DeclineSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        change_request = change_request_decline(
            change_request=change_request, reply=body.validated_data["reply"], actor=request.user
        )
        return self.answer(change_request)

