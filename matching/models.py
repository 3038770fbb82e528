import json

from django.conf import settings
from django.db import models
from django.utils import formats, timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.text import TextLineField
from customers.models import CustomerClass


class Strategy(models.TextChoices):
    # Plain names on pages (docs/glossary.md); the technical terms are in STRATEGY_HELP.
    OPTIMAL = "optimal", _("Best overall")
    GREEDY = "greedy", _("One by one in order")


class RunKind(models.TextChoices):
    AUTOMATIC = "automatic", _("Automatic assignment")
    TRANSFER = "transfer", _("Move a manager's book")
    UNDO = "undo", _("Undo of a run")
    PREVIEW = "preview", _("Preview (a stored plan)")
    MANUAL = "manual", _("Manual reassignment")


class RunStatus(models.TextChoices):
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")


class Reason(models.TextChoices):
    """Why a customer's manager changed; staff read it next to the shared terms."""

    BEST = "best", _("Best matching manager")
    FALLBACK_CLOSED = "fallback_closed", _("Second choice: the best-fitting manager is not taking new customers")
    FALLBACK_FULL = "fallback_full", _("Second choice: the best-fitting manager was already full")
    FALLBACK_TAKEN = "fallback_taken", _(
        "Second choice: the best-fitting manager's free places went to other customers in this run"
    )
    FALLBACK_OVERALL = "fallback_overall", _(
        "Second choice: the best-fitting manager had room, but the plan as a whole fits better this way"
    )
    # Rows written before the causes were told apart (the cause was not recorded).
    FALLBACK = "fallback", _("Second choice (cause not recorded)")
    NO_CAPACITY = "no_capacity", _("No manager has room")
    NO_ELIGIBLE_MANAGER = "no_eligible_manager", _(
        "No manager of the customer's branch and service tier has room"
    )
    MANUAL = "manual", _("Assigned by hand")
    UNDO = "undo", _("Restored by undo")


