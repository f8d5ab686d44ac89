"""Forms of the monitor pages: the reference dates and scope, establishing a report, uploading a register."""

from datetime import date
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from routeplus.monitor.definitions import DEFAULT_ROUTE
from routeplus.monitor.scope import UserScope, no_werkgebied_message
from routeplus.monitor.selectors import route_choices
from routeplus.ui.widgets import DateInput

MAX_UPLOAD_BYTES = 50 * 1024 * 1024


def default_dates(today: date | None = None) -> tuple[date, date]:
    """The last two completed Decembers: what the council letter compares."""
    today = today or timezone.localdate()
    return date(today.year - 2, 12, 31), date(today.year - 1, 12, 31)


class MonitorForm(forms.Form):
    """The reference dates, route and municipalities; municipalities only from the user's werkgebied."""

    p1 = forms.DateField(label=_("Eerste peildatum"), widget=DateInput())
    p2 = forms.DateField(label=_("Tweede peildatum"), widget=DateInput())
    route = forms.ChoiceField(label=_("Route"))
    municipality = forms.MultipleChoiceField(
        label=_("Gemeenten"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Niets gekozen: alle gemeenten in uw werkgebied. Het gaat om de gemeente die verantwoordelijk is voor "
            "het traject."
        ),
        error_messages={
            "invalid_choice": _(
                "Gemeente %(value)s valt buiten uw werkgebied. U ziet alleen cijfers van de gemeenten waarvoor uw "
                "organisatie werkt."
            )
        },
    )
    publication = forms.BooleanField(label=_("Publicatieversie (kleine aantallen verbergen)"), required=False)

    def __init__(self, *args: Any, user_scope: UserScope, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user_scope = user_scope
        route = self.fields["route"]
        municipality = self.fields["municipality"]
        assert isinstance(route, forms.ChoiceField)
        assert isinstance(municipality, forms.MultipleChoiceField)
        self.route_names = dict(route_choices())
        route.choices = list(self.route_names.items())
        municipality.choices = list(user_scope.municipalities)

    def clean_municipality(self) -> list[str]:
        """Nothing chosen: the whole werkgebied, never the whole country."""
        return list(self.cleaned_data.get("municipality") or self.user_scope.codes)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.user_scope.codes:
            self.add_error("municipality", no_werkgebied_message())
        return data

    @classmethod
    def from_query(cls, data: Any, *, user_scope: UserScope) -> "MonitorForm":
        p1, p2 = default_dates()
        initial = {"p1": p1.isoformat(), "p2": p2.isoformat(), "route": DEFAULT_ROUTE}
        merged = data.copy()
        for key, value in initial.items():
            if not merged.get(key):
                merged[key] = value
        return cls(merged, user_scope=user_scope)


class EstablishForm(forms.Form):
    peildatum = forms.DateField(widget=forms.HiddenInput)
    route = forms.CharField(widget=forms.HiddenInput)
    municipality = forms.CharField(widget=forms.HiddenInput, required=False)
    note = forms.CharField(
        label=_("Toelichting (bijvoorbeeld: raadsbrief en datum)"),
        required=False,
        max_length=500,
        widget=forms.TextInput,
    )


class RegisterUploadForm(forms.Form):
    register = forms.FileField(
        label=_("Register"),
        help_text=_(
            "Een Excel-werkmap (.xlsx) met de tabbladen deelnemers, trajecten en resultaten, of een .zip met "
            "participants.csv, trajectories.csv en results.csv."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.zip"}),
    )

    def clean_register(self) -> Any:
        upload = self.cleaned_data["register"]
        name = upload.name.lower()
        if not name.endswith((".xlsx", ".zip")):
            raise forms.ValidationError(_("Kies een .xlsx- of .zip-bestand."))
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("Het bestand is groter dan 50 MB. Splits het register of gebruik de opdrachtregel.")
            )
        return upload


class RegisterConfirmForm(forms.Form):
    token = forms.CharField(widget=forms.HiddenInput, max_length=64)
