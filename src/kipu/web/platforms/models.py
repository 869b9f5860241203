from django.db import models

from kipu.core.reference import ORGANISATION_TYPES


class Platform(models.Model):
    """A coordination platform: regional (R4V), national (GTRM Peru) or local (GTRM Tumbes)."""

    class Level(models.TextChoices):
        REGIONAL = "regional"
        NATIONAL = "national"
        LOCAL = "local"

    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=200)
    country = models.CharField(
        max_length=3, blank=True, help_text="ISO3; blank for a regional platform"
    )
    countries = models.JSONField(
        default=list,
        blank=True,
        help_text="A regional platform's countries (ISO3), besides those of its member platforms",
    )
    level = models.CharField(max_length=10, choices=Level.choices, default=Level.NATIONAL)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    languages = models.JSONField(default=list, blank=True)
    contacts = models.JSONField(
        default=list, blank=True, help_text="[{name, role, organisation, email}]"
    )
    im_email = models.EmailField(
        blank=True,
        help_text="The IM team's address partners are told to write to (a locked month, "
        "help with a file); empty: the contacts in an IM role, else the administrators",
    )
    admin1 = models.ManyToManyField(
        "locations.Location",
        blank=True,
        related_name="local_platforms",
        help_text="The admin1 units a local platform covers",
    )
    synthetic = models.BooleanField(default=False, help_text="Demonstration data, not real figures")
    report_config = models.JSONField(
        default=dict,
        blank=True,
        help_text="Situation report settings: key figures, chart annotations",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["slug"]

    def __str__(self) -> str:
        return self.name


class Organisation(models.Model):
    """A member organisation, shared by every platform of the installation. Its shared fields
    (names, acronym, type, registry id, aliases) are changed only by its owner platform's
    administrators, or by installation administrators (superusers, the `kipu` command) when
    `owner` is empty: see `kipu.web.platforms.queries.can_change_shared`."""

    TYPES = [(t, t) for t in ORGANISATION_TYPES]
    SHARED_FIELDS = (
        "external_id",
        "name_en",
        "name_es",
        "name_pt",
        "acronym",
        "org_type",
        "aliases",
    )

    external_id = models.CharField(
        max_length=20, unique=True, null=True, blank=True, help_text="Registry id, R4V style ORGnnn"
    )
    name_en = models.CharField(max_length=250)
    name_es = models.CharField(max_length=250, blank=True)
    name_pt = models.CharField(max_length=250, blank=True)
    acronym = models.CharField(max_length=60, blank=True)
    org_type = models.CharField(max_length=40, choices=TYPES, blank=True)
    aliases = models.JSONField(default=list, blank=True)
    owner = models.ForeignKey(
        Platform,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_organisations",
        help_text="The platform whose administrators may change the shared fields; "
        "empty: installation administrators only",
    )

    class Meta:
        ordering = ["name_en"]

    def __str__(self) -> str:
        return self.acronym or self.name_en

    @property
    def key(self) -> str:
        """The key organisations are matched and counted by: the registry id, else the row id."""
        return self.external_id or f"org-{self.pk}"


class Membership(models.Model):
    platform = models.ForeignKey(Platform, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    sub_working_groups = models.JSONField(default=list, blank=True)
    aliases = models.JSONField(
        default=list,
        blank=True,
        help_text="The platform's own other names of the organisation; only its files use them",
    )

    class Meta:
        ordering = ["platform", "organisation"]
        constraints = [
            models.UniqueConstraint(fields=["platform", "organisation"], name="unique_membership")
        ]

    def __str__(self) -> str:
        return f"{self.organisation} in {self.platform}"


class Event(models.Model):
    """A coordination event: meeting, training, launch… with attendance (for the report)."""

    TYPES = [(t, t) for t in ("meeting", "training", "workshop", "launch", "mission", "other")]

    platform = models.ForeignKey(Platform, on_delete=models.CASCADE, related_name="events")
    date = models.DateField()
    title_en = models.CharField(max_length=300)
    title_es = models.CharField(max_length=300, blank=True)
    type = models.CharField(max_length=20, choices=TYPES, default="meeting")
    attendance = models.PositiveIntegerField(null=True, blank=True)
    organisations = models.ManyToManyField(Organisation, blank=True, related_name="events")
    admin1 = models.ForeignKey(
        "locations.Location", null=True, blank=True, on_delete=models.PROTECT
    )
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["platform", "date", "title_en"]
        constraints = [
            models.UniqueConstraint(fields=["platform", "date", "title_en"], name="unique_event")
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.title_en}"
