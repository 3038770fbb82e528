"""Admin operations: matching runs (start, list, read, undo) and assignment by hand. Admin role only."""
from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.urls import reverse
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.access import api_permission, can_assign_by_hand, can_run_matching, customers_visible_to
from core.errors import CapacityExceeded, Conflict
from managers.models import ManagerProfile
from matching.models import MatchingRun, RunKind, RunStatus, Strategy
from matching.services import customer_assign, run_undo

try:  # reshape-b renames the automatic run service; either name is the same service
    from matching.services import run_automatic
except ImportError:  # pragma: no cover - before that rename lands
    from matching.services import matching_run as run_automatic

from .common import MAX_ID, error_responses, id_parameter

User = get_user_model()


class RunSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.username", read_only=True, allow_null=True)
    mean_score = serializers.FloatField(read_only=True)
    undo_of = serializers.IntegerField(source="undo_of_id", read_only=True, allow_null=True)
    kind = serializers.ChoiceField(choices=RunKind.choices, read_only=True)
    strategy = serializers.ChoiceField(choices=Strategy.choices, read_only=True)
    status = serializers.ChoiceField(choices=RunStatus.choices, read_only=True)
    url = serializers.SerializerMethodField()

    class Meta:
        model = MatchingRun
        fields = [
            "id", "url", "kind", "status", "strategy", "dry_run", "options", "actor", "undo_of", "started_at",
            "finished_at", "customers_classified", "customers_placed", "customers_moved", "customers_unassigned",
            "fallbacks", "total_score", "mean_score", "summary", "error",
        ]
        read_only_fields = fields

    def get_url(self, run) -> str:
        return reverse("api:run-detail", kwargs={"id": run.pk})


def _runs():
    return MatchingRun.objects.select_related("actor").order_by("-started_at", "-id")


class AutoAssignSerializer(serializers.Serializer):
    strategy = serializers.ChoiceField(choices=Strategy.choices, default=Strategy.OPTIMAL)
    rebalance = serializers.BooleanField(default=False)
    dry_run = serializers.BooleanField(default=False)


class RunStartedSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="The run's id.")
    status = serializers.ChoiceField(choices=RunStatus.choices)
    url = serializers.CharField(help_text="Poll this URL (GET) for the run's progress and result.")


class AutoAssignView(APIView):
    """Start a matching run: reclassify everyone and place who needs a manager. Answers 202 at once with
    the run and the URL to poll."""

    permission_classes = [api_permission(can_run_matching)]

    @extend_schema(tags=["admin"], request=AutoAssignSerializer,
                   responses={202: RunStartedSerializer, **error_responses(400, 401, 403, 409)})
    def post(self, request):
        body = AutoAssignSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        report = run_automatic(actor=request.user, **body.validated_data)
        run = report.run
        return Response(
            {"id": run.pk, "status": run.status, "url": reverse("api:run-detail", kwargs={"id": run.pk})},
            status=status.HTTP_202_ACCEPTED,
        )


class RunListView(generics.ListAPIView):
    """Matching runs, newest first."""

    serializer_class = RunSerializer
    permission_classes = [api_permission(can_run_matching)]

    def get_queryset(self):
        return _runs()

    @extend_schema(
        tags=["admin"],
        parameters=[OpenApiParameter("page_size", {"type": "integer", "minimum": 1, "maximum": 200})],
        responses={200: RunSerializer(many=True), **error_responses(401, 403, 404)},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class RunDetailView(generics.RetrieveAPIView):
    """One run: its options, status, figures and summary."""

    serializer_class = RunSerializer
    permission_classes = [api_permission(can_run_matching)]
    lookup_url_kwarg = "id"

    def get_queryset(self):
        return _runs()

    @extend_schema(tags=["admin"], parameters=[id_parameter("The run's id.")],
                   responses={200: RunSerializer, **error_responses(401, 403, 404)})
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class RunUndoView(APIView):
    """Undo a run: restore the managers it changed; refused (409, with the customers) if any changed
    again since or a manager would go over capacity."""

    permission_classes = [api_permission(can_run_matching)]

    @extend_schema(tags=["admin"], request=None, parameters=[id_parameter("The run to undo.")],
                   responses={200: RunSerializer, **error_responses(400, 401, 403, 404, 409)})
    def post(self, request, id: int):
        run = get_object_or_404(MatchingRun, pk=id)
        undo = run_undo(run=run, actor=request.user)
        return Response(RunSerializer(_runs().get(pk=undo.pk)).data)


class ManualAssignSerializer(serializers.Serializer):
    customer = serializers.IntegerField(min_value=1, max_value=MAX_ID, help_text="The customer's user id.")
    manager = serializers.IntegerField(min_value=1, max_value=MAX_ID, help_text="The manager's user id.")
    reason = serializers.CharField(max_length=255, help_text="Why: kept with the assignment and in the audit log.")


class AssignmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    customer = serializers.IntegerField(source="customer.user_id")
    previous_manager = serializers.IntegerField(source="previous_manager.user_id", allow_null=True)
    new_manager = serializers.IntegerField(source="new_manager.user_id", allow_null=True)
    customer_class = serializers.CharField()
    total = serializers.IntegerField()
    reason = serializers.CharField()
    note = serializers.CharField()
    created_at = serializers.DateTimeField()


class ManualAssignView(APIView):
    """Assign a customer to a manager by hand (the relationship is then locked against runs).
    Refused with 409 and the reason when the manager has no room."""

    permission_classes = [api_permission(can_assign_by_hand)]

    @extend_schema(tags=["admin"], request=ManualAssignSerializer,
                   responses={200: AssignmentSerializer, **error_responses(400, 401, 403, 404, 409)})
    def post(self, request):
        body = ManualAssignSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        customer = get_object_or_404(customers_visible_to(request.user), user_id=data["customer"])
        manager = get_object_or_404(ManagerProfile, user_id=data["manager"])
        try:
            assignment = customer_assign(customer=customer, manager=manager, actor=request.user, note=data["reason"])
        except Conflict:
            raise
        except ValidationError as exc:
            # matching refuses a full manager with a plain ValidationError today; the API's answer to a
            # full manager is 409. Drop this once the service raises CapacityExceeded itself.
            if customer.manager_id != manager.pk and manager.customers.count() >= manager.capacity:
                raise CapacityExceeded(exc.messages[0]) from exc
            raise
        assignment = type(assignment).objects.select_related(
            "customer", "previous_manager", "new_manager").get(pk=assignment.pk)
        return Response(AssignmentSerializer(assignment).data)
