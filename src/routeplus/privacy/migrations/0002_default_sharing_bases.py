"""Default legal bases for sharing each data category with each kind of partner (to be confirmed locally)."""

from django.db import migrations

STATUTORY = "statutory"
CONSENT = "consent"
CATEGORIES = ["education", "youth_care", "wmo", "income", "work", "health", "contacts"]
TASK = "Taak van algemeen belang (AVG art. 6 lid 1 sub e) in de uitvoering van de route"
DEFAULTS = {
    # WIJ directs the route for the municipality under the Jeugdwet, Wmo 2015 and Participatiewet.
    "social_team": {category: (STATUTORY, TASK) for category in CATEGORIES},
    "municipality": {category: (STATUTORY, TASK) for category in CATEGORIES},
    # The work company coaches toward work under the Participatiewet; care and health data need consent.
    "work_company": {
        "education": (STATUTORY, "Ontwikkelplan van de route (Participatiewet art. 7)"),
        "work": (STATUTORY, "Re-integratie (Participatiewet art. 7)"),
        "income": (STATUTORY, "Loonkostensubsidie en jobcoaching (Participatiewet)"),
        "contacts": (STATUTORY, "Begeleiding in de route"),
        "youth_care": (CONSENT, ""),
        "wmo": (CONSENT, ""),
        "health": (CONSENT, ""),
    },
    # The school directs the learning track; everything beyond education and internships needs consent.
    "school": {
        "education": (STATUTORY, "Onderwijs en loopbaanbegeleiding (Wet van school naar duurzaam werk)"),
        "work": (STATUTORY, "Stages als onderdeel van het onderwijs"),
        "contacts": (CONSENT, ""),
        "youth_care": (CONSENT, ""),
        "wmo": (CONSENT, ""),
        "income": (CONSENT, ""),
        "health": (CONSENT, ""),
    },
}


def load(apps, schema_editor):
    SharingBasis = apps.get_model("privacy", "SharingBasis")
    for kind, categories in DEFAULTS.items():
        for category, (basis, article) in categories.items():
            SharingBasis.objects.update_or_create(
                category=category,
                organisation_kind=kind,
                participant=None,
                defaults={"basis": basis, "article": article},
            )


class Migration(migrations.Migration):
    dependencies = [("privacy", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
