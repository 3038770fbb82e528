"""Matching for the admin role (under /api/admin/): the dashboard, matching runs (start, poll, list, read, apply a
stored plan, undo) and assignment by hand.

Runs and applies go to the task queue (`jobs.services.job_enqueue`, the console's path): the answer is
202 with the job and a URL to poll; with no broker configured the job has already finished in-process.
"""
from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.access import (
    api_permission, can_assign_by_hand, can_run_matching, can_use_console, customers_visible_to,
)
from customers.models import CustomerProfile
from matching.errors import StalePlan
from managers.models import ManagerProfile
from audit.context import current_ip
from insights.dashboard import dashboard_cached
from jobs.models import BackgroundJob, JobStatus
from jobs.registry import job_kind_choices
from jobs.selectors import job_progress
from jobs.services import job_enqueue
from matching.models import JobKind, MatchingRun, RunKind, RunStatus, Strategy
from matching.services.previews import preview_has_curve, preview_staleness
from matching.services import customer_assign, run_undo
from matching.services.runs import MAX_MOVE_COST
from vocabularies.models import Branch

from .common import MAX_ID, error_responses, id_parameter

User = get_user_model()


class _Count(serializers.Serializer):
    label = serializers.CharField(allow_blank=True)
    count = serializers.IntegerField()


class _Kpis(serializers.Serializer):
    customers = serializers.IntegerField()
    managers = serializers.IntegerField()
    active_managers = serializers.IntegerField()
    assigned = serializers.IntegerField()
    unassigned = serializers.IntegerField()
    share_assigned = serializers.FloatField(allow_null=True)
    capacity = serializers.IntegerField()
    capacity_used = serializers.FloatField(allow_null=True)
    mean_score = serializers.FloatField(allow_null=True)
    lowest_score = serializers.IntegerField(allow_null=True)
    class_a = serializers.IntegerField()
    share_class_a = serializers.FloatField(allow_null=True)
    load_spread = serializers.IntegerField(allow_null=True)
    last_run_fallbacks = serializers.IntegerField(allow_null=True)
    last_run_moves = serializers.IntegerField(allow_null=True)
    last_run_at = serializers.DateTimeField(allow_null=True)


class _Segment(serializers.Serializer):
    label = serializers.IntegerField()
    name = serializers.CharField()
    size = serializers.IntegerField()
    median_age = serializers.FloatField()
    median_assets = serializers.FloatField()
    top_needs = serializers.ListField(child=serializers.JSONField())
    top_hobbies = serializers.ListField(child=serializers.JSONField())


class _ManagerLoad(serializers.Serializer):
    id = serializers.IntegerField(help_text="The manager profile's id.")
    username = serializers.CharField()
    name = serializers.CharField(allow_blank=True)
    load = serializers.IntegerField()
    capacity = serializers.IntegerField()
    accepting = serializers.BooleanField()
    active = serializers.BooleanField()


class _Score(serializers.Serializer):
    score = serializers.IntegerField()
    count = serializers.IntegerField()


class _Month(serializers.Serializer):
    month = serializers.CharField(help_text="YYYY-MM")
    count = serializers.IntegerField()


class _Series(serializers.Serializer):
    label = serializers.CharField(allow_blank=True, help_text="A class letter, empty for the unclassified.")
    counts = serializers.ListField(child=serializers.IntegerField())


class _Occupations(serializers.Serializer):
    labels = serializers.ListField(child=serializers.CharField(allow_blank=True), help_text="'*' gathers the rest.")
    series = _Series(many=True)


