from django.contrib.admin.apps import AdminConfig


class PortraitAdminConfig(AdminConfig):
    """`django.contrib.admin` with Portrait's own site (`portrait.admin.PortraitAdminSite`)."""

    default_site = "portrait.admin.PortraitAdminSite"
