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
from routeplus.accounts.models import Municipality, Role, User
from routeplus.trajectories.models import Route
from routeplus.trajectories.selectors import region_offerings
from routeplus.trajectories.services import DEFAULT_OVERLAP_DAYS, trajectory_handover
from routeplus.trajectories.views import add_form_errors
from routeplus.ui.widgets import DateInput


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
        field = self.fields["new_case_lead"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = User.objects.filter(
            is_active=True, memberships__is_active=True, memberships__role=Role.CASE_LEAD
        ).distinct()


@access_rule(Rule.CASE_FILE)
def handover(request: HttpRequest, trajectory_uuid: UUID) -> HttpResponse:
    trajectory = access_case_file(
        request=request,
        trajectory_uuid=trajectory_uuid,
        section="handover",
        action="update" if request.method == "POST" else "read",
        manage=True,
    )
    form = HandoverForm(request.POST or None, initial={"to_municipality": trajectory.municipality})
    if request.method == "POST" and form.is_valid():
        try:
            successor = trajectory_handover(actor=request.user, trajectory=trajectory, **form.cleaned_data)
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
