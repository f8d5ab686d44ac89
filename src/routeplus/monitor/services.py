"""Writing monitor data: establishing (vaststellen) a report. The register import lives in register.py."""

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from routeplus.audit.models import Action
from routeplus.audit.services import change_log_record, snapshot
from routeplus.monitor.definitions import DEFINITIONS_VERSION, definitions_snapshot
from routeplus.monitor.models import EstablishedReport
from routeplus.monitor.selectors import Scope, council_table


@transaction.atomic
def report_establish(*, actor: Any, peildatum: date, scope: Scope, note: str = "") -> EstablishedReport:
    """Fix the council table for a reference date: its figures, the definitions version, who and when."""
    if peildatum > timezone.localdate():
        raise ValidationError({"peildatum": _("Een peildatum in de toekomst kan nog niet worden vastgesteld.")})
    existing = EstablishedReport.objects.filter(peildatum=peildatum, scope_key=scope.key).first()
    if existing is not None:
        raise ValidationError(
            {
                "peildatum": _(
                    "Deze rapportage is al vastgesteld op %(when)s. Wijzigingen daarna ziet u als verschil; "
                    "de vastgestelde cijfers blijven zoals ze waren."
                )
                % {"when": timezone.localtime(existing.established_at).strftime("%d-%m-%Y")}
            }
        )
    table = council_table(peildatum=peildatum, scope=scope)
    report = EstablishedReport(
        peildatum=peildatum,
        route_code=scope.route_code,
        municipality_codes=list(scope.municipality_codes),
        scope_key=scope.key,
        figures=table.figures(),
        definitions_version=DEFINITIONS_VERSION,
        definitions=definitions_snapshot(),
        note=note.strip(),
        established_by=actor,
    )
    try:
        with transaction.atomic():
            report.save()
    except IntegrityError as exc:  # someone else established it a moment earlier
        raise ValidationError({"peildatum": _("Deze rapportage is zojuist door iemand anders vastgesteld.")}) from exc
    change_log_record(
        actor=actor,
        action=Action.CREATE,
        instance=report,
        after=snapshot(report, ["peildatum", "route_code", "municipality_codes", "figures", "definitions_version"]),
    )
    return report
