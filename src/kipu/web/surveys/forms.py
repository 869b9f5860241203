"""The IM team's upload forms: a survey's XLSForm and indicators file, and a round's export."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from kipu.web.platforms.models import Platform
from kipu.web.surveys.models import Survey

MONTH = re.compile(r"\d{4}-(0[1-9]|1[0-2])")


def _limited(upload: Any) -> Any:
    limit = getattr(settings, "KIPU_MAX_UPLOAD_MB", 50) * 1024 * 1024
    if upload is not None and upload.size > limit:
        raise forms.ValidationError(_("The file is larger than the upload limit."))
    return upload


class DefineForm(forms.Form):
    form = forms.FileField(label=_("XLSForm (XLSX)"))
    indicators = forms.FileField(label=_("Indicators file (TOML)"))

    def clean_form(self) -> Any:
        return _limited(self.cleaned_data.get("form"))

    def clean_indicators(self) -> Any:
        return _limited(self.cleaned_data.get("indicators"))


class RoundForm(forms.Form):
    survey = forms.ModelChoiceField(queryset=Survey.objects.none(), label=_("Survey"))
    month = forms.CharField(label=_("Month (YYYY-MM)"), max_length=7)
    file = forms.FileField(label=_("Kobo or ODK export (XLSX or CSV)"))

    def __init__(self, platform: Platform, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["survey"].queryset = Survey.objects.filter(platform=platform)  # type: ignore[attr-defined]

    def clean_month(self) -> str:
        month = self.cleaned_data["month"].strip()
        if not MONTH.fullmatch(month):
            raise forms.ValidationError(_("Write the month as YYYY-MM, for example 2019-11."))
        return month

    def clean_file(self) -> Any:
        return _limited(self.cleaned_data.get("file"))
