"""Capacity planning for the admin role (under /api/admin/): the newest capacity plan (each manager's four
seat numbers, where seats are worth most, who is left short), computing it again, and what-if scenarios
(list, save, read, change, delete, evaluate), through the services the console calls. Plans and evaluations
say whether they are `current`: computed on the data as they are now.

Plans and evaluations take tens of seconds at 100k customers: they go to the task queue like runs
(`jobs.services.job_enqueue`), answered 202 with the job to poll (`GET /api/admin/jobs/{id}`); with no
broker configured the job has already finished in-process.
"""
from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.access import api_permission, can_plan_capacity
from matching.selectors import plan_inputs_stamp
from matching.services.runs import MAX_MOVE_COST
from planning.jobs import CAPACITY_JOB, SCENARIO_JOB
from planning.models import CapacityScenario
from planning.selectors import capacity_plan_latest, result_current, scenarios_listed
from planning.services import scenario_create, scenario_delete, scenario_update

from .common import error_responses, id_parameter
from .matching import JobSerializer, _enqueue


class _Seats(serializers.Serializer):
    placed_plus = serializers.IntegerField(help_text="Customers placed by one more seat (0 or 1).")
    score_plus = serializers.IntegerField(help_text="Points of fit one more seat adds (after placing comes first).")
    placed_minus = serializers.IntegerField(help_text="Customers placed with one seat fewer (0 or -1).")
    score_minus = serializers.IntegerField(help_text="Points of fit one seat fewer costs.")


class _ManagerSeats(_Seats):
    id = serializers.IntegerField(help_text="The manager profile's id.")
    username = serializers.CharField()


class _KeyedSeats(_Seats):
    name = serializers.CharField()
    code = serializers.CharField()
    managers = serializers.IntegerField(help_text="Managers summed over.")


class _Group(serializers.Serializer):
    branch = serializers.CharField(
        allow_blank=True, help_text="The branch's name; empty: none, or branches do not matter."
    )
    tier = serializers.CharField(allow_blank=True)
    tier_code = serializers.CharField(allow_blank=True)
    customers = serializers.IntegerField()
    unassigned = serializers.IntegerField()
    below_best = serializers.IntegerField(help_text="Placed with a manager below their best eligible one.")
    points_short = serializers.IntegerField(help_text="Points of fit the placed fall short of their best by.")


class _Tier(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    placed = serializers.IntegerField()
    customers = serializers.IntegerField()


class PlanSummarySerializer(serializers.Serializer):
    customers = serializers.IntegerField(help_text="Customers planned: everyone who is not locked.")
    placed = serializers.IntegerField()
    unassigned = serializers.IntegerField()
    total_score = serializers.IntegerField()
    mean_score = serializers.FloatField()
    moves = serializers.IntegerField(help_text="Customers whose manager in the plan is not today's.")
    classes = serializers.DictField(child=serializers.IntegerField(), help_text="Customers per match fit A..E.")
    tiers = _Tier(many=True)


CURRENT_HELP = ("Whether it was computed on the data as they are now: false once customers, managers, capacities or "
                "the rules of matching changed since (compute it again); null until computed.")


class _Current(serializers.Serializer):
    """A result's `current` flag, against the stamp of the data the view puts in the context (once a request)."""

    current = serializers.SerializerMethodField(help_text=CURRENT_HELP)

    def get_current(self, obj) -> bool | None:
        return result_current(obj.result, self.context["stamp"])


class CapacityPlanSerializer(_Current, serializers.Serializer):
    """The best overall plan over every customer who is not locked, and what a seat is worth."""

    job = serializers.IntegerField(source="id")
    computed_at = serializers.DateTimeField(source="finished_at")
    move_cost = serializers.IntegerField(source="result.move_cost")
    placed = serializers.IntegerField(source="result.placed")
    score = serializers.IntegerField(source="result.score", help_text="The plan's objective (less region penalties "
                                                                      "and move costs).")
    plan = PlanSummarySerializer(source="result.plan")
    managers = _ManagerSeats(many=True, source="result.managers")
    branches = _KeyedSeats(many=True, source="result.branches", help_text="Seat numbers summed per branch.")
    tiers = _KeyedSeats(many=True, source="result.tiers", help_text="Summed over the managers serving each tier.")
    groups = _Group(many=True, source="result.groups", help_text="Customers left short, by branch and tier.")


class MoveCostSerializer(serializers.Serializer):
    move_cost = serializers.IntegerField(
        default=0, min_value=0, max_value=MAX_MOVE_COST,
        help_text="Plan with continuity: a move away from a current manager costs this many points.",
    )


class CapacityPlanView(APIView):
    """GET: the newest capacity plan computed (with `move_cost`, the newest computed with that cost); 404 when
    none is. POST: compute it again in the background (202 with the job to poll)."""

    permission_classes = [api_permission(can_plan_capacity)]

    @extend_schema(
        tags=["admin"],
        parameters=[OpenApiParameter("move_cost", {"type": "integer", "minimum": 0, "maximum": MAX_MOVE_COST},
                                     description="Only a plan computed with this cost of a move.")],
        responses={200: CapacityPlanSerializer, **error_responses(400, 401, 403, 404)},
    )
    def get(self, request):
        move_cost = None
        if "move_cost" in request.query_params:
            query = MoveCostSerializer(data=request.query_params)
            query.is_valid(raise_exception=True)
            move_cost = query.validated_data["move_cost"]
        job = capacity_plan_latest(move_cost=move_cost)
        if job is None:
            raise NotFound(_("No capacity plan computed yet: POST to compute one."))
        return Response(CapacityPlanSerializer(job, context={"stamp": plan_inputs_stamp()}).data)

    @extend_schema(tags=["admin"], request=MoveCostSerializer,
                   responses={202: JobSerializer, **error_responses(400, 401, 403)})
    def post(self, request):
        body = MoveCostSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return _enqueue(request, CAPACITY_JOB, {"move_cost": body.validated_data["move_cost"]})


class ScenarioSerializer(_Current, serializers.ModelSerializer):
    created_by = serializers.CharField(source="created_by.username", read_only=True, allow_null=True)
    changes = serializers.JSONField(help_text=(
        '{"capacity": {"<manager id>": capacity}, "removed": [manager id], "added": [{"name", "capabilities": '
        '[service id], "hobbies": [hobby id], "branch": branch id or null, "tiers": [tier code], "capacity"}]}'
    ))
    capacity_only = serializers.BooleanField(read_only=True)
    result = serializers.JSONField(read_only=True, help_text="The latest evaluation: today's plan and the "
                                                             "scenario's, with the move cost; {} until evaluated.")

    class Meta:
        model = CapacityScenario
        fields = ["id", "name", "changes", "capacity_only", "created_by", "created_at", "updated_at", "result",
                  "evaluated_at", "current"]
        read_only_fields = ["id", "created_by", "created_at", "updated_at", "result", "evaluated_at"]
        extra_kwargs = {"name": {"validators": []}}  # the service checks it, with the changes, in one place

    def create(self, validated_data):
        return scenario_create(name=validated_data["name"], changes=validated_data["changes"],
                               actor=self.context["request"].user)

    def update(self, instance, validated_data):
        """PUT and PATCH: what is not sent stays as it is."""
        return scenario_update(
            scenario=instance, name=validated_data.get("name", instance.name),
            changes=validated_data.get("changes", instance.changes), actor=self.context["request"].user,
        )


class _Stamped:
    """Views whose serializers say whether results are current: the data's stamp, read once a request."""

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "stamp": plan_inputs_stamp()}


