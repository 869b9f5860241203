from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

Change = tuple[str, object, object]  # a field's name, its value before and after


class AuditEvent(models.Model):
    """Who changed what, when, from where, and the object before and after the change.

    Rows are only ever added (kipu.web.audit.services.record); nothing edits or deletes them."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="audit_events",
    )
    # Kept beside the key so the event still names its actor after the user row is gone, and
    # names "system" or "cli:<login>" when no user acted.
    actor_label = models.CharField(_("actor"), max_length=150, blank=True)
    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)
    platform = models.ForeignKey(
        "platforms.Platform",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="audit_events",
    )
    action = models.CharField(_("action"), max_length=60, db_index=True)
    object_type = models.CharField(_("object type"), max_length=100, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["platform", "at"]),
            models.Index(fields=["object_type", "object_id"]),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_repr}"

    @property
    def action_label(self) -> str:
        """The action in the interface language (kipu.web.audit.labels)."""
        from kipu.web.audit.labels import action_label

        return action_label(self.action)

    @property
    def object_type_label(self) -> str:
        from kipu.web.audit.labels import object_type_label

        return object_type_label(self.object_type)

    @property
    def changes(self) -> list[tuple[str, object, object]]:
        """(field, before, after) for the fields whose value differs. A field holding fields
        (an edit's `{"target": {...}}`, a plan's entries by table) is gone into, its fields
        named `target › people_in_need`: the page showed whole Python dictionaries, 80 KB
        for a plan reload. A list (a plan entry's values) is shown as its values."""
        return list(_changes(self.before or {}, self.after or {}, ""))


def _changes(before: dict[str, Any], after: dict[str, Any], within: str) -> Iterator[Change]:
    for key in sorted(set(before) | set(after), key=str):
        old, new = before.get(key), after.get(key)
        if old == new and type(old) is type(new):  # True → 1 is a change
            continue
        name = f"{within}{key}"
        inside: list[Change] = []
        if (isinstance(old, dict) or old is None) and (isinstance(new, dict) or new is None):
            inside = list(_changes(old or {}, new or {}, f"{name} › "))
        yield from inside or [(name, _shown(old), _shown(new))]  # {} → None: said as such


def _shown(value: object) -> object:
    if isinstance(value, list):
        return ", ".join("–" if v is None else str(v) for v in value)
    return value
