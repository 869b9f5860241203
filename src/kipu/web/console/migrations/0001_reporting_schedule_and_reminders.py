"""The console's records: reporting schedules (the deadline day moves here from
Platform.report_config["deadline_day"], copied by the next migration), reminders sent, and each
user's interface language."""

import django.core.validators
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('platforms', '0004_platform_countries_organisation_types'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='ReportingSchedule',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('deadline_day', models.PositiveSmallIntegerField(default=10, help_text='A month is due by this day of the following month.', validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(28)], verbose_name='deadline day')),
                ('remind_days', models.JSONField(blank=True, default=list, verbose_name='reminder days')),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('platform', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='reporting_schedule', to='platforms.platform')),
                ('updated_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
        ),
        migrations.CreateModel(
            name='SentReminder',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('month', models.CharField(max_length=7)),
                ('due_date', models.DateField(blank=True, null=True)),
                ('deadline', models.DateField()),
                ('status', models.CharField(help_text='missing or rejected, when sent', max_length=12)),
                ('recipients', models.JSONField(default=list, help_text='[{email, lang}]')),
                ('sent_at', models.DateTimeField(auto_now_add=True)),
                ('sent_by', models.CharField(help_text='A user, or schedule', max_length=150)),
                ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='platforms.organisation')),
                ('platform', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='platforms.platform')),
            ],
            options={
                'ordering': ['-sent_at', '-id'],
                'constraints': [models.UniqueConstraint(fields=('platform', 'organisation', 'month', 'due_date'), name='one_scheduled_reminder_per_due_date')],
            },
        ),
    ]
