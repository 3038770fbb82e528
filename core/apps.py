from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Code that knows no domain; an app only so its templates and template tags are found."""

    name = "core"
