"""Writes: the audit log. `record` is the one function every service calls after a change."""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db import models
from django.http import HttpRequest

from kipu.web.audit.models import AuditEvent

# Never copied into an audit event, whatever the model.
SECRET_FIELDS = frozenset({"password", "nonce", "token", "secret"})


def record(
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    platform: Any = None,
    note: str = "",
    *,
    ip: str | None = None,
) -> AuditEvent:
    """Log `action` (a verb_noun string such as "deactivate_user") by `actor` on `obj`.

    `actor` is a user, None (the system) or a label such as "cli:maria". The platform is taken
    from `obj` when not given and `obj` is a platform or has one."""
    user, label = _actor(actor)
    return AuditEvent.objects.create(
        actor=user,
        actor_label=label[:150],
        platform=platform if platform is not None else _platform_of(obj),
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None and obj.pk is not None else "",
        object_repr=str(obj)[:200] if obj is not None else "",
        before=json_safe(before) if before is not None else None,
        after=json_safe(after) if after is not None else None,
        ip=ip or None,
        note=note,
    )


def record_each(
    platforms: Iterable[Any],
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    note: str = "",
    *,
    ip: str | None = None,
) -> list[AuditEvent]:
    """`record` once on each of `platforms` (None: the installation), with the same before and
    after: a change to a record several platforms share shows in the audit log of each."""
    targets = list(dict.fromkeys(platforms))  # each platform once, in order
    return [record(actor, action, obj, before, after, p, note, ip=ip) for p in targets]


def _actor(actor: Any) -> tuple[Any, str]:
    if actor is None or isinstance(actor, AnonymousUser):
        return None, "system" if actor is None else "anonymous"
    if isinstance(actor, str):
        return None, actor
    return actor, actor.get_username()


def _platform_of(obj: models.Model | None) -> Any:
    if obj is None:
        return None
    if obj._meta.label_lower == "platforms.platform":
        return obj
    field = next((f for f in obj._meta.concrete_fields if f.name == "platform"), None)
    return getattr(obj, "platform", None) if field is not None else None


def snapshot(
    instance: models.Model, fields: Iterable[str] | None = None, exclude: Iterable[str] = ()
) -> dict[str, Any]:
    """A JSON-safe copy of the instance's stored values, for `before` and `after`.

    Foreign keys appear as their key (`organisation_id`), many-to-many fields as a sorted list
    of keys. Secrets (password hashes, tokens) are never copied."""
    wanted = set(fields) if fields is not None else None
    skipped = SECRET_FIELDS | set(exclude)
    data: dict[str, Any] = {}
    for field in instance._meta.concrete_fields:
        if field.name in skipped or (wanted is not None and field.name not in wanted):
            continue
        data[field.attname] = _safe(field.value_from_object(instance))
    if instance.pk is not None:
        for m2m in instance._meta.many_to_many:
            if m2m.name in skipped or (wanted is not None and m2m.name not in wanted):
                continue
            data[m2m.name] = sorted(getattr(instance, m2m.name).values_list("pk", flat=True))
    return data


def json_safe(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [json_safe(v) for v in value]
    return _safe(value)


def _safe(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, dt.date | dt.time):  # datetimes included: they are dates
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, dict | list | tuple | set | frozenset):
        return json_safe(value)
    return str(value)


def client_ip(request: HttpRequest | None) -> str | None:
    """The client's address as the audit log and rate limits record it: the one rule of
    `kipu.web.security.client_address` (behind the TLS proxy, the address the proxy saw)."""
    from kipu.web.security import client_address

    return client_address(request)
