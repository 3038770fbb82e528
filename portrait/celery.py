"""The Celery app: `celery -A portrait worker` runs the background tasks of every app."""
import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portrait.settings.development")

app = Celery("portrait")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
