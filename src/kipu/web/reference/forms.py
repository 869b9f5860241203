"""Forms of the reference-data pages: edits of one row, and imports from a file."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from kipu.core.loaders import period_problem
from kipu.core.loaders.events import attendance as read_attendance
from kipu.core.loaders.events import title_key
from kipu.core.loaders.statistics import observation_value
from kipu.core.loaders.targets import target_number
from kipu.web.locations.models import Location
from kipu.web.plans.models import Indicator, Plan, Sector, Target
from kipu.web.platforms.models import Event, Membership, Organisation, Platform
from kipu.web.portal.forms import max_upload_bytes
from kipu.web.reference.fields import (
    LoaderDateField,
    LoaderNumberField,
    WholeNumberField,
    problem_text,
)
from kipu.web.stats.models import Observation, Series


class ListField(forms.CharField):
    """A JSON list of strings edited as comma-separated text."""

    def prepare_value(self, value: Any) -> Any:
        return ", ".join(value) if isinstance(value, list) else value

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        if isinstance(value, list):
            return value
        return [part.strip() for part in str(value or "").split(",") if part.strip()]


class OrganisationForm(forms.ModelForm):
    """The shared fields of an organisation. `read_only` (for a platform that may not change
    them) disables every field: Django then ignores what a request sends for them."""

    aliases = ListField(label=_("Other names (comma-separated)"), required=False)

    class Meta:
        model = Organisation
        fields = list(Organisation.SHARED_FIELDS)

    def __init__(self, *args: Any, read_only: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A type kept as a registry wrote it (not one of Kipu's) stays a choice, so saving
        # the page does not clear it.
        current = self.instance.org_type if self.instance.pk else ""
        org_type = cast(forms.ChoiceField, self.fields["org_type"])
        choices: list[tuple[Any, Any]] = list(cast(Any, org_type.choices))
        if current and current not in {value for value, _ in choices}:
            org_type.choices = [*choices, (current, current)]
        if read_only:
            for field in self.fields.values():
                field.disabled = True


def _period(form: forms.BaseForm, start: str, end: str) -> None:
    """The loaders' rule of a period (`kipu.core.loaders.period_problem`), at `end`."""
    first, last = form.cleaned_data.get(start), form.cleaned_data.get(end)
    if first and last and (problem := period_problem(first, last)):
        form.add_error(end, problem_text(problem))


