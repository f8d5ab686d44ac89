"""The three routes of the region; more can be added as data."""

from django.db import migrations

ROUTES = [
    ("RA_PLUS", "Route Arbeid+", "Voor jongeren uit Pro en VSO met uitstroomprofiel dagbesteding."),
    ("ROUTE_ARBEID", "Route Arbeid", "Voor jongeren voor wie (beschut) werk binnen bereik is."),
    ("ROUTE_ENTREE", "Route Entree", "Naar de Entree-opleiding (mbo niveau 1)."),
]


def load(apps, schema_editor):
    Route = apps.get_model("trajectories", "Route")
    for code, name, description in ROUTES:
        Route.objects.update_or_create(code=code, defaults={"name": name, "description": description})


class Migration(migrations.Migration):
    dependencies = [("trajectories", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
