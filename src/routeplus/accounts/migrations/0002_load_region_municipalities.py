"""Load the 13 municipalities of the labour-market region Groningen and Noord-Drenthe (shared data)."""

import csv
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data" / "municipalities.csv"


def load(apps, schema_editor):
    Municipality = apps.get_model("accounts", "Municipality")
    with DATA.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            Municipality.objects.update_or_create(
                cbs_code=row["cbs_code"], defaults={"name": row["name"], "province": row["province"]}
            )


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