class MembershipForm(forms.ModelForm):
    start_date = LoaderDateField(label=_("Member since"), required=False)
    end_date = LoaderDateField(label=_("Member until"), required=False)
    sub_working_groups = ListField(label=_("Sub-working groups (comma-separated)"), required=False)
    aliases = ListField(
        label=_("Other names used only on this platform (comma-separated)"), required=False
    )

    class Meta:
        model = Membership
        fields = ["start_date", "end_date", "sub_working_groups", "aliases"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        _period(self, "start_date", "end_date")
        return data


class SectorForm(forms.ModelForm):
    order = WholeNumberField(label=_("Order"), min_value=0, max_value=32767)

    class Meta:
        model = Sector
        fields = ["name_en", "name_es", "parent", "order"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        siblings = Sector.objects.filter(plan=self.instance.plan).exclude(pk=self.instance.pk)
        cast(forms.ModelChoiceField, self.fields["parent"]).queryset = siblings

    def clean_parent(self) -> Sector | None:
        """Two levels, as a plan file's (`kipu.core.loaders.plan.level_problem`): two sectors
        made each other's parent here were no area at all in the situation report."""
        from kipu.web.reference.plan_edits import parent_problem

        parent = self.cleaned_data.get("parent")
        if problem := parent_problem(self.instance, parent):
            raise forms.ValidationError(problem)
        return parent


class IndicatorForm(forms.ModelForm):
    class Meta:
        model = Indicator
        fields = ["name_en", "name_es", "sector", "unit", "type"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["sector"]).queryset = Sector.objects.filter(
            plan=self.instance.plan
        )


class TargetForm(forms.ModelForm):
    """An empty field is no target of that kind (never 0); one value at least, each read as a
    plan file's row is (`kipu.core.loaders.targets.target_number`)."""

    people_in_need = LoaderNumberField(
        lambda text: target_number("people_in_need", text), label=_("People in need")
    )
    people_targeted = LoaderNumberField(
        lambda text: target_number("people_targeted", text), label=_("People targeted")
    )
    budget_usd = LoaderNumberField(
        lambda text: target_number("budget_usd", text), decimals=2, label=_("Budget (USD)")
    )

    class Meta:
        model = Target
        fields = ["people_in_need", "people_targeted", "budget_usd"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        # A value refused is said at its field, not as none given.
        if not self.errors and all(data.get(name) is None for name in self.Meta.fields):
            raise forms.ValidationError(_("Give at least one of the three values."))
        return data


class SeriesForm(forms.ModelForm):
    url = forms.URLField(label=_("Address"), required=False, assume_scheme="https")

    class Meta:
        model = Series
        fields = ["name_en", "name_es", "unit", "source", "url"]


class ObservationForm(forms.ModelForm):
    """Read as a statistics file's row (`kipu.core.loaders.statistics`)."""

    period_start = LoaderDateField(label=_("Period start"))
    # Empty: the start, as a statistics file's row with no end is read.
    period_end = LoaderDateField(label=_("Period end"), required=False)
    value = LoaderNumberField(observation_value, decimals=2, required=True, label=_("Value"))

    class Meta:
        model = Observation
        fields = ["period_start", "period_end", "value", "note", "source"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("period_end") is None and data.get("period_start") is not None:
            data["period_end"] = data["period_start"]
        _period(self, "period_start", "period_end")
        # The series is not a field of the form, so Django does not check the constraint: a
        # second observation of the same period was a 500 at the save.
        start, end = data.get("period_start"), data.get("period_end")
        series = getattr(self.instance, "series", None) if self.instance.series_id else None
        if series is not None and start is not None and end is not None:
            same = Observation.objects.filter(series=series, period_start=start, period_end=end)
            if same.exclude(pk=self.instance.pk).exists():
                self.add_error(
                    "period_start", _("this series has an observation of this period already")
                )
        return data


class EventForm(forms.ModelForm):
    """Read as an events file's row (`kipu.core.loaders.events`)."""

    date = LoaderDateField(label=_("Date"))
    attendance = LoaderNumberField(read_attendance, label=_("Attendance"))

    class Meta:
        model = Event
        fields = [
            "date",
            "title_en",
            "title_es",
            "type",
            "attendance",
            "organisations",
            "admin1",
            "description",
        ]

    def __init__(self, *args: Any, platform: Platform, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(
            forms.ModelChoiceField, self.fields["organisations"]
        ).queryset = Organisation.objects.filter(memberships__platform=platform)
        cast(forms.ModelChoiceField, self.fields["admin1"]).queryset = Location.objects.filter(
            level=1, country__in=platform_countries(platform)
        )
        self.platform = platform

    def clean(self) -> dict[str, Any]:
        """Refuse an event of the date and title (`title_key`: letter case and runs of spaces
        aside) of another of the platform's events: an events file reads both as one event
        (`kipu.core.loaders.events`) and updates only one, and the report listed the meeting
        twice; the store's constraint compares titles exactly, so "Reunión GTRM" and
        "REUNIÓN GTRM" of one day were both saved."""
        cleaned = super().clean() or {}
        day, title = cleaned.get("date"), cleaned.get("title_en")
        if day is None or not title:
            return cleaned
        others = Event.objects.filter(platform=self.platform, date=day).exclude(pk=self.instance.pk)
        same = [e.title_en for e in others if title_key(e.title_en) == title_key(title)]
        if same:
            message = _(
                "The platform already has an event on %(date)s titled %(title)s (letter case "
                "and spaces aside): an events file reads them as one event. Edit that event, "
                "or tell them apart in the title."
            )
            self.add_error("title_en", message % {"date": day.isoformat(), "title": repr(same[0])})
        return cleaned


def platform_countries(platform: Platform) -> list[str]:
    """The countries a platform covers (the one rule: platforms.queries.platform_countries)."""
    from kipu.web.platforms.queries import platform_countries as covered

    return covered(platform)


class ImportForm(forms.Form):
    file = forms.FileField(label=_("File (CSV or Excel)"))

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        limit = max_upload_bytes()
        if upload.size > limit:
            raise forms.ValidationError(
                _("The file is too large (limit %(limit)s MB). Nothing was stored."),
                params={"limit": limit // 1048576},
            )
        return upload


class PlanImportForm(ImportForm):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    name = forms.CharField(label=_("Plan name"), required=False, max_length=200)
    # Blank keeps a stored plan's (sectors for a new plan): a reload of the targets left at
    # the first choice turned a plan by areas into one by sectors.
    classification = forms.ChoiceField(
        label=_("Classification"),
        choices=[("", _("As stored (sectors for a new plan)")), *Plan.Classification.choices],
        required=False,
    )


class LocationImportForm(ImportForm):
    country = forms.ChoiceField(label=_("Country"))
    vintage = forms.CharField(label=_("Version (e.g. COD-AB 2020)"), required=False, max_length=50)

    def __init__(self, *args: Any, countries: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["country"]).choices = [(c, c) for c in countries]
