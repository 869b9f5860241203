from django.conf import settings
from django.db import models


class Submission(models.Model):
    """One upload of 5W rows by an organisation for a month (or a multi-month import)."""

    class Status(models.TextChoices):
        REJECTED = "rejected", "rejected (errors, nothing stored)"
        CURRENT = "current", "current version"
        SUPERSEDED = "superseded", "replaced by a later version"

    platform = models.ForeignKey(
        "platforms.Platform", on_delete=models.CASCADE, related_name="submissions"
    )
    organisation = models.ForeignKey(
        "platforms.Organisation", on_delete=models.PROTECT, related_name="submissions"
    )
    month = models.CharField(max_length=7, help_text="YYYY-MM")
    file_name = models.CharField(max_length=255, blank=True)
    checksum = models.CharField(max_length=64, blank=True, help_text="SHA-256 of the uploaded file")
    rows_digest = models.CharField(
        max_length=64,
        blank=True,
        help_text="A digest of the rows stored: the same file sent again is unchanged only when "
        "it stores the same rows (the reference data may have changed in between)",
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=12, choices=Status.choices)
    report = models.JSONField(default=dict, blank=True, help_text="The validation report")
    replaces = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="replaced_by"
    )
    accepted_issues = models.BooleanField(default=False, help_text="Stored with --accept-issues")
    row_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-uploaded_at"]
        indexes = [models.Index(fields=["platform", "organisation", "month", "status"])]
        constraints = [
            # Two concurrent imports cannot both end up as the current version.
            models.UniqueConstraint(
                fields=["platform", "organisation", "month"],
                condition=models.Q(status="current"),
                name="one_current_submission",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} {self.month} ({self.status})"


# Frame column → the reference table its stored id points to, and the columns every row must
# have. Checked by the import rather than by database constraints (see Activity).
REFERENCE_COLUMNS = {
    "admin1": "location",
    "admin2": "location",
    "appealing_org": "organisation",
    "implementing_partner": "organisation",
    "sector": "sector",
    "indicator": "indicator",
}
REQUIRED_REFERENCES = ("admin1", "appealing_org", "sector", "indicator")


class Activity(models.Model):
    """One 5W row: who did what, where, when, for whom. Columns follow kipu.core.schema.

    Only the submission and (platform, month) are indexed: figures read whole platforms into a
    snapshot, and every further index costs each import of a hundred thousand rows.

    Only the submission is a foreign key in the database. The reference columns (platform,
    places, organisations, sector, indicator) are checked by the import instead: it resolves
    every code against the reference tables inside its own transaction, refuses a row naming
    anything unknown, and locks the rows it names (`services.lock_reference_rows`). A database
    constraint would check each of them again row by row at COMMIT (2.4 of the 6.8 seconds of
    a 100,000-row import on PostgreSQL); Kipu never deletes reference rows that activities
    name, and Django still refuses such a delete (PROTECT)."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="activities")
    platform = models.ForeignKey(
        "platforms.Platform",
        db_index=False,
        db_constraint=False,
        on_delete=models.CASCADE,
        related_name="+",
    )
    row = models.PositiveIntegerField(default=0, help_text="Row number in the source file")
    country = models.CharField(max_length=3)
    admin1 = models.ForeignKey(
        "locations.Location",
        db_index=False,
        db_constraint=False,
        on_delete=models.PROTECT,
        related_name="+",
    )
    admin2 = models.ForeignKey(
        "locations.Location",
        db_index=False,
        db_constraint=False,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    appealing_org = models.ForeignKey(
        "platforms.Organisation",
        db_index=False,
        db_constraint=False,
        on_delete=models.PROTECT,
        related_name="+",
    )
    implementation = models.BooleanField(null=True)
    implementing_partner = models.ForeignKey(
        "platforms.Organisation",
        db_index=False,
        db_constraint=False,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    month = models.CharField(max_length=7)
    sector = models.ForeignKey(
        "plans.Sector",
        db_index=False,
        db_constraint=False,
        on_delete=models.PROTECT,
        related_name="+",
    )
    indicator = models.ForeignKey(
        "plans.Indicator",
        db_index=False,
        db_constraint=False,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Text without a limit, as activity_description: a 5W cell holds up to 32,767 characters
    # (`text-too-long`), and a varchar(500) made a longer name a server error on PostgreSQL.
    activity_name = models.TextField(blank=True)
    activity_description = models.TextField(blank=True)
    rmrp_activity = models.BooleanField(null=True)
    covid19 = models.BooleanField(null=True)
    support_space = models.BooleanField(null=True)
    cva = models.BooleanField(null=True)
    value_usd = models.FloatField(null=True, blank=True)
    delivery_mechanism = models.TextField(blank=True)  # kept as written when accepted
    issues = models.JSONField(
        default=list, blank=True, help_text="Issue codes of the row (errors accepted, warnings)"
    )
    has_error = models.BooleanField(
        default=False,
        help_text="An error was accepted with the row (--accept-issues): figures leave it out "
        "unless asked; rows with warnings only count",
    )
    quantity_output = models.BigIntegerField(default=0)
    total_monthly = models.BigIntegerField(default=0)
    new_beneficiaries = models.BigIntegerField(default=0)
    in_destination = models.BigIntegerField(default=0)
    in_transit = models.BigIntegerField(default=0)
    host_community = models.BigIntegerField(default=0)
    pendular = models.BigIntegerField(default=0)
    returnees = models.BigIntegerField(default=0)
    girls = models.BigIntegerField(default=0)
    boys = models.BigIntegerField(default=0)
    women = models.BigIntegerField(default=0)
    men = models.BigIntegerField(default=0)
    other_under_18 = models.BigIntegerField(default=0)
    other_above_18 = models.BigIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["platform", "month"])]

    def __str__(self) -> str:
        return f"{self.appealing_org} {self.month} {self.indicator} row {self.row}"


class MonthStatus(models.Model):
    """Where a platform's month stands: open for submissions, locked (approved), or published."""

    class Status(models.TextChoices):
        OPEN = "open"
        LOCKED = "locked", "approved and locked"
        PUBLISHED = "published"

    platform = models.ForeignKey(
        "platforms.Platform", on_delete=models.CASCADE, related_name="months"
    )
    month = models.CharField(max_length=7)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    changed_at = models.DateTimeField(auto_now=True)
    reason = models.TextField(blank=True, help_text="Why a month was reopened")

    class Meta:
        ordering = ["platform", "month"]
        constraints = [
            models.UniqueConstraint(fields=["platform", "month"], name="one_status_per_month")
        ]

    def __str__(self) -> str:
        return f"{self.platform} {self.month}: {self.status}"
