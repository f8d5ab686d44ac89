"""Which routes each municipality offers: Groningen runs all three since 2022; Route Arbeid in Het Hogeland
since 2015 (shared/reference/legal-facts.md, section 1). The region extends this as data."""

from datetime import date

from django.db import migrations

OFFERINGS = [
    ("RA_PLUS", "GM0014", date(2022, 1, 1)),
    ("ROUTE_ARBEID", "GM0014", date(2022, 1, 1)),
    ("ROUTE_ENTREE", "GM0014", date(2022, 1, 1)),
    ("ROUTE_ARBEID", "GM1966", date(2015, 1, 1)),
]


def load(apps, schema_editor):
    Route = apps.get_model("trajectories", "Route")
    Municipality = apps.get_model("accounts", "Municipality")
    RouteOffering = apps.get_model("trajectories", "RouteOffering")
    for route_code, cbs_code, start in OFFERINGS:
        RouteOffering.objects.get_or_create(
            route=Route.objects.get(code=route_code),
            municipality=Municipality.objects.get(cbs_code=cbs_code),
            start_date=start,
        )


class Migration(migrations.Migration):
    dependencies = [("trajectories", "0003_trajectory_previous_handover_routeoffering"), ("accounts", "0002_load_region_municipalities")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
