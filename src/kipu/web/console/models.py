"""The IM console's own records: each platform's reporting schedule (deadline and reminder
days) and the reminders sent. The language a reminder is written in is the recipient's
(accounts.InterfaceLanguage)."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

DEFAULT_DEADLINE_DAY = 10
# A deadline on the 29th–31st would not exist in every month.
LAST_DEADLINE_DAY = 28


class ReportingSchedule(models.Model):
    """When a platform's month is due, and when its partners are reminded.

    `remind_days` are days relative to the deadline: -5 is five days before, 0 the deadline
    day itself, 2 two days after. Empty: no reminder goes out on its own."""

    platform = models.OneToOneField(
        "platforms.Platform", on_delete=models.CASCADE, related_name="reporting_schedule"
    )
    deadline_day = models.PositiveSmallIntegerField(
        _("deadline day"),
        default=DEFAULT_DEADLINE_DAY,
        validators=[MinValueValidator(1), MaxValueValidator(LAST_DEADLINE_DAY)],
        help_text=_("A month is due by this day of the following month."),
    )
    remind_days = models.JSONField(_("reminder days"), default=list, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.platform}: day {self.deadline_day}, reminders {self.remind_days}"


class SentReminder(models.Model):
    """One reminder e-mail about one organisation's month. A scheduled one has its `due_date`
    (the day the schedule named), unique per organisation and month, so the schedule never
    sends it twice; one sent by hand from the console has none."""

    platform = models.ForeignKey("platforms.Platform", on_delete=models.CASCADE, related_name="+")
    organisation = models.ForeignKey(
        "platforms.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    month = models.CharField(max_length=7)
    due_date = models.DateField(null=True, blank=True)
    deadline = models.DateField()
    status = models.CharField(max_length=12, help_text="missing or rejected, when sent")
    recipients = models.JSONField(default=list, help_text="[{email, lang}]")
    sent_at = models.DateTimeField(auto_now_add=True)
    sent_by = models.CharField(max_length=150, help_text="A user, or schedule")

    class Meta:
        ordering = ["-sent_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["platform", "organisation", "month", "due_date"],
                name="one_scheduled_reminder_per_due_date",
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} {self.month} {self.due_date or 'by hand'}"
