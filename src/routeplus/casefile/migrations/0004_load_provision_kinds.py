"""The provision kinds of the region as data; the functional administrator can add and change them."""

from django.db import migrations

# code, name, domain, data category, implied result (a proposal a person confirms), order
KINDS = [
    ("entree_enrolment", "Inschrijving Entree-opleiding (mbo 1)", "education", "education", "entree", 10),
    ("school_support", "Extra ondersteuning op school (arrangement)", "education", "education", "", 20),
    ("pupil_transport", "Leerlingenvervoer", "education", "education", "", 30),
    ("youth_support", "Jeugdhulp (begeleiding)", "jeugdwet", "youth_care", "", 10),
    ("youth_day_care", "Dagbesteding jeugd", "jeugdwet", "youth_care", "", 20),
    ("youth_extended", "Verlengde jeugdhulp (18 tot 23)", "jeugdwet", "youth_care", "", 30),
    ("wmo_day_care", "Wmo-dagbesteding", "wmo", "wmo", "dagbesteding", 10),
    ("wmo_support", "Wmo-begeleiding", "wmo", "wmo", "", 20),
    ("wmo_transport", "Wmo-vervoer", "wmo", "wmo", "", 30),
    ("social_assistance", "Bijstandsuitkering", "participatiewet", "income", "", 10),
    ("wage_subsidy", "Loonkostensubsidie", "participatiewet", "income", "", 20),
    ("job_coach", "Jobcoaching", "participatiewet", "work", "", 30),
    ("sheltered_place", "Beschutte werkplek", "participatiewet", "work", "", 40),
    ("reintegration", "Re-integratietraject", "participatiewet", "work", "", 50),
    ("wajong", "Wajong-uitkering", "uwv", "health", "wajong", 10),
    ("work_capacity_assessment", "Beoordeling arbeidsvermogen", "uwv", "health", "", 20),
    ("sheltered_work_indication", "Indicatie nieuw beschut werk", "uwv", "health", "nieuw_beschut", 30),
    ("target_group_register", "Doelgroepregister banenafspraak", "uwv", "work", "", 40),
    ("uwv_job_coach", "Jobcoach via UWV", "uwv", "work", "", 50),
    ("wlz_indication", "Wlz-indicatie (CIZ)", "wlz", "health", "", 10),
    ("other", "Andere voorziening", "other", "health", "", 90),
]


def load(apps, schema_editor):
    ProvisionKind = apps.get_model("casefile", "ProvisionKind")
    for code, name, domain, category, implies, order in KINDS:
        ProvisionKind.objects.get_or_create(
            code=code,
            defaults={"name": name, "domain": domain, "category": category, "implies_result": implies, "order": order},
        )


class Migration(migrations.Migration):
    dependencies = [("casefile", "0003_result_uuid")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
