from django.conf import settings
from django.db import models


class Narrative(models.Model):
    """A narrative section of a month's situation report, in Markdown with live figures."""

    platform = models.ForeignKey("platforms.Platform", on_delete=models.CASCADE, related_name="+")
    month = models.CharField(max_length=7)
    lang = models.CharField(max_length=5)
    section = models.CharField(
        max_length=60,
        help_text="highlights, context, coordination, an area/sector code, or custom-<n>",
    )
    title = models.CharField(max_length=200, blank=True, help_text="A custom section's title")
    markdown = models.TextField(blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["platform", "month", "lang", "section"]
        constraints = [
            models.UniqueConstraint(
                fields=["platform", "month", "lang", "section"], name="one_narrative_section"
            )
        ]

    def __str__(self) -> str:
        return f"{self.platform} {self.month} {self.lang} {self.section}"


class ReportVersion(models.Model):
    """A rendered situation report; published versions are kept for good."""

    platform = models.ForeignKey(
        "platforms.Platform", on_delete=models.CASCADE, related_name="reports"
    )
    month = models.CharField(max_length=7)
    lang = models.CharField(max_length=5)
    number = models.PositiveIntegerField()
    folder = models.CharField(max_length=300, help_text="Under KIPU_DATA_DIR/reports")
    figures = models.JSONField(default=dict, help_text="Every number the report shows, by name")
    data_fingerprint = models.CharField(
        max_length=64,
        blank=True,
        help_text="The data it was computed from (reports.queries.month_data); empty before 0003",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)
    published = models.BooleanField(default=False)

    class Meta:
        ordering = ["platform", "-month", "lang", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["platform", "month", "lang", "number"], name="unique_report_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.platform} {self.month} {self.lang} v{self.number}"
