"""The data-subject export (inzage): every tagged personal field from every model, plus the access history.

Delivered as one ZIP with a machine-readable JSON file and a readable PDF.
"""

import io
import json
import zipfile
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.db import models
from django.utils import timezone

from routeplus.audit.models import AccessLogEntry
from routeplus.participants.models import Participant
from routeplus.privacy.personal_data import PERSONAL_MODELS, PersonalModel


def _value(instance: models.Model, field: models.Field) -> Any:
    value = getattr(instance, field.name)
    if value is None:
        return None
    if field.choices:
        return str(getattr(instance, f"get_{field.name}_display")())
    if isinstance(value, models.Model):
        return str(getattr(value, "full_name", None) or getattr(value, "name", None) or value)
    if isinstance(value, datetime):
        return timezone.localtime(value).isoformat(timespec="minutes")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _records(personal: PersonalModel, participant: Participant) -> list[dict[str, Any]]:
    model = apps.get_model(personal.label)
    fields = [model._meta.get_field(name) for name in personal.fields]
    related = [f.name for f in fields if isinstance(f, models.ForeignKey)]
    lookup = (
        {personal.participant_path: participant.pk} if personal.participant_path != "pk" else {"pk": participant.pk}
    )
    rows = model._default_manager.filter(**lookup).order_by("pk")
    if related:
        rows = rows.select_related(*related)
    return [{str(f.verbose_name): _value(row, f) for f in fields} for row in rows]


def subject_export_data(*, participant: Participant) -> dict[str, Any]:
    """Everything routeplus holds about the participant, grouped per kind of record."""
    records = {}
    for personal in PERSONAL_MODELS:
        rows = _records(personal, participant)
        if rows:
            records[str(apps.get_model(personal.label)._meta.verbose_name_plural)] = rows
    history = [
        {
            "tijdstip": timezone.localtime(entry.at).isoformat(timespec="seconds"),
            "organisatie": entry.actor_organisations,
            "rol": entry.actor_roles,
            "handeling": entry.get_action_display(),
            "onderdeel": entry.section,
            "resultaat": entry.get_result_display(),
        }
        for entry in AccessLogEntry.objects.filter(participant_ref=str(participant.uuid)).order_by("at", "id")
    ]
    return {
        "opgesteld_op": timezone.localtime().isoformat(timespec="seconds"),
        "gegevens": records,
        "inzagegeschiedenis": history,
    }


def _pdf(data: dict[str, Any]) -> bytes:
    from routeplus.ui.pdf import DocumentPDF

    pdf = DocumentPDF(title="Inzage in uw gegevens bij Route Arbeid+")
    pdf.paragraph(
        "Dit overzicht bevat alle persoonsgegevens die routeplus over u bewaart, en wie uw dossier heeft ingezien. "
        f"Opgesteld op {data['opgesteld_op'][:10]}. Het bijgevoegde bestand gegevens.json bevat hetzelfde in een "
        "vorm die een computer kan lezen."
    )
    for kind, rows in data["gegevens"].items():
        pdf.heading(kind.capitalize())
        for row in rows:
            pdf.key_values([(key, "" if value is None else str(value)) for key, value in row.items()])
    pdf.heading("Wie heeft uw dossier ingezien")
    pdf.data_table(
        ["Tijdstip", "Organisatie", "Rol", "Handeling", "Resultaat"],
        [
            [h["tijdstip"][:16].replace("T", " "), h["organisatie"], h["rol"], h["handeling"], h["resultaat"]]
            for h in data["inzagegeschiedenis"]
        ],
    )
    return pdf.render()


def subject_export_zip(*, participant: Participant) -> bytes:
    data = subject_export_data(participant=participant)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("gegevens.json", json.dumps(data, ensure_ascii=False, indent=2))
        archive.writestr("inzage.pdf", _pdf(data))
    return out.getvalue()
