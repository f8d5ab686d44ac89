"""The warm-handover page: to another route, or to another municipality after moving house."""

from uuid import UUID

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from routeplus.access.door import access_case_file
from routeplus.access.rules import Rule, access_rule
from routeplus.accounts.forms import case_lead_search, case_lead_search_fields
from routeplus.accounts.models import Municipality, User
from routeplus.accounts.selectors import active_case_leads
from routeplus.trajectories.models import Route
from routeplus.trajectories.selectors import region_offerings
from routeplus.trajectories.services import DEFAULT_OVERLAP_DAYS, trajectory_handover
from routeplus.trajectories.views import add_form_errors
from routeplus.ui.choice_search import form_or_search, narrow_choices
from routeplus.ui.widgets import DateInput

# Up to a hundred case leads the form lists them all; above it (a national installation has hundreds), those
# that match a search (routeplus.ui.choice_search).
CASE_LEAD_SEARCH = case_lead_search("new_case_lead")


class HandoverForm(forms.Form):
    to_route = forms.ModelChoiceField(label=gettext_lazy("Nieuwe route"), queryset=Route.objects.filter(is_active=True))
    to_municipality = forms.ModelChoiceField(
        label=gettext_lazy("Verantwoordelijke gemeente"),
        queryset=Municipality.objects.all(),
        help_text=gettext_lazy("Bij een verhuizing: de nieuwe woongemeente."),
    )
    handover_date = forms.DateField(
        label=gettext_lazy("Overdracht per"), widget=DateInput(), initial=timezone.localdate
    )
    new_case_lead_search, new_case_lead_searched = case_lead_search_fields(
        "new_case_lead", gettext_lazy("Nieuwe regisseur zoeken")
    )
    new_case_lead = forms.ModelChoiceField(label=gettext_lazy("Nieuwe regisseur"), queryset=User.objects.none())
    what_to_know = forms.CharField(
        label=gettext_lazy("Wat moet het nieuwe team weten?"), widget=forms.Textarea(attrs={"rows": 5}), max_length=4000
    )
    introductions = forms.CharField(
        label=gettext_lazy("Wie heeft wie voorgesteld? (niet verplicht)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=1000,
    )
    overlap_days = forms.IntegerField(
        label=gettext_lazy("Overlap in dagen"),
        min_value=0,
        max_value=183,
        initial=DEFAULT_OVERLAP_DAYS,
        help_text=gettext_lazy("Zo lang kan het huidige team het nieuwe dossier nog inzien."),
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        narrow_choices(self, CASE_LEAD_SEARCH, active_case_leads())


# What the service is given (the form also holds the search for the new case lead).
HANDOVER_INPUT = [
    "to_route",
    "to_municipality",
    "handover_date",
    "new_case_lead",
    "what_to_know",
    "introductions",
    "overlap_days",
]


@access_rule(Rule.CASE_FILE)
def handover(request: HttpRequest, trajectory_uuid: UUID) -> HttpResponse:
    trajectory = access_case_file(
        request=request,
        trajectory_uuid=trajectory_uuid,
        section="handover",
        action="update" if request.method == "POST" else "read",
        manage=True,
    )
    initial = {"to_municipality": trajectory.municipality}
    form, searching = form_or_search(HandoverForm, request, "new_case_lead", initial=initial)
    if request.method == "POST" and not searching and form.is_valid():
        try:
            data = {name: form.cleaned_data[name] for name in HANDOVER_INPUT}
            successor = trajectory_handover(actor=request.user, trajectory=trajectory, **data)
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            messages.success(request, _("Het traject is warm overgedragen. Het nieuwe dossier staat klaar."))
            return redirect("trajectories:case_file", trajectory_uuid=successor.uuid)
    return render(
        request,
        "trajectories/handover.html",
        {
            "trajectory": trajectory,
            "participant": trajectory.participant,
            "form": form,
            "offerings": region_offerings(on=timezone.localdate()),
        },
        status=400 if form.errors else 200,
    )
