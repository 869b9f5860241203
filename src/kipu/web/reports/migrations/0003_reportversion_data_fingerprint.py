from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("reports", "0002_narrative_title")]

    operations = [
        migrations.AddField(
            model_name="reportversion",
            name="data_fingerprint",
            field=models.CharField(
                blank=True,
                help_text="The data it was computed from (reports.queries.month_data); empty before 0003",
                max_length=64,
            ),
        ),
    ]
