"""Surveys of a platform (flow monitoring and the like), their monthly rounds and answers.

A round is stored like a 5W submission: an upload for (survey, month) replaces the current
version in one transaction and the replaced one is kept (`SurveyRound.Status`); an upload
with errors is kept as rejected, with its report, and stores no answer. Raw answers are
never public: only the IM team reads them (`kipu.web.accounts.scope`).
"""

from django.conf import settings
from django.db import models


class Survey(models.Model):
    """A survey: its XLSForm (as `kipu.core.surveys.form.SurveyForm.to_dict`) and its
    indicators file (`IndicatorSpec.to_dict`)."""

    platform = models.ForeignKey(
        "platforms.Platform", on_delete=models.CASCADE, related_name="surveys"
    )
    slug = models.SlugField(max_length=60)
    title_en = models.CharField(max_length=200)
    title_es = models.CharField(max_length=200, blank=True)
    form = models.JSONField(help_text="The form's questions, choices and labels")
    indicators = models.JSONField(help_text="What is counted, by what, with what weight")
    form_file = models.CharField(max_length=255, blank=True)
    synthetic = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["platform", "slug"]
        constraints = [models.UniqueConstraint(fields=["platform", "slug"], name="one_survey_slug")]

    def __str__(self) -> str:
        return f"{self.platform.slug}/{self.slug}"

    def title(self, lang: str = "en") -> str:
        return (self.title_es if lang == "es" else self.title_en) or self.title_en


class SurveyRound(models.Model):
    """One upload of a month's answers."""

    class Status(models.TextChoices):
        REJECTED = "rejected", "rejected (errors, nothing stored)"
        CURRENT = "current", "current version"
        SUPERSEDED = "superseded", "replaced by a later version"

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="rounds")
    month = models.CharField(max_length=7, help_text="YYYY-MM")
    status = models.CharField(max_length=12, choices=Status.choices)
    version = models.PositiveIntegerField(default=1)
    file_name = models.CharField(max_length=255, blank=True)
    checksum = models.CharField(max_length=64, blank=True)
    report = models.JSONField(default=dict, blank=True)
    interviews = models.PositiveIntegerField(default=0)
    replaces = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="replaced_by"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-uploaded_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "month"],
                condition=models.Q(status="current"),
                name="one_current_round",
            )
        ]

    def __str__(self) -> str:
        return f"{self.survey.slug} {self.month} v{self.version} ({self.status})"


class Answer(models.Model):
    """One interview: its typed answers by question path, and its repeat rows."""

    round = models.ForeignKey(SurveyRound, on_delete=models.CASCADE, related_name="answers")
    row = models.PositiveIntegerField(help_text="Row in the export")
    key = models.CharField(max_length=100, help_text="The export's interview id")
    values = models.JSONField(default=dict)
    repeats = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["round", "row"]

    def __str__(self) -> str:
        return f"{self.round} row {self.row}"


class DisclosureSetting(models.Model):
    """A platform's threshold k: no public cell counts fewer than k people (default 5)."""

    platform = models.OneToOneField(
        "platforms.Platform", on_delete=models.CASCADE, related_name="disclosure"
    )
    k = models.PositiveSmallIntegerField(default=5)

    def __str__(self) -> str:
        return f"{self.platform.slug}: k = {self.k}"
