"""Starting configuration: eligibility settings per route and the capacity area of Route Arbeid+ in Groningen.

Route Arbeid+ is the approach of the municipality of Groningen (council letter 197775-2025): offered in
Groningen, for Pro/VSO pupils with outflow profile dagbesteding. Route Arbeid and Route Entree have other
target groups, so their profile rule is off. No budget is entered here: amounts and decision references
come from the municipality.

Where a route runs was once set here (IntakeSettings.municipalities); it now comes from
trajectories.RouteOffering (0003 moves any such settings there), so `load` no longer sets it: it also runs
against today's models when tests reload reference data.
"""

from django.db import migrations

SETTINGS = {
    "RA_PLUS": {"profile_rule": True},
    "ROUTE_ARBEID": {"profile_rule": False},
    "ROUTE_ENTREE": {"profile_rule": False},
}


def load(apps, schema_editor):
    Route = apps.get_model("trajectories", "Route")
    Municipality = apps.get_model("accounts", "Municipality")
    IntakeSettings = apps.get_model("intake", "IntakeSettings")
    CapacityArea = apps.get_model("intake", "CapacityArea")
    for code, config in SETTINGS.items():
        route = Route.objects.filter(code=code).first()
        if route is None:
            continue
        IntakeSettings.objects.get_or_create(route=route, defaults={"profile_rule": config["profile_rule"]})
    route = Route.objects.filter(code="RA_PLUS").first()
    groningen = Municipality.objects.filter(cbs_code="GM0014").first()
    if route is not None and groningen is not None:
        area, _ = CapacityArea.objects.get_or_create(route=route, name="Gemeente Groningen")
        area.municipalities.set([groningen])


class Migration(migrations.Migration):
    dependencies = [("intake", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
