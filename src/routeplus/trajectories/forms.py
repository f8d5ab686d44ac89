"""Forms of the caseload, status changes and the team."""

from collections.abc import Iterator
from typing import Any

from django import forms
from django.db.models import QuerySet, Value
from django.forms.models import ModelChoiceIterator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from routeplus.accounts.models import Municipality, Role, User
from routeplus.conf.compiled import CompiledQuery
from routeplus.conf.search import SEARCH_LENGTH
from routeplus.trajectories.models import Route, Status, Trajectory
from routeplus.ui.widgets import DateInput, HiddenInput, Select, Textarea, TextInput


def choice_field(form: forms.Form, name: str) -> forms.ChoiceField:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    return field


ROUTE, MUNICIPALITY = 0, 1


def _filter_choices(*, user_id: int) -> QuerySet[Any, tuple[str, str, int]]:
    """Every route, and only the municipalities the user's organisations serve (a national list would be long
    and useless), each by name: one statement, the rows told apart by their last column."""
    # The parts unordered (a compound statement orders only as a whole), so without the models' ordering.
    routes = Route.objects.order_by().annotate(list=Value(ROUTE)).values_list("code", "name", "list")
    served = (
        Municipality.objects.filter(
            organisations__memberships__user_id=user_id, organisations__memberships__is_active=True
        )
        .order_by()
        .distinct()
        .annotate(list=Value(MUNICIPALITY))
        .values_list("cbs_code", "name", "list")
    )
    return routes.union(served, all=True).order_by("list", "name", "code")


# The caseload's filter choices, on every visit: compiled once (conf.compiled).
_FILTER_CHOICES = CompiledQuery(_filter_choices, user_id=int)


class CaseloadFilterForm(forms.Form):
    """Filters live in the URL so a view can be bookmarked; they never carry personal data."""

    route = forms.ChoiceField(label=_("Route"), required=False, widget=Select)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Alle")), *Status.choices], widget=Select
    )
    municipality = forms.ChoiceField(label=_("Gemeente"), required=False, widget=Select)
    sort = forms.ChoiceField(
        label=_("Sorteren op"),
        required=False,
        widget=Select,
        choices=[
            ("name", _("Naam (A-Z)")),
            ("-name", _("Naam (Z-A)")),
            ("age", _("Leeftijd (jong eerst)")),
            ("-age", _("Leeftijd (oud eerst)")),
            ("-registered", _("Aanmelddatum (nieuw eerst)")),
            ("registered", _("Aanmelddatum (oud eerst)")),
            ("status", _("Status")),
            ("route", _("Route")),
        ],
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        user_id = getattr(user, "pk", None)
        rows = _FILTER_CHOICES.all(user_id=user_id) if type(user_id) is int else []
        lists: dict[int, list[tuple[str, str]]] = {ROUTE: [], MUNICIPALITY: []}
        for value, label, list_ in rows:
            lists[list_].append((value, label))
        if type(user_id) is not int:  # no user to serve: every route, no municipality
            lists[ROUTE] = list(Route.objects.values_list("code", "name"))
        choice_field(self, "route").choices = [("", _("Alle")), *lists[ROUTE]]
        choice_field(self, "municipality").choices = [("", _("Alle")), *lists[MUNICIPALITY]]


class SearchForm(forms.Form):
    """Search by name is posted and kept in the session, so a name never lands in a URL or access log."""

    q = forms.CharField(label=_("Zoek op naam"), required=False, max_length=SEARCH_LENGTH, widget=TextInput)


# Admission to intake takes a funded place: it goes through the waiting list (routeplus.intake), in turn and
# never past capacity, not through this form.
ADMISSION_VIA_INTAKE = frozenset({Status.INTAKE})


class StatusChangeForm(forms.Form):
    to_status = forms.ChoiceField(label=_("Nieuwe status"), widget=Select)
    effective_date = forms.DateField(label=_("Per datum"), widget=DateInput(), initial=timezone.localdate)
    reason = forms.CharField(
        label=_("Reden"),
        required=False,
        max_length=1000,
        widget=Textarea(attrs={"rows": 3}),
        help_text=_("Verplicht bij afsluiten en heropenen."),
    )
    version = forms.IntegerField(widget=HiddenInput)

    def __init__(self, *args: Any, trajectory: Trajectory, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "to_status").choices = [
            (s, Status(s).label) for s in trajectory.allowed_transitions() if s not in ADMISSION_VIA_INTAKE
        ]
        self.fields["version"].initial = trajectory.version


class ListedChoices(ModelChoiceIterator):
    """The options from one plain query, not a server-side cursor (DECLARE, FETCH, CLOSE: three round trips on
    PostgreSQL for a list of a few dozen colleagues)."""

    def __iter__(self) -> Iterator[Any]:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset:
            yield self.choice(obj)


class TeamAddForm(forms.Form):
    """Adding a professional to the team; the choice is limited to those serving the case's municipality."""

    user = forms.ModelChoiceField(label=_("Professional"), queryset=User.objects.none())
    role = forms.ChoiceField(
        label=_("Rol in het team"),
        choices=[(r.value, r.label) for r in Role if r in Role.case_roles()],
    )
    start_date = forms.DateField(label=_("Vanaf"), widget=DateInput(), initial=timezone.localdate)

    def __init__(self, *args: Any, trajectory: Trajectory, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        user_field = self.fields["user"]
        assert isinstance(user_field, forms.ModelChoiceField)
        user_field.iterator = ListedChoices
        # Professionals of organisations that serve the trajectory's municipality: the people who can join
        # this team, not every case worker in the country.
        user_field.queryset = User.objects.filter(
            is_active=True,
            memberships__is_active=True,
            memberships__role__in=Role.case_roles(),
            memberships__organisation__municipalities=trajectory.municipality_id,
        ).distinct()


class TeamEndForm(forms.Form):
    member = forms.IntegerField(widget=forms.HiddenInput)
    end_date = forms.DateField(label=_("Tot en met"), widget=DateInput(), initial=timezone.localdate)
