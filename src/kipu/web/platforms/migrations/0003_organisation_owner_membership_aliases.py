"""Shared organisations get an owner: the platform of their only membership, else nobody (the
installation). Memberships get the platform's own aliases."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import Count, Min


def set_owners(apps, schema_editor):  # noqa: ANN001, ANN201
    """Owner of each organisation: the platform of its only membership; none when it has no
    membership or several (then only installation administrators may change it)."""
    Membership = apps.get_model("platforms", "Membership")
    Organisation = apps.get_model("platforms", "Organisation")
    single = (
        Membership.objects.values("organisation_id")
        .annotate(n=Count("id"), only_platform=Min("platform_id"))
        .filter(n=1)
    )
    by_platform: dict[int, list[int]] = {}
    for row in single:
        by_platform.setdefault(row["only_platform"], []).append(row["organisation_id"])
    for platform_id, organisation_ids in by_platform.items():
        for start in range(0, len(organisation_ids), 500):
            Organisation.objects.filter(pk__in=organisation_ids[start : start + 500]).update(
                owner_id=platform_id
            )


class Migration(migrations.Migration):

    dependencies = [
        ('platforms', '0002_events_and_report_config'),
    ]

    operations = [
        migrations.AddField(
            model_name='organisation',
            name='owner',
            field=models.ForeignKey(blank=True, help_text='The platform whose administrators may change the shared fields; empty: installation administrators only', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='owned_organisations', to='platforms.platform'),
        ),
        migrations.AddField(
            model_name='membership',
            name='aliases',
            field=models.JSONField(blank=True, default=list, help_text="The platform's own other names of the organisation; only its files use them"),
        ),
        migrations.RunPython(set_owners, migrations.RunPython.noop),
    ]
