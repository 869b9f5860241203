"""Forms of the partner portal."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from kipu.web.accounts.scope import Scope
from kipu.web.platforms.models import Organisation
from kipu.web.portal.templatetags.kipu_months import month_label

# .txt and .tsv: Excel's "Unicode text" export (UTF-16, tab-separated) and other text tables.
ACCEPTED_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods", ".csv", ".txt", ".tsv")


def max_upload_bytes() -> int:
    return int(getattr(settings, "KIPU_MAX_UPLOAD_MB", 50)) * 1024 * 1024


class _MonthForm(forms.Form):
    """The month of an upload: one of the open months, refused once it is locked."""

    month = forms.ChoiceField(label=_("Month"))

    def __init__(
        self,
        *args: Any,
        scope: Scope,
        organisation: Organisation,
        months: list[str],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.scope, self.organisation = scope, organisation
        cast(forms.ChoiceField, self.fields["month"]).choices = [
            (m, month_label(m)) for m in reversed(months)
        ]

    def clean_month(self) -> str:
        month = self.cleaned_data["month"]
        if not self.scope.can_upload(self.organisation, month):
            raise forms.ValidationError(
                _("%(month)s is locked: it takes no new submissions."),
                params={"month": month},
                code="locked",
            )
        return month


class SubmitCheckedForm(_MonthForm):
    """Submit the file "Check only" kept (`services.check_and_keep`), named by its SHA-256."""

    checked = forms.RegexField(regex=r"^[0-9a-f]{64}$", widget=forms.HiddenInput)


class UploadForm(_MonthForm):
    file = forms.FileField(
        label=_("5W file"),
        help_text=_("Excel (.xlsx, .xls, .xlsm), OpenDocument (.ods), CSV or Unicode text (.txt)."),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(ACCEPTED_SUFFIXES)}),
    )
    accept_issues = forms.BooleanField(
        label=_("Store rows with errors, issues attached (IM team only)"), required=False
    )

    def __init__(self, *args: Any, scope: Scope, **kwargs: Any) -> None:
        super().__init__(*args, scope=scope, **kwargs)
        if not scope.can_manage_platform():
            del self.fields["accept_issues"]

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        limit = max_upload_bytes()
        if upload.size > limit:
            raise forms.ValidationError(
                _("The file is %(size)s MB; the limit is %(limit)s MB. Nothing was stored."),
                params={"size": round(upload.size / 1048576, 1), "limit": limit // 1048576},
                code="too-large",
            )
        name = (upload.name or "").lower()
        if not name.endswith(ACCEPTED_SUFFIXES):
            raise forms.ValidationError(
                _("Upload an Excel, OpenDocument or CSV file."), code="file-type"
            )
        return upload


class IssueFilterForm(forms.Form):
    severity = forms.ChoiceField(
        label=_("Severity"),
        required=False,
        choices=[("", _("all")), ("error", _("errors")), ("warning", _("warnings"))],
    )
    code = forms.ChoiceField(label=_("Code"), required=False)
    q = forms.CharField(label=_("Text"), required=False, max_length=100)

    def __init__(self, *args: Any, codes: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["code"]).choices = [
            ("", _("all")),
            *((c, c) for c in codes),
        ]
