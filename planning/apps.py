from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlanningConfig(AppConfig):
    name = "planning"
    verbose_name = _("Capacity planning")

    def ready(self) -> None:
        from .jobs import register_job_kinds

        register_job_kinds()
