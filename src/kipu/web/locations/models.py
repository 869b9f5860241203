from django.db import models


class Location(models.Model):
    """An administrative unit of the gazetteer: country (level 0), admin1, admin2, admin3."""

    pcode = models.CharField(max_length=20, unique=True)
    level = models.PositiveSmallIntegerField(db_index=True)
    code = models.CharField(
        max_length=20, help_text="National code (UBIGEO in Peru); ISO3 for a country"
    )
    iso = models.CharField(max_length=10, blank=True, help_text="ISO 3166-2 code where one exists")
    name = models.CharField(max_length=200)
    country = models.CharField(max_length=3, db_index=True, help_text="ISO3")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    vintage = models.CharField(max_length=50, blank=True)
    national = models.BooleanField(
        default=False, help_text="Pseudo admin1 for country-level activities"
    )

    class Meta:
        ordering = ["pcode"]
        indexes = [models.Index(fields=["country", "level"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.pcode})"


class LocationAlias(models.Model):
    """Another way files write a unit: old spelling, old code, name variant."""

    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="aliases")
    alias = models.CharField(max_length=200)
    kind = models.CharField(max_length=10, default="name")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["location", "alias"], name="unique_location_alias")
        ]

    def __str__(self) -> str:
        return f"{self.alias} → {self.location.pcode}"