class MatchingRun(models.Model):
    """One execution of the matching service: its options and summary figures."""

    kind = models.CharField(_("kind"), max_length=16, choices=RunKind.choices, default=RunKind.AUTOMATIC)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="matching_runs", verbose_name=_("started by"),
    )
    strategy = models.CharField(
        _("strategy"), max_length=16, choices=Strategy.choices, default=Strategy.OPTIMAL, blank=True,
        help_text=_("Empty for a manual reassignment: no rule chose the manager."),
    )
    options = models.JSONField(_("options"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=RunStatus.choices, default=RunStatus.RUNNING, db_index=True
    )
    undo_of = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="undone_by",
        verbose_name=_("undo of"),
    )
    preview = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="applied_by",
        verbose_name=_("applied preview"), help_text=_("The stored plan this run wrote."),
    )
    started_at = models.DateTimeField(_("started"), auto_now_add=True, db_index=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    customers_classified = models.PositiveIntegerField(_("classified"), default=0)
    customers_placed = models.PositiveIntegerField(_("placed"), default=0)
    customers_moved = models.PositiveIntegerField(_("moved"), default=0)
    customers_unassigned = models.PositiveIntegerField(_("left unassigned"), default=0)
    fallbacks = models.PositiveIntegerField(_("fallbacks"), default=0)
    total_score = models.PositiveIntegerField(_("total score"), default=0)
    summary = models.JSONField(
        _("summary"), default=dict, blank=True, help_text=_("Counts per class, seconds per phase, notes.")
    )
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("matching run")
        verbose_name_plural = _("matching runs")
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        parts = (f"#{self.pk} {self.get_kind_display()}", self.get_strategy_display())
        return " · ".join(part for part in parts if part)

    @property
    def mean_score(self) -> float:
        return self.total_score / self.customers_placed if self.customers_placed else 0.0

    @property
    def changed_count(self) -> int:
        """How many customers' manager the run changed (what its undo gives back)."""
        return int(self.summary.get("changes", self.customers_moved))

    @property
    def title(self) -> str:
        """How every page names a run: its kind, when it started and who started it, in the page's language
        ("Automatic assignment · December 7 14:03 · Admin"); a number alone ("run 4") says nothing.
        Reads `actor`: select it with the run where many are shown."""
        started = timezone.localtime(self.started_at) if self.started_at else None
        when = (
            f"{formats.date_format(started, 'MONTH_DAY_FORMAT')} {formats.time_format(started, 'H:i')}"
            if started else ""
        )
        who = self.actor.display_name if self.actor_id else gettext("the system")
        return " · ".join(part for part in (self.get_kind_display(), when, who) if part)


class TermsJSONEncoder(json.JSONEncoder):
    """JSON with non-ASCII characters written as themselves: a Chinese term name takes 3 bytes per character
    instead of 6 ("\\u57fa"). A 100k-customer run's history is a third smaller and inserts a quarter faster."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **{**kwargs, "ensure_ascii": False})


class Assignment(models.Model):
    """One change of a customer's manager, by a run or by hand: the history staff audit."""

    run = models.ForeignKey(
        MatchingRun,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="assignments",
        verbose_name=_("run"),
        help_text=_("Empty for a manual assignment made before those were recorded as runs."),
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assignments_made",
        verbose_name=_("assigned by"),
    )
    customer = models.ForeignKey(
        "customers.CustomerProfile",
        on_delete=models.CASCADE,
        related_name="assignments",
        verbose_name=_("customer"),
    )
    previous_manager = models.ForeignKey(
        "managers.ManagerProfile",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("previous manager"),
    )
    new_manager = models.ForeignKey(
        "managers.ManagerProfile",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("new manager"),
    )
    needs_match = models.PositiveSmallIntegerField(_("shared needs"), default=0)
    hobbies_match = models.PositiveSmallIntegerField(_("shared hobbies"), default=0)
    total = models.PositiveSmallIntegerField(_("total score"), default=0)
    customer_class = models.CharField(_("match fit"), max_length=1, choices=CustomerClass.choices, blank=True)
    reason = models.CharField(_("reason"), max_length=24, choices=Reason.choices, db_index=True)
    shared_needs = models.JSONField(_("shared needs"), default=list, blank=True, encoder=TermsJSONEncoder)
    shared_hobbies = models.JSONField(_("shared hobbies"), default=list, blank=True, encoder=TermsJSONEncoder)
    note = TextLineField(_("note"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["customer", "-created_at"], name="assignment_customer_idx")]

    def __str__(self) -> str:
        return f"{self.customer} → {self.new_manager or '—'} ({self.reason})"


class Segment(models.Model):
    """Summary of one K-Means++ portrait segment, replaced whole by each `segment` run."""

    label = models.PositiveSmallIntegerField(_("segment"), unique=True)
    name = models.CharField(_("name"), max_length=200)
    size = models.PositiveIntegerField(_("customers"))
    median_age = models.FloatField(_("median age"))
    median_assets = models.DecimalField(_("median assets (yuan)"), max_digits=15, decimal_places=2)
    top_needs = models.JSONField(_("top needs"), default=list)
    top_hobbies = models.JSONField(_("top hobbies"), default=list)
    computed_at = models.DateTimeField(_("computed"), auto_now=True)

    class Meta:
        verbose_name = _("segment")
        verbose_name_plural = _("segments")
        ordering = ["label"]

    def __str__(self) -> str:
        return f"{self.label}: {self.name}"


class RunLock(models.Model):
    """A single row every writing run updates first, so runs never interleave (see services)."""

    SINGLETON = 1

    holder = models.CharField(max_length=200, blank=True)
    acquired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("matching lock")
        verbose_name_plural = _("matching lock")

    def __str__(self) -> str:
        return self.holder or "—"


class PlannedChange(models.Model):
    """One change of manager a preview proposes; "apply" writes exactly these rows."""

    run = models.ForeignKey(
        MatchingRun, on_delete=models.CASCADE, related_name="planned_changes", verbose_name=_("preview"),
    )
    customer = models.ForeignKey(
        "customers.CustomerProfile", on_delete=models.CASCADE, related_name="+", verbose_name=_("customer"),
    )
    previous_manager = models.ForeignKey(
        "managers.ManagerProfile", on_delete=models.CASCADE, null=True, blank=True, related_name="+",
        verbose_name=_("previous manager"),
    )
    new_manager = models.ForeignKey(
        "managers.ManagerProfile", on_delete=models.CASCADE, null=True, blank=True, related_name="+",
        verbose_name=_("new manager"),
    )
    reason = models.CharField(_("reason"), max_length=24, choices=Reason.choices)
    previous_total = models.PositiveSmallIntegerField(_("score before"), default=0)
    needs_match = models.PositiveSmallIntegerField(_("shared needs"), default=0)
    hobbies_match = models.PositiveSmallIntegerField(_("shared hobbies"), default=0)
    total = models.PositiveSmallIntegerField(_("total score"), default=0)
    customer_class = models.CharField(_("match fit"), max_length=1, choices=CustomerClass.choices, blank=True)

    class Meta:
        verbose_name = _("planned change")
        verbose_name_plural = _("planned changes")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.customer} → {self.new_manager or '—'} ({self.reason})"


class JobKind(models.TextChoices):
    """Matching's kinds of background job (registered with the jobs app in `MatchingConfig.ready()`)."""

    RUN = "run", _("Matching run")
    PREVIEW = "preview", _("Preview")
    APPLY = "apply", _("Apply a preview")
    UNDO = "undo", _("Undo")
    TRANSFER = "transfer", _("Move a manager's book")
    CURVE = "move_cost_curve", _("Compare move costs")