class ScenarioListView(_Stamped, generics.ListCreateAPIView):
    """Saved what-if scenarios, the latest changed first; POST saves one (its changes checked)."""

    serializer_class = ScenarioSerializer
    permission_classes = [api_permission(can_plan_capacity)]

    def get_queryset(self):
        return scenarios_listed()

    @extend_schema(
        tags=["admin"],
        parameters=[OpenApiParameter("page_size", {"type": "integer", "minimum": 1, "maximum": 200})],
        responses={200: ScenarioSerializer(many=True), **error_responses(401, 403, 404)},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(tags=["admin"], responses={201: ScenarioSerializer, **error_responses(400, 401, 403)})
    def post(self, request, *args, **kwargs):
        return super().post(request, *args, **kwargs)


class ScenarioDetailView(_Stamped, generics.RetrieveUpdateDestroyAPIView):
    """One scenario: its changes and its latest evaluation. PUT or PATCH renames it or changes its changes
    (checked; a change of changes drops the evaluation), DELETE deletes it; both audited, as in the console."""

    serializer_class = ScenarioSerializer
    permission_classes = [api_permission(can_plan_capacity)]
    lookup_url_kwarg = "id"

    def get_queryset(self):
        return scenarios_listed()

    @extend_schema(tags=["admin"], parameters=[id_parameter("The scenario's id.")],
                   responses={200: ScenarioSerializer, **error_responses(401, 403, 404)})
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(tags=["admin"], parameters=[id_parameter("The scenario's id.")],
                   responses={200: ScenarioSerializer, **error_responses(400, 401, 403, 404)})
    def put(self, request, *args, **kwargs):
        return super().put(request, *args, **kwargs)

    @extend_schema(tags=["admin"], parameters=[id_parameter("The scenario's id.")],
                   responses={200: ScenarioSerializer, **error_responses(400, 401, 403, 404)})
    def patch(self, request, *args, **kwargs):
        return super().patch(request, *args, **kwargs)

    @extend_schema(tags=["admin"], parameters=[id_parameter("The scenario's id.")],
                   responses={204: None, **error_responses(401, 403, 404)})
    def delete(self, request, *args, **kwargs):
        return super().delete(request, *args, **kwargs)

    def perform_destroy(self, instance):
        scenario_delete(scenario=instance, actor=self.request.user)


class ScenarioEvaluateView(APIView):
    """Plan the scenario's team and today's in the background, changing no one; the result is kept on the
    scenario (`GET /api/admin/capacity-scenarios/{id}` once the job is done)."""

    permission_classes = [api_permission(can_plan_capacity)]

    @extend_schema(tags=["admin"], request=MoveCostSerializer, parameters=[id_parameter("The scenario's id.")],
                   responses={202: JobSerializer, **error_responses(400, 401, 403, 404)})
    def post(self, request, id: int):
        scenario = get_object_or_404(CapacityScenario, pk=id)
        body = MoveCostSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return _enqueue(request, SCENARIO_JOB, {"scenario": scenario.pk, "move_cost": body.validated_data["move_cost"]})
