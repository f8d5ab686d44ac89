"""Forms of the login steps and the session page, and the choice of a case lead in other apps' forms."""

from typing import TYPE_CHECKING

from django import forms
from django.utils.translation import gettext_lazy as _

from routeplus.accounts.selectors import users_matching
from routeplus.ui.choice_search import ChoiceSearch, SearchTexts, search_field, searched_field

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise  # a development dependency: for the type checker only


def case_lead_search(name: str) -> ChoiceSearch:
    """How the case-lead field `name` of a form is searched once there are many case leads."""
    return ChoiceSearch(
        name=name,
        order_by=("full_name", "id"),
        matching=users_matching,
        label=str,
        texts=SearchTexts(
            first=_("Zoek eerst de regisseur met het veld hierboven."),
            none=_("Geen regisseur gevonden. Zoek anders."),
            too_many=_("Meer dan %(n)s regisseurs gevonden; hier staan de eerste %(n)s. Zoek preciezer."),
            found=_("%(n)s gevonden. Staat de regisseur er niet bij? Zoek anders."),
        ),
    )


def case_lead_search_fields(name: str, label: "StrOrPromise") -> tuple[forms.CharField, forms.CharField]:
    """The search and searched fields before the case-lead field `name` (see routeplus.ui.choice_search)."""
    search = search_field(
        choice=name,
        label=label,
        help_text=_("Typ een deel van de naam, het e-mailadres of de organisatie en kies Zoeken."),
        searched=_("naar regisseur"),
    )
    return search, searched_field()


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=20,
        help_text=_("De 6 cijfers uit uw authenticator-app, of een herstelcode van 10 cijfers."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )


class SetupForm(forms.Form):
    code = forms.CharField(
        label=_("Code uit de app"),
        max_length=10,
        help_text=_("Scan de QR-code met uw authenticator-app en vul de 6 cijfers in die de app toont."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class EndSessionForm(forms.Form):
    session = forms.IntegerField(required=False, widget=forms.HiddenInput)
    all_others = forms.BooleanField(required=False, widget=forms.HiddenInput)
