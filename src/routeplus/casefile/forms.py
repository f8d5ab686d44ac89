"""Forms of the case-file sections. They parse input; the services validate the rules and write."""

from datetime import datetime
from typing import Any

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from routeplus.accounts.models import User
from routeplus.casefile.models import (
    BottleneckCategory,
    BottleneckStatus,
    ContactChannel,
    ContactWith,
    Domain,
    Employer,
    EmployerKind,
    GoalArea,
    GoalStatus,
    PlacementKind,
    PlacementStatus,
    ProvisionKind,
    ProvisionStatus,
    ResultType,
    ReviewScore,
)
from routeplus.casefile.selectors import employers_matching
from routeplus.trajectories.models import Trajectory
from routeplus.ui.choice_search import (
    ChoiceSearch,
    SearchTexts,
    narrow_choices,
    search_field,
    searched_field,
)
from routeplus.ui.widgets import DateInput


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


def _textarea(rows: int = 3) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


class VersionedForm(forms.Form):
    """A form for a record people edit: the version it was loaded at travels along (optimistic locking)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


def team_users(trajectory: Trajectory) -> Any:
    today = timezone.localdate()
    return (
        User.objects.filter(
            team_memberships__trajectory=trajectory,
            team_memberships__start_date__lte=today,
        )
        .filter(Q(team_memberships__end_date__isnull=True) | Q(team_memberships__end_date__gte=today))
        .distinct()
        .order_by("full_name")
    )


class PlanForm(VersionedForm):
    perspective = forms.CharField(
        label=_("Perspectief"),
        required=False,
        widget=_textarea(4),
        help_text=_("Waar werkt de jongere naartoe? Schrijf het in gewone woorden."),
    )
    agreed_on = forms.DateField(label=_("Afgesproken op"), required=False, widget=DateInput())


class GoalForm(VersionedForm):
    area = forms.ChoiceField(label=_("Gebied"), choices=GoalArea.choices)
    description = forms.CharField(
        label=_("Leerdoel"), max_length=2000, widget=_textarea(), help_text=_("Kort en concreet, in gewone taal.")
    )
    own_words = forms.CharField(
        label=_("In de woorden van de jongere (niet verplicht)"), required=False, widget=_textarea(2)
    )
    owner = forms.ModelChoiceField(label=_("Eigenaar (niet verplicht)"), queryset=User.objects.none(), required=False)
    target_date = forms.DateField(label=_("Streefdatum (niet verplicht)"), required=False, widget=DateInput())

    def __init__(self, *args: Any, trajectory: Trajectory, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = team_users(trajectory)  # type: ignore[attr-defined]


class GoalEditForm(GoalForm):
    status = forms.ChoiceField(label=_("Status"), choices=GoalStatus.choices)


class ReviewForm(forms.Form):
    reviewed_on = forms.DateField(label=_("Datum"), widget=DateInput(), initial=timezone.localdate)
    score = forms.TypedChoiceField(
        label=_("Hoe ver is de jongere?"),
        choices=[("", "---------"), *[(score.value, f"{score.value}: {score.label}") for score in ReviewScore]],
        coerce=int,
    )
    note = forms.CharField(label=_("Toelichting (niet verplicht)"), required=False, widget=_textarea(2))


class EmployerForm(VersionedForm):
    name = forms.CharField(label=_("Naam"), max_length=200)
    kind = forms.ChoiceField(label=_("Soort werkgever"), choices=[("", "---------"), *EmployerKind.choices])
    sector = forms.CharField(label=_("Sector (niet verplicht)"), max_length=100, required=False)
    contact_name = forms.CharField(label=_("Contactpersoon (niet verplicht)"), max_length=200, required=False)
    contact_phone = forms.CharField(label=_("Telefoon contactpersoon (niet verplicht)"), max_length=30, required=False)
    contact_email = forms.EmailField(label=_("E-mail contactpersoon (niet verplicht)"), required=False)
    address = forms.CharField(label=_("Adres (niet verplicht)"), max_length=200, required=False)
    postal_code = forms.CharField(label=_("Postcode (niet verplicht)"), max_length=7, required=False)
    city = forms.CharField(label=_("Plaats (niet verplicht)"), max_length=100, required=False)


class EmployerEditForm(EmployerForm):
    is_active = forms.BooleanField(
        label=_("Actief"), required=False, help_text=_("Zet uit als deze werkgever geen plekken meer biedt.")
    )


# Up to a hundred active employers the placement form lists them all; above it, those that match a search
# (routeplus.ui.choice_search). At national scale a list of all 5,000 made the placements page 430 KB.
EMPLOYER_SEARCH = ChoiceSearch(
    name="employer",
    order_by=("name", "id"),
    matching=employers_matching,
    label=lambda employer: employer.choice_label,
    texts=SearchTexts(
        first=_("Zoek eerst de werkgever met het veld hierboven."),
        none=_("Geen werkgever gevonden. Zoek anders, of voeg de werkgever toe via Werkgevers."),
        too_many=_("Meer dan %(n)s werkgevers gevonden; hier staan de eerste %(n)s. Zoek preciezer."),
        found=_("%(n)s gevonden. Staat de werkgever er niet bij? Zoek anders."),
    ),
)


class PlacementForm(VersionedForm):
    kind = forms.ChoiceField(label=_("Soort plek"), choices=[("", "---------"), *PlacementKind.choices])
    employer_search = search_field(
        choice="employer",
        label=_("Werkgever zoeken"),
        help_text=_("Typ een deel van de naam, de plaats of de sector en kies Zoeken."),
        searched=_("naar werkgever"),
    )
    employer_searched = searched_field()
    employer = forms.ModelChoiceField(
        label=_("Werkgever"),
        queryset=Employer.objects.filter(is_active=True),
        to_field_name="uuid",
        help_text=_("Staat de werkgever er niet bij? Voeg hem toe via Werkgevers."),
    )
    supervisor = forms.CharField(label=_("Begeleider op de werkplek (niet verplicht)"), max_length=200, required=False)
    hours_per_week = forms.DecimalField(
        label=_("Uren per week (niet verplicht)"), required=False, min_value=0, max_value=60, decimal_places=1
    )
    start_date = forms.DateField(label=_("Startdatum"), widget=DateInput())
    end_date = forms.DateField(label=_("Einddatum (niet verplicht)"), required=False, widget=DateInput())
    status = forms.ChoiceField(label=_("Status"), choices=PlacementStatus.choices, initial=PlacementStatus.RUNNING)
    evaluation = forms.CharField(label=_("Evaluatie (niet verplicht)"), required=False, widget=_textarea())

    def __init__(self, *args: Any, current_employer: Employer | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choosable = Employer.objects.filter(is_active=True)
        if current_employer is not None:  # an inactive employer stays selectable on its own placement
            choosable = Employer.objects.filter(Q(is_active=True) | Q(pk=current_employer.pk))
        narrow_choices(self, EMPLOYER_SEARCH, choosable)


class ProvisionForm(VersionedForm):
    kind = forms.ModelChoiceField(label=_("Voorziening"), queryset=ProvisionKind.objects.none(), to_field_name="code")
    status = forms.ChoiceField(label=_("Status"), choices=ProvisionStatus.choices)
    applied_on = forms.DateField(label=_("Aangevraagd op"), required=False, widget=DateInput())
    decided_on = forms.DateField(label=_("Besluit op"), required=False, widget=DateInput())
    start_date = forms.DateField(label=_("Ingangsdatum"), required=False, widget=DateInput())
    end_date = forms.DateField(label=_("Einddatum"), required=False, widget=DateInput())
    decision_reference = forms.CharField(label=_("Kenmerk beschikking (niet verplicht)"), max_length=60, required=False)
    note = forms.CharField(label=_("Toelichting (niet verplicht)"), required=False, widget=_textarea(2))

    def __init__(self, *args: Any, categories: frozenset[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["kind"]
        field.queryset = ProvisionKind.objects.filter(is_active=True, category__in=categories)  # type: ignore[attr-defined]
        # Group the kinds by their legal domain, so a professional finds them where the law puts them.
        domains = dict(Domain.choices)
        groups: dict[str, list[tuple[str, str]]] = {}
        for kind in field.queryset:  # type: ignore[attr-defined]
            groups.setdefault(str(domains[kind.domain]), []).append((kind.code, kind.name))
        field.choices = [("", "---------"), *groups.items()]  # type: ignore[attr-defined]


class ResultForm(forms.Form):
    type = forms.ChoiceField(label=_("Soort resultaat"), choices=[("", "---------"), *ResultType.choices])
    start_date = forms.DateField(label=_("Vanaf"), widget=DateInput())
    end_date = forms.DateField(label=_("Tot en met (niet verplicht)"), required=False, widget=DateInput())
    note = forms.CharField(label=_("Toelichting (niet verplicht)"), required=False, widget=_textarea(2))

    def __init__(self, *args: Any, result_types: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["type"].choices = [("", "---------")] + [  # type: ignore[attr-defined]
            (code, label) for code, label in ResultType.choices if code in result_types
        ]


class ResultEditForm(VersionedForm):
    start_date = forms.DateField(label=_("Vanaf"), widget=DateInput())
    end_date = forms.DateField(label=_("Tot en met (niet verplicht)"), required=False, widget=DateInput())
    note = forms.CharField(label=_("Toelichting (niet verplicht)"), required=False, widget=_textarea(2))


class ProposalForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    decision = forms.ChoiceField(choices=[("confirm", "confirm"), ("reject", "reject")], widget=forms.HiddenInput)


class ContactForm(VersionedForm):
    at = forms.DateTimeField(label=_("Datum en tijd"), widget=DateTimeInput(), initial=timezone.localtime)
    channel = forms.ChoiceField(label=_("Manier"), choices=ContactChannel.choices)
    with_whom = forms.ChoiceField(label=_("Met wie"), choices=ContactWith.choices)
    reached = forms.TypedChoiceField(
        label=_("Bereikt?"),
        choices=[("yes", _("Ja, we hebben contact gehad")), ("no", _("Nee, niet bereikt"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        initial="yes",
    )
    summary = forms.CharField(
        label=_("Korte samenvatting"),
        required=False,
        widget=_textarea(3),
        help_text=_("Wat is besproken of afgesproken? Bij 'niet bereikt' mag dit leeg blijven."),
    )

    def clean_at(self) -> datetime:
        value: datetime = self.cleaned_data["at"]
        return value if timezone.is_aware(value) else timezone.make_aware(value)


class BottleneckForm(VersionedForm):
    category = forms.ChoiceField(label=_("Soort knelpunt"), choices=[("", "---------"), *BottleneckCategory.choices])
    domains = forms.MultipleChoiceField(
        label=_("Tussen welke domeinen?"), choices=Domain.choices, widget=forms.CheckboxSelectMultiple
    )
    description = forms.CharField(
        label=_("Omschrijving"),
        widget=_textarea(4),
        help_text=_("Wat loopt vast, en waarom? Schrijf geen namen of andere persoonsgegevens op."),
    )
    noticed_on = forms.DateField(label=_("Gesignaleerd op"), widget=DateInput(), initial=timezone.localdate)


class BottleneckEditForm(BottleneckForm):
    status = forms.ChoiceField(label=_("Status"), choices=BottleneckStatus.choices)
    resolution = forms.CharField(
        label=_("Oplossing of afspraak"), required=False, widget=_textarea(3), help_text=_("Verplicht bij 'Opgelost'.")
    )


class TimelineFilterForm(forms.Form):
    soort = forms.MultipleChoiceField(label=_("Toon"), required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args: Any, kinds: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["soort"].choices = kinds  # type: ignore[attr-defined]
