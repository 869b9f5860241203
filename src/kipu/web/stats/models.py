from django.db import models


class Series(models.Model):
    """An official statistic over time: arrivals, departures, stock, asylum claims…"""

    platform = models.ForeignKey(
        "platforms.Platform", on_delete=models.CASCADE, related_name="series"
    )
    key = models.SlugField(max_length=80)
    name_en = models.CharField(max_length=200)
    name_es = models.CharField(max_length=200, blank=True)
    unit = models.CharField(max_length=50, default="people")
    source = models.CharField(max_length=300, blank=True)
    url = models.URLField(blank=True)

    class Meta:
        ordering = ["platform", "key"]
        constraints = [
            models.UniqueConstraint(fields=["platform", "key"], name="unique_series_key")
        ]

    def __str__(self) -> str:
        return self.key


class Observation(models.Model):
    series = models.ForeignKey(Series, on_delete=models.CASCADE, related_name="observations")
    period_start = models.DateField()
    period_end = models.DateField()
    value = models.DecimalField(max_digits=18, decimal_places=2)
    note = models.CharField(max_length=500, blank=True)
    source = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["series", "period_start", "period_end"]
        constraints = [
            models.UniqueConstraint(
                fields=["series", "period_start", "period_end"], name="unique_observation"
            )
        ]

    def __str__(self) -> str:
        return f"{self.series} {self.period_start}–{self.period_end}: {self.value}"
