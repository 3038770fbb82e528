from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ManagersConfig(AppConfig):
    name = "managers"
    verbose_name = _("Relationship managers")

    def ready(self) -> None:
        from accounts.services import register_role_change_check

        from .services import manager_role_change_problem

        register_role_change_check(manager_role_change_problem)
