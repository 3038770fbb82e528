"""The mail task: a thin wrapper around `mail.notifications_mail_send`, retried by the worker when the mail
server fails (a retry sends only what is left: each sent chunk marks its notifications e-mailed).

Without a broker the task runs in-process (`CELERY_TASK_ALWAYS_EAGER`), where Celery does not retry: the
failure is logged (the queuing `on_commit` is robust) and the notifications stay in the inbox, not e-mailed.
"""
from __future__ import annotations

import uuid
from smtplib import SMTPException

from celery import shared_task

from .mail import notifications_mail_send


@shared_task(
    name="notifications.send_mail", autoretry_for=(SMTPException, OSError), retry_backoff=True,
    retry_backoff_max=600, max_retries=5,
)
def notifications_mail_task(batch: str) -> int:
    return notifications_mail_send(batch=uuid.UUID(batch))
