"""The one way to write the audit log."""
from __future__ import annotations

from typing import Any

from django.db import models

from .context import current_ip
from .models import AuditEvent

SYSTEM = "system"


def _text(value: Any) -> Any:
    """JSON-safe form of a changed value (decimals, dates, model instances, term lists)."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, list | tuple | set | frozenset):
        return sorted(str(item) for item in value)
    return str(value)


def _event(
    *,
    actor,
    action: str,
    target: models.Model | None = None,
    target_type: str = "",
    target_id: Any = "",
    summary: str = "",
    changes: dict[str, tuple[Any, Any]] | None = None,
    data: dict[str, Any] | None = None,
    ip_address: str | None = None,
) -> AuditEvent:
    """One unsaved event, as `audit_record` describes its arguments."""
    if target is not None:
        target_type = target_type or target._meta.label_lower
        target_id = target.pk
    actor_user = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
    return AuditEvent(
        actor=actor_user,
        actor_username=actor_user.get_username() if actor_user else "",
        action=action,
        target_type=target_type,
        target_id="" if target_id is None else str(target_id)[:64],
        summary=str(summary)[:500],
        changes={field: [_text(old), _text(new)] for field, (old, new) in (changes or {}).items()},
        data={
            key: _text(value) if not isinstance(value, dict | list) else value for key, value in (data or {}).items()
        },
        ip_address=ip_address if ip_address is not None else current_ip(),
    )


def audit_record(
    *,
    actor,
    action: str,
    target: models.Model | None = None,
    target_type: str = "",
    target_id: Any = "",
    summary: str = "",
    changes: dict[str, tuple[Any, Any]] | None = None,
    data: dict[str, Any] | None = None,
    ip_address: str | None = None,
) -> AuditEvent:
    """Append one event. `actor` None means the system (command line, scheduled job).

    `target` names the object (its model label and pk); for actions on many objects pass `target_type`
    and put counts or ids in `data`, or write one event per object with `audit_record_many`. `changes`
    maps a field to (old, new). The client IP comes from the request being served unless given.
    """
    event = _event(
        actor=actor, action=action, target=target, target_type=target_type, target_id=target_id,
        summary=summary, changes=changes, data=data, ip_address=ip_address,
    )
    event.save()
    return event


def audit_record_many(*, actor, action: str, events: list[dict[str, Any]]) -> list[AuditEvent]:
    """Append one event per entry of `events` (each `audit_record`'s other arguments) in one INSERT: an
    action on many objects that the log shows object by object, at a constant number of queries."""
    return AuditEvent.objects.bulk_create([_event(actor=actor, action=action, **event) for event in events])


def field_changes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    """The fields whose value differs, as {field: (old, new)} for `audit_record(changes=...)`."""
    return {name: (before.get(name), value) for name, value in after.items() if _text(before.get(name)) != _text(value)}
