"""Forms of the IM console: reopening a month, and the reporting schedule."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kipu.web.console.models import LAST_DEADLINE_DAY
from kipu.web.console.services import MAX_REMIND_OFFSET


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is the month reopened?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )


def _days(text: str) -> list[int]:
    """ "5, 1" → [5, 1]; ValidationError naming what is not a whole number of days."""
    parts = [p for p in re.split(r"[\s,;]+", text.strip()) if p]
    wrong = [p for p in parts if not p.isdigit()]
    if wrong:
        raise forms.ValidationError(
            _("Write whole numbers of days separated by commas, such as 5, 1 (not %(wrong)s).")
            % {"wrong": ", ".join(wrong)}
        )
    days = [int(p) for p in parts]
    if any(d > MAX_REMIND_OFFSET for d in days):
        raise forms.ValidationError(
            _("At most %(n)s days from the deadline.") % {"n": MAX_REMIND_OFFSET}
        )
    return days


class ScheduleForm(forms.Form):
    deadline_day = forms.IntegerField(
        label=_("Deadline: day of the following month"),
        min_value=1,
        max_value=LAST_DEADLINE_DAY,
    )
    before = forms.CharField(
        label=_("Remind this many days before the deadline"),
        required=False,
        help_text=_("For example 5, 1. Leave empty for none."),
    )
    on_day = forms.BooleanField(label=_("Remind on the deadline day"), required=False)
    after = forms.CharField(
        label=_("Remind this many days after the deadline"),
        required=False,
        help_text=_("For example 2."),
    )

    def clean_before(self) -> list[int]:
        return _days(self.cleaned_data.get("before") or "")

    def clean_after(self) -> list[int]:
        return _days(self.cleaned_data.get("after") or "")

    def remind_days(self) -> list[int]:
        """The reminder days relative to the deadline (negative: before)."""
        data = self.cleaned_data
        days = [-d for d in data["before"] if d] + [d for d in data["after"] if d]
        return sorted(set(days + ([0] if data["on_day"] else [])))

    @staticmethod
    def initial_for(day: int, remind_days: list[int]) -> dict[str, Any]:
        before = sorted((-d for d in remind_days if d < 0), reverse=True)
        after = sorted(d for d in remind_days if d > 0)
        return {
            "deadline_day": day,
            "before": ", ".join(map(str, before)),
            "on_day": 0 in remind_days,
            "after": ", ".join(map(str, after)),
        }
