"""Copy each platform's report_config["deadline_day"] (where the deadline was set before the
console had a schedule) into its ReportingSchedule, so no platform's deadline changes."""

from django.db import migrations


def copy_deadlines(apps, schema_editor):  # noqa: ANN001, ANN201
    Platform = apps.get_model("platforms", "Platform")
    Schedule = apps.get_model("kipu_console", "ReportingSchedule")
    for platform in Platform.objects.all():
        day = (platform.report_config or {}).get("deadline_day")
        try:
            day = int(day)
        except (TypeError, ValueError):
            continue
        Schedule.objects.get_or_create(
            platform=platform, defaults={"deadline_day": min(max(day, 1), 28), "remind_days": []}
        )


class Migration(migrations.Migration):
    dependencies = [("kipu_console", "0001_reporting_schedule_and_reminders")]

    operations = [migrations.RunPython(copy_deadlines, migrations.RunPython.noop)]
