"""The council table's categories and their definitions, as versioned data shown beside every table.

A change in any definition below is a new DEFINITIONS_VERSION: an established (vastgesteld) report keeps the
version and the text it was computed with, so figures stay explainable after the rules change.
"""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from routeplus.casefile.models import ResultType

DEFINITIONS_VERSION = "2025.1"
DEFAULT_ROUTE = "RA_PLUS"

PARTICIPANTS = "deelnemers_actueel"
NEW_STARTS = "nieuw_gestart"
# Extra rows beyond the published table: the situation on the reference date. Never part of the CSV order.
EXTRA_WAITING = "extra_wachtend"
EXTRA_ACTIVE = "extra_actief"
EXTRA_REGISTERED_THIS_YEAR = "extra_aangemeld_dit_jaar"
EXTRA_ENDED_THIS_YEAR = "extra_beeindigd_dit_jaar"


@dataclass(frozen=True)
class Category:
    code: str
    label: str | Promise
    definition: str | Promise
    kind: str  # "participants", "outcome", "new_starts" or "extra"


_OUTCOME_DEFINITION = _(
    "Aantal verschillende jongeren met minstens één resultaat van deze soort, op een traject in "
    "de route dat op of vóór de peildatum is gestart. Het resultaat zelf begint ook op of vóór de"
    " peildatum; een resultaat dat later begint telt pas mee bij een latere peildatum. Resultaten"
    " tellen cumulatief: wie het traject al heeft afgesloten, telt mee voor wat hij of zij heeft "
    "bereikt. Een jongere met meer resultaten van dezelfde soort telt één keer."
)

PUBLISHED: tuple[Category, ...] = (
    Category(
        PARTICIPANTS,
        _("Aantal deelnemers actueel"),
        _(
            "Aantal verschillende jongeren met een traject in de route dat op of vóór de "
            "peildatum is aangemeld en niet op of vóór de peildatum is beëindigd. Jongeren op de "
            "wachtlijst tellen mee: zij zijn in beeld. Een traject dat precies op de peildatum "
            "eindigt, telt niet meer mee."
        ),
        "participants",
    ),
    *(Category(rt.value, rt.label, _OUTCOME_DEFINITION, "outcome") for rt in ResultType),
    Category(
        NEW_STARTS,
        _("Nieuw gestarte trajecten"),
        _(
            "Aantal trajecten in de route met een startdatum tussen 1 januari van het jaar van de"
            " peildatum en de peildatum, beide meegerekend. Telt trajecten, niet jongeren: wie in"
            " één jaar twee keer start, telt twee keer. Aanmeldingen zonder start tellen niet "
            "mee."
        ),
        "new_starts",
    ),
)

EXTRA: tuple[Category, ...] = (
    Category(
        EXTRA_WAITING,
        _("Aanvullend: op de wachtlijst of in intake op de peildatum"),
        _(
            "Jongeren met een traject dat op of vóór de peildatum is aangemeld, nog niet is "
            "gestart en niet is beëindigd op of vóór de peildatum."
        ),
        "extra",
    ),
    Category(
        EXTRA_ACTIVE,
        _("Aanvullend: gestart en actief op de peildatum"),
        _(
            "Jongeren met een traject dat op of vóór de peildatum is gestart en niet is beëindigd"
            " op of vóór de peildatum."
        ),
        "extra",
    ),
    Category(
        EXTRA_REGISTERED_THIS_YEAR,
        _("Aanvullend: aangemeld in het jaar van de peildatum"),
        _("Trajecten met een aanmelddatum tussen 1 januari van het jaar van de peildatum en de peildatum."),
        "extra",
    ),
    Category(
        EXTRA_ENDED_THIS_YEAR,
        _("Aanvullend: beëindigd in het jaar van de peildatum"),
        _("Trajecten met een einddatum tussen 1 januari van het jaar van de peildatum en de peildatum."),
        "extra",
    ),
)

ALL_CATEGORIES: dict[str, Category] = {c.code: c for c in PUBLISHED + EXTRA}
PUBLISHED_CODES: tuple[str, ...] = tuple(c.code for c in PUBLISHED)
OUTCOME_CODES: tuple[str, ...] = tuple(rt.value for rt in ResultType)

GENERAL_NOTES: tuple[str | Promise, ...] = (
    _("De categorieën overlappen: één jongere kan meerdere resultaten hebben. Ze tellen dus niet op tot het totaal."),
    _(
        "Alleen trajecten in de gekozen route tellen mee; met een gemeentefilter alleen trajecten"
        " waarvoor die gemeente verantwoordelijk is."
    ),
)


def definitions_snapshot() -> dict[str, object]:
    """The definitions as plain data, stored with an established report."""
    return {
        "version": DEFINITIONS_VERSION,
        "categories": [
            {"code": c.code, "label": str(c.label), "definition": str(c.definition)} for c in PUBLISHED + EXTRA
        ],
        "notes": [str(n) for n in GENERAL_NOTES],
    }
