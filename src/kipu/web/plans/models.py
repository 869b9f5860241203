from django.db import models

from kipu.core.reference import INDICATOR_TYPES


class Plan(models.Model):
    """A response plan of a platform for a year (RMRP 2021, GTRM Peru 2019)."""

    class Classification(models.TextChoices):
        SECTORS = "sectors"
        AREAS = "areas", "areas of intervention"

    platform = models.ForeignKey(
        "platforms.Platform", on_delete=models.CASCADE, related_name="plans"
    )
    name = models.CharField(max_length=200)
    year = models.PositiveSmallIntegerField()
    classification = models.CharField(
        max_length=10, choices=Classification.choices, default=Classification.SECTORS
    )

    class Meta:
        ordering = ["platform", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["platform", "year"], name="one_plan_per_year")
        ]

    def __str__(self) -> str:
        return self.name


class Sector(models.Model):
    """A sector, sub-sector or area of intervention; sub-sectors roll up to `parent`."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="sectors")
    code = models.CharField(max_length=40)
    name_en = models.CharField(max_length=200)
    name_es = models.CharField(max_length=200, blank=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["plan", "order", "name_en"]
        constraints = [models.UniqueConstraint(fields=["plan", "code"], name="unique_sector_code")]

    def __str__(self) -> str:
        return self.name_en


class Indicator(models.Model):
    TYPES = [(name, name) for name in INDICATOR_TYPES]

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="indicators")
    sector = models.ForeignKey(Sector, on_delete=models.CASCADE, related_name="indicators")
    code = models.CharField(max_length=60)
    name_en = models.CharField(max_length=500)
    name_es = models.CharField(max_length=500, blank=True)
    unit = models.CharField(max_length=100, blank=True)
    type = models.CharField(max_length=30, choices=TYPES)

    class Meta:
        ordering = ["plan", "code"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="unique_indicator_code")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name_en}"

    @property
    def counts_people_reached(self) -> bool:
        return INDICATOR_TYPES[self.type].counts_people_reached


class Target(models.Model):
    """People in need, people targeted and budget per sector × admin1 (admin1 null: country)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="targets")
    sector = models.ForeignKey(Sector, on_delete=models.CASCADE, related_name="targets")
    admin1 = models.ForeignKey(
        "locations.Location", null=True, blank=True, on_delete=models.PROTECT
    )
    # Null: the plan gives none (an empty cell), shown as such, never as 0.
    people_in_need = models.PositiveBigIntegerField(null=True, blank=True)
    people_targeted = models.PositiveBigIntegerField(null=True, blank=True)
    budget_usd = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["plan", "sector", "admin1"], name="unique_target")
        ]

    def __str__(self) -> str:
        return f"{self.sector} in {self.admin1 or 'the country'}"


class Proportion(models.Model):
    """Age/sex shares within a population type, per admin1 × sector (for the max-cell model)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="proportions")
    sector = models.ForeignKey(Sector, on_delete=models.CASCADE)
    admin1 = models.ForeignKey("locations.Location", on_delete=models.PROTECT)
    population_type = models.CharField(max_length=20)
    girls = models.FloatField()
    boys = models.FloatField()
    women = models.FloatField()
    men = models.FloatField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "sector", "admin1", "population_type"], name="unique_proportion"
            )
        ]

    def __str__(self) -> str:
        return f"{self.sector} {self.admin1} {self.population_type}"
