from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CustomersConfig(AppConfig):
    name = "customers"
    verbose_name = _("Customers")

    def ready(self) -> None:
        from accounts.services import register_role_change_check

        from .services import customer_role_change_problem

        register_role_change_check(customer_role_change_problem)
