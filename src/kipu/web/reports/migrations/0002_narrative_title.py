from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="narrative",
            name="title",
            field=models.CharField(blank=True, help_text="A custom section's title", max_length=200),
        ),
        migrations.AlterField(
            model_name="narrative",
            name="section",
            field=models.CharField(
                help_text="highlights, context, coordination, an area/sector code, or custom-<n>",
                max_length=60,
            ),
        ),
    ]
