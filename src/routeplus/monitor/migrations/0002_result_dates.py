"""The derived result dates of the council table, filled from the results already recorded."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import Min
from django.db.models.functions import Greatest


def fill(apps, schema_editor):
    """The same rows as monitor.derived.result_dates_rebuild, with the models as they are at this migration."""
    Result = apps.get_model("casefile", "Result")
    ResultDate = apps.get_model("monitor", "ResultDate")
    firsts = (
        Result.objects.filter(trajectory__start_date__isnull=False)
        .values("type", "trajectory__participant_id", "trajectory__route_id", "trajectory__municipality_id")
        .annotate(first=Min(Greatest("start_date", "trajectory__start_date")))
        .order_by()
    )
    ResultDate.objects.bulk_create(
        (
            ResultDate(
                type=row["type"],
                participant_id=row["trajectory__participant_id"],
                route_id=row["trajectory__route_id"],
                municipality_id=row["trajectory__municipality_id"],
                counts_from=row["first"],
            )
            for row in firsts.iterator()
        ),
        batch_size=2000,
    )


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0003_alter_membership_role_usersession'),
        ('casefile', '0004_load_provision_kinds'),
        ('monitor', '0001_initial'),
        ('participants', '0001_initial'),
        ('trajectories', '0004_load_route_offerings'),
    ]

    operations = [
        migrations.CreateModel(
            name='ResultDate',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('type', models.CharField(choices=[('dagbesteding', 'Uitstroom naar dagbesteding'), ('dagbesteding_ontwikkelperspectief', 'Dagbesteding met ontwikkelperspectief via school'), ('stage_maatwerk', 'Stage maatwerk'), ('arbeid', 'Uitstroom naar arbeid'), ('heeft_gewerkt', 'Heeft gewerkt'), ('entree', 'School, Entree'), ('nieuw_beschut', 'Indicatie Nieuw Beschut'), ('wajong', 'Wajong advies/toegekend'), ('uitval', 'Uitval')], max_length=40)),
                ('counts_from', models.DateField()),
                ('municipality', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='accounts.municipality')),
                ('participant', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='participants.participant')),
                ('route', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='trajectories.route')),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('participant', 'route', 'municipality', 'type'), name='result_date_once_per_participant')],
            },
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
