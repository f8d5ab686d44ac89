"""Where a route runs moves from IntakeSettings.municipalities to trajectories.RouteOffering (one source of
truth); plus the school lists kept between preview and confirmation.

Each municipality set in the intake settings that the route offering does not yet have for that route gets an
offering, starting early enough that every earlier registration in the route stays eligible as it was (the
first registration of the route, or 31 days before today when there is none: registrations may be backdated
30 days). The functional administrator can correct the start date under Routeaanbod per gemeente.
Going back fills the field from what is offered today.
"""

from datetime import date, timedelta

import django.db.models.deletion
import uuid
from django.conf import settings
from django.db import migrations, models


def settings_to_offerings(apps, schema_editor):
    IntakeSettings = apps.get_model("intake", "IntakeSettings")
    RouteOffering = apps.get_model("trajectories", "RouteOffering")
    Trajectory = apps.get_model("trajectories", "Trajectory")
    fallback = date.today() - timedelta(days=31)
    for settings_row in IntakeSettings.objects.prefetch_related("municipalities"):
        first = (
            Trajectory.objects.filter(route_id=settings_row.route_id)
            .order_by("registered_on")
            .values_list("registered_on", flat=True)
            .first()
        )
        start = min(first, fallback) if first else fallback
        for municipality in settings_row.municipalities.all():
            if not RouteOffering.objects.filter(route_id=settings_row.route_id, municipality=municipality).exists():
                RouteOffering.objects.create(
                    route_id=settings_row.route_id, municipality=municipality, start_date=start
                )


def offerings_to_settings(apps, schema_editor):
    IntakeSettings = apps.get_model("intake", "IntakeSettings")
    RouteOffering = apps.get_model("trajectories", "RouteOffering")
    today = date.today()
    for settings_row in IntakeSettings.objects.all():
        current = RouteOffering.objects.filter(route_id=settings_row.route_id, start_date__lte=today).exclude(
            end_date__lt=today
        )
        settings_row.municipalities.set([o.municipality_id for o in current])


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_alter_membership_role_usersession"),
        ("intake", "0002_route_settings"),
        ("trajectories", "0004_load_route_offerings"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(settings_to_offerings, offerings_to_settings),
        migrations.RemoveField(
            model_name="intakesettings",
            name="municipalities",
        ),
        migrations.AlterField(
            model_name="intakesettings",
            name="municipality_rule",
            field=models.BooleanField(
                default=True,
                help_text="Of de route loopt in de woongemeente op de aanmelddatum; dat staat in het routeaanbod per gemeente.",
                verbose_name="woongemeente toetsen",
            ),
        ),
        migrations.CreateModel(
            name="SchoolListUpload",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("uuid", models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                ("file_name", models.CharField(max_length=200, verbose_name="bestand")),
                ("rows", models.JSONField(default=list, verbose_name="rijen")),
                ("problems", models.JSONField(default=list, verbose_name="problemen")),
                (
                    "state",
                    models.CharField(
                        choices=[("preview", "Voorbeeld"), ("imported", "Ingelezen")],
                        default="preview",
                        max_length=10,
                        verbose_name="stand",
                    ),
                ),
                ("imported_count", models.PositiveIntegerField(default=0, verbose_name="aantal aanmeldingen")),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "case_lead",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="regisseur",
                    ),
                ),
                (
                    "route",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="trajectories.route",
                        verbose_name="route",
                    ),
                ),
                (
                    "school",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="accounts.organisation",
                        verbose_name="school",
                    ),
                ),
                (
                    "uploaded_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="+", to=settings.AUTH_USER_MODEL
                    ),
                ),
            ],
            options={
                "verbose_name": "schoollijst",
                "verbose_name_plural": "schoollijsten",
            },
        ),
    ]
