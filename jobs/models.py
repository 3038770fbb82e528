from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")


class BackgroundJob(models.Model):
    """Long work sent to the task queue: what was asked, the phase it is in, and its outcome.

    `kind` is one the owning app registered (`jobs.registry`); the page that started the job polls this
    row. What the work produced is in `result` (a matching job's run id under "run").
    """

    kind = models.CharField(_("kind"), max_length=16)
    status = models.CharField(
        _("status"), max_length=16, choices=JobStatus.choices, default=JobStatus.QUEUED, db_index=True,
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("started by"),
    )
    options = models.JSONField(_("options"), default=dict, blank=True)
    phase = models.CharField(_("phase"), max_length=32, blank=True)
    phases = models.JSONField(_("phases"), default=list, blank=True)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    result = models.JSONField(_("result"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)
    worker = models.CharField(
        _("worker"), max_length=200, blank=True, help_text=_("The process running the job: host name and process id."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.kind_label} · {self.get_status_display()}"

    @property
    def kind_label(self) -> str:
        from .registry import job_kind_label

        return job_kind_label(self.kind)

    @property
    def done(self) -> bool:
        return self.status in (JobStatus.SUCCEEDED, JobStatus.FAILED)

    @property
    def run_id(self) -> int | None:
        """The matching run a job produced, if any (kept in `result`)."""
        return self.result.get("run") if isinstance(self.result, dict) else None
