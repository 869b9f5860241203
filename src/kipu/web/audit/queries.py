"""Reads: the audit log, filtered."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet

from kipu.web.audit.models import AuditEvent


def audit_events(
    *,
    platforms: Any = None,
    include_global: bool = False,
    actor: str = "",
    action: str = "",
    object_type: str = "",
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> QuerySet[AuditEvent]:
    """Events newest first. `platforms` (a platform, a list or a queryset) limits them to those
    platforms, plus platform-less events when `include_global`; None means every platform."""
    events = AuditEvent.objects.select_related("actor", "platform")
    if platforms is not None:
        ids = [platforms.pk] if hasattr(platforms, "pk") else [p.pk for p in platforms]
        where = Q(platform_id__in=ids)
        if include_global:
            where |= Q(platform__isnull=True)
        events = events.filter(where)
    if actor:
        events = events.filter(Q(actor_label__iexact=actor) | Q(actor__email__iexact=actor))
    if action:
        events = events.filter(action=action)
    if object_type:
        events = events.filter(object_type=object_type)
    if since:
        events = events.filter(at__date__gte=since)
    if until:
        events = events.filter(at__date__lte=until)
    return events


def audit_actions(events: QuerySet[AuditEvent] | None = None) -> list[str]:
    """The actions occurring among `events` (default: all)."""
    events = AuditEvent.objects.all() if events is None else events
    return list(events.order_by("action").values_list("action", flat=True).distinct())


def audit_object_types(events: QuerySet[AuditEvent] | None = None) -> list[str]:
    events = AuditEvent.objects.all() if events is None else events
    return list(
        events.exclude(object_type="")
        .order_by("object_type")
        .values_list("object_type", flat=True)
        .distinct()
    )


def events_about(obj: Any) -> QuerySet[AuditEvent]:
    """The history of one object."""
    return AuditEvent.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))
