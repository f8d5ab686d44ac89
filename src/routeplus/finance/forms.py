"""The business-case form: every parameter with its range, the outcome chances, the settings, the name."""

from decimal import Decimal
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from routeplus.finance import model
from routeplus.finance.models import MAX_HORIZON, OutcomeMode
from routeplus.finance.outcomes import CATEGORIES, CATEGORY_LABELS
from routeplus.finance.parameters import Parameter, ParameterSet, default_parameters
from routeplus.finance.selectors import DEFAULT_ROUTE, Choices
from routeplus.trajectories.models import Route

HUNDRED = Decimal(100)


def _plain(value: float | Decimal) -> Decimal:
    """A number as a Decimal without exponent or trailing zeros (350000, 2.25)."""
    number = value if isinstance(value, Decimal) else Decimal(repr(float(value)))
    return number.quantize(Decimal(1)) if number == number.to_integral() else number.normalize()


def _display(parameter: Parameter, value: float) -> Decimal:
    """Shares are edited as percentages."""
    return _plain(Decimal(repr(value)) * HUNDRED if parameter.is_share else Decimal(repr(value)))


def _number(
    label: Any, *, minimum: float | None = 0, maximum: float | None = None, places: int = 2, **kw: Any
) -> forms.DecimalField:
    attrs = {"inputmode": "decimal", "step": "any"}
    return forms.DecimalField(
        label=label,
        min_value=None if minimum is None else Decimal(str(minimum)),
        max_value=None if maximum is None else Decimal(str(maximum)),
        decimal_places=places,
        max_digits=14,
        widget=forms.NumberInput(attrs=attrs),
        **kw,
    )