class _LastRun(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    strategy = serializers.CharField()
    finished_at = serializers.DateTimeField(allow_null=True)
    fallbacks = serializers.IntegerField()
    moved = serializers.IntegerField()
    placed = serializers.IntegerField()
    total_score = serializers.IntegerField()


class DashboardSerializer(serializers.Serializer):
    """The console dashboard's figures and chart series (the same selector)."""

    kpis = _Kpis()
    classes = _Count(many=True, help_text="Customers per class (pie).")
    segments = _Segment(many=True)
    managers = _ManagerLoad(many=True, help_text="Load against capacity, the fullest first.")
    scores = _Score(many=True, help_text="Distribution of match scores with the current manager.")
    months = _Month(many=True, help_text="New customers per month, 12 months.")
    occupations = _Occupations(help_text="Occupation by class (stacked bars).")
    last_run = _LastRun(allow_null=True)
    notes = serializers.ListField(child=serializers.CharField())


class DashboardQuery(serializers.Serializer):
    branch = serializers.SlugRelatedField(
        slug_field="code", queryset=Branch.objects.all(), required=False,
        help_text="A branch's code: that branch's customers and managers (as the console's dashboard).",
    )


class DashboardView(APIView):
    """KPIs and chart series of the admin console's dashboard, aggregated in the database: the whole bank's,
    or one branch's (`branch`)."""

    permission_classes = [api_permission(can_use_console)]

    @extend_schema(
        tags=["admin"], parameters=[DashboardQuery],
        responses={200: DashboardSerializer, **error_responses(400, 401, 403)},
    )
    def get(self, request):
        query = DashboardQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        branch = query.validated_data.get("branch")
        return Response(DashboardSerializer(dashboard_cached(branch=branch).as_dict()).data)


class RunSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.username", read_only=True, allow_null=True)
    mean_score = serializers.FloatField(read_only=True)
    undo_of = serializers.IntegerField(source="undo_of_id", read_only=True, allow_null=True)
    kind = serializers.ChoiceField(choices=RunKind.choices, read_only=True)
    strategy = serializers.ChoiceField(choices=Strategy.choices, read_only=True)
    status = serializers.ChoiceField(choices=RunStatus.choices, read_only=True)
    dry_run = serializers.SerializerMethodField(help_text="True for a preview (a stored plan that changed no one).")
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

    def get_dry_run(self, run) -> bool:
        return run.kind == RunKind.PREVIEW


def _runs():
    return MatchingRun.objects.select_related("actor").order_by("-started_at", "-id")


class AutoAssignSerializer(serializers.Serializer):
    strategy = serializers.ChoiceField(choices=Strategy.choices, default=Strategy.OPTIMAL)
    rebalance = serializers.BooleanField(default=False)
    move_cost = serializers.IntegerField(
        default=0, min_value=0, max_value=MAX_MOVE_COST,
        help_text="Optimal rule: a customer leaves their current manager only when the move gains more than "
                  "this many points (continuity on rebalance). 0: any gain.",
    )
    dry_run = serializers.BooleanField(default=False)


class JobSerializer(serializers.Serializer):
    """A background job: what it is doing now and, when done, its run and result (or its error)."""

    id = serializers.IntegerField()
    url = serializers.CharField(help_text="Poll this URL (GET) until `done`.")
    kind = serializers.ChoiceField(choices=job_kind_choices())
    status = serializers.ChoiceField(choices=JobStatus.choices)
    phase = serializers.CharField(allow_blank=True)
    phases = serializers.ListField(child=serializers.CharField())
    progress = serializers.IntegerField(min_value=0, max_value=100, help_text="Percent.")
    done = serializers.BooleanField()
    run = serializers.IntegerField(
        allow_null=True, help_text="The run this job produced (a stored plan for a dry run)."
    )
    run_url = serializers.CharField(allow_null=True)
    result = serializers.DictField(help_text="Figures of the finished job (placed, moved, total_score …).")
    error = serializers.CharField(allow_blank=True, help_text="Why the job failed, when it did.")


def _job_body(job: BackgroundJob) -> dict:
    state = job_progress(job)
    state["url"] = reverse("api:job-detail", kwargs={"id": job.pk})
    state["run_url"] = reverse("api:run-detail", kwargs={"id": state["run"]}) if state["run"] else None
    return state


def _enqueue(request, kind: str, options: dict) -> Response:
    job = job_enqueue(kind=kind, actor=request.user, options=options, ip_address=current_ip())
    return Response(_job_body(job), status=status.HTTP_202_ACCEPTED)


class AutoAssignView(APIView):
    """Start a matching run: reclassify everyone and place who needs a manager. Answers 202 at once with
    the job and the URL to poll. A `dry_run` computes and stores the plan without changing anyone
    (`POST /api/admin/runs/{run}/apply` writes exactly that plan later)."""

    permission_classes = [api_permission(can_run_matching)]

    @extend_schema(
        tags=["admin"],
        request=AutoAssignSerializer,
        responses={202: JobSerializer, **error_responses(400, 401, 403, 409)},
    )
    def post(self, request):
        body = AutoAssignSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        options = {"strategy": Strategy(body.validated_data["strategy"]), "rebalance": body.validated_data["rebalance"],
                   "move_cost": body.validated_data["move_cost"]}
        return _enqueue(request, JobKind.PREVIEW if body.validated_data["dry_run"] else JobKind.RUN, options)


class JobDetailView(APIView):
    """A background job's progress, and its run and result when done."""

    permission_classes = [api_permission(can_run_matching)]

    @extend_schema(
        tags=["admin"],
        parameters=[id_parameter("The job's id.")],
        responses={200: JobSerializer, **error_responses(401, 403, 404)},
    )
    def get(self, request, id: int):
        return Response(_job_body(get_object_or_404(BackgroundJob, pk=id)))


class RunApplyView(APIView):
    """Write exactly the plan a dry run stored. Refused with 409, naming each customer and manager, when
    anything the plan touches changed since; otherwise 202 with the job to poll."""

    permission_classes = [api_permission(can_run_matching)]

    @extend_schema(
        tags=["admin"],
        request=None,
        parameters=[id_parameter("The dry run (stored plan) to apply.")],
        responses={202: JobSerializer, **error_responses(401, 403, 404, 409)},
    )
    def post(self, request, id: int):
        preview = get_object_or_404(MatchingRun, pk=id, kind=RunKind.PREVIEW)
        if stale := preview_staleness(preview=preview):
            raise StalePlan(
                _("The plan is out of date: %(count)d customer(s) or manager(s) changed since the preview.")
                % {"count": len(stale)},
                details=stale,
            )
        return _enqueue(request, JobKind.APPLY, {"preview": preview.pk})


class RunMoveCostCurveView(APIView):
    """Plan a rebalance preview's moves against gain: the best overall plan for a handful of move costs (0, 5,
    10, 20, 40 and the preview's own), planned together on today's data. Answers 202 with the job to poll;
    when done, the preview's `summary.move_cost_curve` lists each cost's `move_cost`, `moves` (customers who
    would leave their manager) and `score_gained` (over keeping everyone where they are), lowest cost first,
    and `summary.move_cost_curve_at` when it was computed. 400 for a run that is not a rebalance preview with
    the optimal rule."""

    permission_classes = [api_permission(can_run_matching)]

    @extend_schema(
        tags=["admin"],
        request=None,
        parameters=[id_parameter("The rebalance preview (a dry run with `rebalance` and the optimal rule).")],
        responses={202: JobSerializer, **error_responses(400, 401, 403, 404)},
    )
    def post(self, request, id: int):
        preview = get_object_or_404(MatchingRun, pk=id, kind=RunKind.PREVIEW)
        if not preview_has_curve(preview):
            raise ValidationError(
                _("Moves against gain are compared for a rebalance with the optimal rule only."), code="no_curve"
            )
        return _enqueue(request, JobKind.CURVE, {"preview": preview.pk})


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

    @extend_schema(
        tags=["admin"],
        parameters=[id_parameter("The run's id.")],
        responses={200: RunSerializer, **error_responses(401, 403, 404)},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class RunUndoView(APIView):
    """Undo a run: restore the managers it changed; refused (409, with the customers) if any changed
    again since or a manager would go over capacity."""

    permission_classes = [api_permission(can_run_matching)]

    @extend_schema(
        tags=["admin"],
        request=None,
        parameters=[id_parameter("The run to undo.")],
        responses={200: RunSerializer, **error_responses(400, 401, 403, 404, 409)},
    )
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

    @extend_schema(
        tags=["admin"],
        request=ManualAssignSerializer,
        responses={200: AssignmentSerializer, **error_responses(400, 401, 403, 404, 409)},
    )
    def post(self, request):
        body = ManualAssignSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        visible = customers_visible_to(request.user, CustomerProfile.objects.all())
        customer = get_object_or_404(visible, user_id=data["customer"])
        manager = get_object_or_404(ManagerProfile, user_id=data["manager"])
        assignment = customer_assign(customer=customer, manager=manager, actor=request.user, note=data["reason"])
        assignment = (
            type(assignment).objects.select_related("customer", "previous_manager", "new_manager").get(pk=assignment.pk)
        )
        return Response(AssignmentSerializer(assignment).data)
