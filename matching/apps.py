from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchingConfig(AppConfig):
    name = "matching"
    verbose_name = _("Matching")

    def ready(self) -> None:
        from . import signals  # noqa: F401  (reclassify a customer whenever their portrait is saved)
        from .jobs import register_job_kinds

        register_job_kinds()
