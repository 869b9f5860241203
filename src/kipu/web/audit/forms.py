from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from kipu.web.audit.labels import action_label, object_type_label
from kipu.web.audit.models import AuditEvent
from kipu.web.audit.queries import audit_actions, audit_object_types


class AuditFilterForm(forms.Form):
    actor = forms.CharField(label=_("Actor"), required=False)
    action = forms.ChoiceField(label=_("Action"), required=False)
    object_type = forms.ChoiceField(label=_("Object type"), required=False)
    since = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, events: QuerySet[AuditEvent], **kwargs: Any) -> None:
        """`events`: the events the user may read, whose actions and types are offered."""
        super().__init__(*args, **kwargs)
        blank: list[tuple[str, str]] = [("", str(_("any")))]
        action = self.fields["action"]
        object_type = self.fields["object_type"]
        assert isinstance(action, forms.ChoiceField)
        assert isinstance(object_type, forms.ChoiceField)
        action.choices = blank + sorted(
            ((a, action_label(a)) for a in audit_actions(events)), key=lambda c: c[1].casefold()
        )
        object_type.choices = blank + [
            (t, object_type_label(t)) for t in audit_object_types(events)
        ]