class BusinessCaseForm(forms.Form):
    """Bound to POST data on every change; unbound, it shows a scenario's (or the default) choices."""

    outcome_mode = forms.ChoiceField(
        label=_("Kansen op uitkomsten"),
        choices=OutcomeMode.choices,
        widget=forms.RadioSelect,
        initial=OutcomeMode.OBSERVED,
    )
    route = forms.ChoiceField(label=_("Route"))
    cohorts = forms.MultipleChoiceField(
        label=_("Cohorten (startjaar)"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Geen keuze: alle cohorten samen."),
    )
    manual_weight = _number(
        _("Zekerheid van de eigen kansen"),
        minimum=1,
        maximum=10000,
        initial=Decimal(20),
        help_text=_("Zo zeker als dit aantal waarnemingen; bepaalt de spreiding in de simulatie."),
    )
    horizon = forms.IntegerField(label=_("Horizon (jaren)"), min_value=1, max_value=MAX_HORIZON, initial=10)
    start_year = forms.IntegerField(label=_("Eerste jaar"), min_value=2000, max_value=2100, initial=2026)
    budget = _number(
        _("Budget voor de route per jaar (euro)"),
        initial=Decimal(350000),
        help_text=_("Raadsbrief 197775-2025: basisaanpak plus uitbreiding 2026/2027 begroot op 350.000 euro."),
    )
    seed = forms.IntegerField(
        label=_("Startgetal van de simulatie"),
        min_value=0,
        max_value=2**31 - 1,
        initial=model.DEFAULT_SEED,
        help_text=_("Hetzelfde startgetal geeft altijd dezelfde uitkomst."),
    )
    view = forms.ChoiceField(
        label=_("Spreiding en tornado tonen voor"),
        choices=[(v.value, model.VIEW_LABELS[v]) for v in model.View],
        initial=model.View.SOCIETAL.value,
    )
    scenario = forms.UUIDField(required=False, widget=forms.HiddenInput)
    scenario_version = forms.IntegerField(required=False, widget=forms.HiddenInput)
    name = forms.CharField(label=_("Naam van het scenario"), max_length=120, required=False)
    description = forms.CharField(label=_("Toelichting"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(
        self, *args: Any, parameters: ParameterSet | None = None, years: list[int] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.parameters = parameters or default_parameters()
        route_field = cast(forms.ChoiceField, self.fields["route"])
        route_field.choices = [(r.code, r.name) for r in Route.objects.filter(is_active=True)]
        route_field.initial = DEFAULT_ROUTE
        cohort_field = cast(forms.MultipleChoiceField, self.fields["cohorts"])
        cohort_field.choices = [(str(y), str(y)) for y in years or []]
        for parameter in self.parameters.parameters:
            unit = "%" if parameter.is_share else ""
            maximum = 100 if parameter.is_share else None
            self.fields[parameter.key] = _number(
                _("Waarde") + (f" ({unit})" if unit else ""),
                maximum=maximum,
                places=4,
                initial=_display(parameter, parameter.value),
            )
            self.fields[f"{parameter.key}__low"] = _number(
                _("Laag"), maximum=maximum, places=4, initial=_display(parameter, parameter.low)
            )
            self.fields[f"{parameter.key}__high"] = _number(
                _("Hoog"), maximum=maximum, places=4, initial=_display(parameter, parameter.high)
            )
        for category in CATEGORIES:
            self.fields[f"chance__{category}"] = _number(
                CATEGORY_LABELS[category], maximum=100, required=False, help_text=None
            )
            self.fields[f"years__{category}"] = _number(CATEGORY_LABELS[category], maximum=MAX_HORIZON, required=False)

    # --- Presentation helpers for the template --------------------------------------------------------

    def parameter_groups(self) -> list[tuple[str, list[dict[str, Any]]]]:
        groups = []
        for label, parameters in self.parameters.by_group():
            rows = [
                {
                    "parameter": parameter,
                    "value": self[parameter.key],
                    "low": self[f"{parameter.key}__low"],
                    "high": self[f"{parameter.key}__high"],
                }
                for parameter in parameters
            ]
            groups.append((label, rows))
        return groups

    def outcome_rows(self) -> list[dict[str, Any]]:
        return [
            {"key": c, "label": CATEGORY_LABELS[c], "chance": self[f"chance__{c}"], "years": self[f"years__{c}"]}
            for c in CATEGORIES
        ]

    # --- Validation -----------------------------------------------------------------------------------

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for parameter in self.parameters.parameters:
            value, low, high = (
                data.get(parameter.key),
                data.get(f"{parameter.key}__low"),
                data.get(f"{parameter.key}__high"),
            )
            if value is None or low is None or high is None:
                continue
            if not low <= value <= high:
                self.add_error(parameter.key, _("De waarde moet tussen laag en hoog liggen."))
        share = data.get("benefit_share")
        wajong = data.get("wajong_share")
        if share is not None and wajong is not None and wajong > share:
            self.add_error(
                "wajong_share", _("Het aandeel met Wajong kan niet groter zijn dan het aandeel met een uitkering.")
            )
        for key in ("entree_years", "start_age"):
            for suffix in ("", "__low", "__high"):
                number = data.get(key + suffix)
                if number is not None and number != number.to_integral():
                    self.add_error(key + suffix, _("Vul een heel aantal jaren in."))
        if data.get("outcome_mode") == OutcomeMode.MANUAL:
            given = [data.get(f"chance__{c}") for c in CATEGORIES]
            chances = [c for c in given if c is not None]
            total = sum(chances, Decimal(0))
            if len(chances) < len(given):
                self.add_error(None, _("Vul bij eigen kansen voor elke uitkomst een kans in (0 mag)."))
            elif abs(total - HUNDRED) > Decimal("0.01"):
                self.add_error(
                    f"chance__{CATEGORIES[0]}",
                    _("De kansen tellen samen op tot %(total)s%%; dat moet 100%% zijn.") % {"total": total},
                )
        return data

    def choices(self) -> Choices:
        """The validated form as the business case's choices (shares back from percentages)."""
        data = self.cleaned_data
        base = default_parameters()
        overrides: dict[str, dict[str, float]] = {}
        for parameter in self.parameters.parameters:
            factor = HUNDRED if parameter.is_share else Decimal(1)
            numbers = {
                "value": float(data[parameter.key] / factor),
                "low": float(data[f"{parameter.key}__low"] / factor),
                "high": float(data[f"{parameter.key}__high"] / factor),
            }
            original = base[parameter.key]
            if (numbers["value"], numbers["low"], numbers["high"]) != (original.value, original.low, original.high):
                overrides[parameter.key] = numbers
        manual = data["outcome_mode"] == OutcomeMode.MANUAL
        return Choices(
            overrides=overrides,
            outcome_mode=data["outcome_mode"],
            route_code=data["route"],
            cohorts=tuple(sorted(int(y) for y in data.get("cohorts") or [])),
            manual_chances={c: float(data[f"chance__{c}"] / HUNDRED) for c in CATEGORIES} if manual else {},
            timing={c: float(data[f"years__{c}"]) for c in CATEGORIES if data.get(f"years__{c}") is not None},
            manual_weight=float(data.get("manual_weight") or 20),
            horizon=data["horizon"],
            start_year=data["start_year"],
            budget=data["budget"],
            seed=data["seed"],
        )


def initial_for(choices: Choices, parameters: ParameterSet, *, view: str = model.View.SOCIETAL) -> dict[str, Any]:
    """The form's initial data for a scenario's choices (the parameters with their overrides applied)."""
    initial: dict[str, Any] = {
        "outcome_mode": choices.outcome_mode,
        "route": choices.route_code,
        "cohorts": [str(y) for y in choices.cohorts],
        "manual_weight": _plain(choices.manual_weight),
        "horizon": choices.horizon,
        "start_year": choices.start_year,
        "budget": _plain(choices.budget),
        "seed": choices.seed,
        "view": view,
    }
    for parameter in parameters.parameters:
        initial[parameter.key] = _display(parameter, parameter.value)
        initial[f"{parameter.key}__low"] = _display(parameter, parameter.low)
        initial[f"{parameter.key}__high"] = _display(parameter, parameter.high)
    for category in CATEGORIES:
        if category in choices.manual_chances:
            initial[f"chance__{category}"] = _plain(Decimal(repr(choices.manual_chances[category])) * HUNDRED)
        if category in choices.timing:
            initial[f"years__{category}"] = _plain(choices.timing[category])
    return initial
