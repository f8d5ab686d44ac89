"""Forms for recording consent."""

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from routeplus.access.sections import DataCategory
from routeplus.accounts.models import Organisation
from routeplus.privacy.models import ConsentGiver, ConsentStatus, RequestKind
from routeplus.ui.widgets import DateInput


class ConsentForm(forms.Form):
    category = forms.ChoiceField(label=_("Gegevenscategorie"), choices=DataCategory.choices)
    organisation = forms.ModelChoiceField(label=_("Partnerorganisatie"), queryset=Organisation.objects.all())
    status = forms.ChoiceField(label=_("Toestemming"), choices=ConsentStatus.choices, widget=forms.RadioSelect)
    given_by = forms.ChoiceField(label=_("Gegeven of ingetrokken door"), choices=ConsentGiver.choices)
    stated_on = forms.DateField(label=_("Datum"), widget=DateInput(), initial=timezone.localdate)
    form_reference = forms.CharField(
        label=_("Kenmerk ondertekend formulier"),
        max_length=100,
        required=False,
        help_text=_("Verplicht bij het geven van toestemming, bijvoorbeeld het documentnummer in het archief."),
    )
    valid_until = forms.DateField(label=_("Geldig tot en met (niet verplicht)"), widget=DateInput(), required=False)

    def __init__(self, *args: Any, organisations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = organisations


class SubjectSearchForm(forms.Form):
    """Find the data subject by BSN, or by name and birth date. Posted: never in a URL."""

    bsn = forms.CharField(label=_("BSN"), max_length=9, required=False)
    family_name = forms.CharField(label=_("Achternaam"), max_length=150, required=False)
    birth_date = forms.DateField(label=_("Geboortedatum"), widget=DateInput(), required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("bsn") and not (data.get("family_name") and data.get("birth_date")):
            raise forms.ValidationError(_("Vul het BSN in, of de achternaam én de geboortedatum."))
        return data


class SubjectRequestForm(forms.Form):
    participant = forms.UUIDField(widget=forms.HiddenInput)
    kind = forms.ChoiceField(label=_("Soort verzoek"), choices=RequestKind.choices)
    received_on = forms.DateField(label=_("Ontvangen op"), widget=DateInput(), initial=timezone.localdate)
    reference = forms.CharField(label=_("Kenmerk (zaaknummer of brief)"), max_length=100)


class ResearchExportForm(forms.Form):
    purpose = forms.CharField(
        label=_("Doel van de export"),
        max_length=200,
        help_text=_(
            "Bijvoorbeeld: evaluatie Route Arbeid+ 2026, onderzoeksvoorstel en verwerkersovereenkomst van 1 maart."
        ),
    )
    route = forms.ChoiceField(label=_("Route"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from routeplus.trajectories.models import Route

        super().__init__(*args, **kwargs)
        field = self.fields["route"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("Alle routes")), *((r.code, r.name) for r in Route.objects.all())]
