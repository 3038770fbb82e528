"""Development, the default of manage.py: DEBUG on unless the environment says DEBUG=0; everything else from base.

Production sets DJANGO_SETTINGS_MODULE=portrait.settings.production explicitly (wsgi.py and asgi.py default to it).
"""
import os

if not os.environ.get("DEBUG"):
    os.environ["DEBUG"] = "1"

from .base import *  # noqa: E402,F403

if not os.environ.get("EMAIL_BACKEND"):
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"  # reset links printed, not sent
