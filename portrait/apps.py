import axes.apps
from django.contrib.admin.apps import AdminConfig
from django.utils.translation import gettext_lazy as _


class PortraitAdminConfig(AdminConfig):
    """`django.contrib.admin` with Portrait's own site (`portrait.admin.PortraitAdminSite`)."""

    default_site = "portrait.admin.PortraitAdminSite"


class AxesConfig(axes.apps.AppConfig):
    """django-axes under a name people read in the admin ("Sign-in lockouts", not "Axes")."""

    verbose_name = _("Sign-in lockouts")
