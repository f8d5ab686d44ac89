"""Forms of registration, the waiting list and the capacity page."""

from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from routeplus.accounts.forms import case_lead_search, case_lead_search_fields
from routeplus.accounts.models import Municipality, Organisation, Role, SchoolType, User
from routeplus.accounts.selectors import active_case_leads
from routeplus.intake.models import CapacityArea
from routeplus.intake.schoollist import MAX_BYTES as SCHOOL_LIST_MAX_BYTES
from routeplus.participants.bsn import validate_bsn
from routeplus.participants.models import OutflowProfile
from routeplus.trajectories.models import Route
from routeplus.ui.choice_search import narrow_choices
from routeplus.ui.widgets import DateInput

NEW_PARTICIPANT = "new"


# Up to a hundred case leads a school coordinator's registration and school list show them all; above it,
# those that match a search (routeplus.ui.choice_search).
CASE_LEAD_SEARCH = case_lead_search("case_lead")


class RegistrationForm(forms.Form):
    """One short form: the young person, school and route, and (for a case lead) an exception."""

    given_name = forms.CharField(label=_("Voornaam"), max_length=100)
    family_name = forms.CharField(label=_("Achternaam"), max_length=150)
    birth_date = forms.DateField(label=_("Geboortedatum"), widget=DateInput())
    bsn = forms.CharField(
        label=_("BSN (niet verplicht)"),
        max_length=9,
        required=False,
        validators=[validate_bsn],
        help_text=_("9 cijfers. Alleen invullen als het nodig is."),
    )
    municipality = forms.ModelChoiceField(label=_("Woongemeente"), queryset=Municipality.objects.all())
    phone = forms.CharField(label=_("Telefoon (niet verplicht)"), max_length=30, required=False)
    email = forms.EmailField(label=_("E-mail (niet verplicht)"), required=False)
    school = forms.ModelChoiceField(label=_("School"), queryset=Organisation.objects.filter(kind="school"))
    school_type = forms.ChoiceField(label=_("Schoolsoort"), choices=[("", "---------"), *SchoolType.choices])
    left_school_on = forms.DateField(
        label=_("Van school af op (niet verplicht)"),
        required=False,
        widget=DateInput(),
        help_text=_("Leeg laten als de jongere nog op school zit."),
    )
    outflow_profile = forms.ChoiceField(
        label=_("Uitstroomprofiel"), choices=[("", "---------"), *OutflowProfile.choices]
    )
    route = forms.ModelChoiceField(
        label=_("Route"), queryset=Route.objects.filter(is_active=True), to_field_name="code"
    )
    registered_on = forms.DateField(label=_("Aanmelddatum"), widget=DateInput(), initial=timezone.localdate)
    expected_start = forms.DateField(
        label=_("Verwachte start (niet verplicht)"),
        required=False,
        widget=DateInput(),
        help_text=_("Meestal de start van de eerste stage."),
    )
    reason = forms.CharField(
        label=_("Reden van aanmelding"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kort: waarom deze route, en wat er nu speelt. Geen medische details."),
    )
    case_lead_search, case_lead_searched = case_lead_search_fields("case_lead", _("Regisseur zoeken"))
    case_lead = forms.ModelChoiceField(
        label=_("Regisseur"),
        queryset=User.objects.none(),
        required=False,
        help_text=_("De regisseur (VO-WIJ) die het traject gaat leiden; hij of zij komt in het team."),
    )
    exception_reason = forms.CharField(
        label=_("Onderbouwing uitzondering"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Alleen nodig als de aanmelding niet aan alle regels voldoet. Wordt vastgelegd en geteld."),
    )
    participant_choice = forms.CharField(required=False, max_length=36, widget=forms.HiddenInput)

    def __init__(self, *args: Any, actor_role: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.actor_role = actor_role
        if actor_role == Role.SCHOOL_COORDINATOR:
            self.fields["case_lead"].required = True
            narrow_choices(self, CASE_LEAD_SEARCH, active_case_leads())
            del self.fields["exception_reason"]
        else:
            for name in ("case_lead", "case_lead_search", "case_lead_searched"):
                del self.fields[name]
        for name in (
            "municipality",
            "school_type",
            "outflow_profile",
            "route",
            "birth_date",
            "registered_on",
            "left_school_on",
        ):
            self.fields[name].widget.attrs["data-eligibility"] = "true"


class PriorityForm(forms.Form):
    reason = forms.CharField(
        label=_("Reden voor voorrang"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Verplicht. De reden wordt vastgelegd en is zichtbaar bij de wachtlijst."),
    )


class AreaForm(forms.Form):
    """Which capacity area and year a page shows: no personal data, so it lives in the URL."""

    gebied = forms.ModelChoiceField(
        label=_("Route en gebied"),
        queryset=CapacityArea.objects.filter(is_active=True).select_related("route"),
        to_field_name="uuid",
        required=False,
        empty_label=None,
    )
    jaar = forms.IntegerField(label=_("Jaar"), required=False, min_value=2000, max_value=2100)
    extra = forms.DecimalField(
        label=_("Extra budget (euro)"),
        required=False,
        min_value=Decimal("0"),
        max_digits=12,
        decimal_places=2,
        help_text=_("Wat levert een extra bedrag op? Bijvoorbeeld 250000."),
    )


class SchoolListForm(forms.Form):
    """Upload a school list: the file, for which school and route, and the case lead who leads the trajectories."""

    file = forms.FileField(
        label=_("Bestand"),
        help_text=_("CSV (UTF-8, komma of puntkomma) of Excel (.xlsx), hoogstens 2 MB en 500 leerlingen."),
    )
    school = forms.ModelChoiceField(label=_("School"), queryset=Organisation.objects.none(), empty_label=None)
    route = forms.ModelChoiceField(
        label=_("Route"), queryset=Route.objects.filter(is_active=True), to_field_name="code", empty_label=None
    )
    case_lead_search, case_lead_searched = case_lead_search_fields("case_lead", _("Regisseur zoeken"))
    case_lead = forms.ModelChoiceField(
        label=_("Regisseur"),
        queryset=User.objects.none(),
        help_text=_("De regisseur (VO-WIJ) die de trajecten gaat leiden; hij of zij komt in elk team."),
    )
    reason = forms.CharField(
        label=_("Reden van aanmelding"),
        max_length=2000,
        initial=_("Verwachte schoolverlater; aangemeld met de schoollijst."),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Geldt voor elke leerling zonder eigen reden in de kolom reden. Geen medische details."),
    )

    def __init__(self, *args: Any, schools: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = schools  # type: ignore[attr-defined]
        narrow_choices(self, CASE_LEAD_SEARCH, active_case_leads())
        ra_plus = Route.objects.filter(code="RA_PLUS", is_active=True).first()
        if ra_plus is not None:
            self.fields["route"].initial = ra_plus.code

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        name = (upload.name or "").lower()
        if not name.endswith((".csv", ".xlsx")):
            raise forms.ValidationError(_("Kies een CSV-bestand (.csv) of een Excel-werkmap (.xlsx)."))
        if (upload.size or 0) > SCHOOL_LIST_MAX_BYTES:
            raise forms.ValidationError(_("Het bestand is groter dan 2 MB. Splits de lijst."))
        return upload
