"""The business-case parameters: versioned defaults in data/parameters.yaml, overridable per scenario."""

from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import Any

import yaml

PARAMETERS_FILE = Path(__file__).resolve().parent / "data" / "parameters.yaml"

UNITS = frozenset({"eur_per_year", "share", "rate", "years", "age", "eur"})
CERTAINTIES = {
    "V": "geverifieerd in een primaire bron",
    "S": "secundaire bron",
    "D": "afgeleid uit bronnen",
    "U": "onzeker of geen bron gevonden",
}
GROUPS = {
    "route": "De route",
    "day_care": "Dagbesteding en vervoer",
    "income": "Inkomen",
    "work": "Werk",
    "education": "Onderwijs",
    "counting": "Rekenregels",
}
# Parameters whose value must be a whole number of years.
WHOLE_YEARS = frozenset({"entree_years", "start_age"})


class ParameterError(ValueError):
    """The parameter file or an override is not valid."""


@dataclass(frozen=True)
class Parameter:
    key: str
    group: str
    label: str
    unit: str
    value: float
    low: float
    high: float
    certainty: str
    source: str
    source_date: str
    default: bool
    sample: bool = True

    @property
    def varies(self) -> bool:
        return self.low < self.high

    @property
    def is_share(self) -> bool:
        return self.unit in {"share", "rate"}

    def with_values(self, *, value: float, low: float, high: float) -> "Parameter":
        """A copy with other numbers: a scenario's own figure is no longer the file's default."""
        changed = (value, low, high) != (self.value, self.low, self.high)
        checked = replace(self, value=value, low=low, high=high, default=self.default and not changed)
        checked.validate()
        return checked

    def validate(self) -> None:
        if self.unit not in UNITS:
            raise ParameterError(f"{self.key}: unknown unit {self.unit!r}")
        if self.certainty not in CERTAINTIES:
            raise ParameterError(f"{self.key}: unknown certainty {self.certainty!r}")
        if self.group not in GROUPS:
            raise ParameterError(f"{self.key}: unknown group {self.group!r}")
        if not self.low <= self.value <= self.high:
            raise ParameterError(f"{self.key}: low <= value <= high does not hold")
        if self.is_share and not (self.low >= 0 and self.high <= 1):
            raise ParameterError(f"{self.key}: a share lies between 0 and 1")
        if self.unit == "eur_per_year" and self.low < 0:
            raise ParameterError(f"{self.key}: an amount cannot be negative")
        if self.key in WHOLE_YEARS and any(v != int(v) or v < 0 for v in (self.value, self.low, self.high)):
            raise ParameterError(f"{self.key}: a whole, non-negative number of years")


@dataclass(frozen=True)
class ParameterSet:
    """All parameters of one version of the file, possibly with a scenario's overrides applied."""

    version: str
    date: str
    parameters: tuple[Parameter, ...]

    def __getitem__(self, key: str) -> Parameter:
        for parameter in self.parameters:
            if parameter.key == key:
                return parameter
        raise KeyError(key)

    def keys(self) -> list[str]:
        return [p.key for p in self.parameters]

    def values(self) -> dict[str, float]:
        return {p.key: p.value for p in self.parameters}

    def with_overrides(self, overrides: dict[str, dict[str, float]]) -> "ParameterSet":
        """Apply {key: {"value": v, "low": l, "high": h}} (any subset); unknown keys are refused."""
        unknown = set(overrides) - set(self.keys())
        if unknown:
            raise ParameterError(f"unknown parameters: {', '.join(sorted(unknown))}")
        updated = []
        for parameter in self.parameters:
            change = overrides.get(parameter.key)
            if change:
                parameter = parameter.with_values(
                    value=float(change.get("value", parameter.value)),
                    low=float(change.get("low", parameter.low)),
                    high=float(change.get("high", parameter.high)),
                )
            updated.append(parameter)
        return replace(self, parameters=tuple(updated))

    def overrides_against(self, base: "ParameterSet") -> dict[str, dict[str, float]]:
        """The numbers that differ from base: what a saved scenario stores."""
        result = {}
        for parameter in self.parameters:
            original = base[parameter.key]
            if (parameter.value, parameter.low, parameter.high) != (original.value, original.low, original.high):
                result[parameter.key] = {"value": parameter.value, "low": parameter.low, "high": parameter.high}
        return result

    def by_group(self) -> list[tuple[str, list[Parameter]]]:
        return [(label, [p for p in self.parameters if p.group == group]) for group, label in GROUPS.items()]


def parse_parameters(data: dict[str, Any]) -> ParameterSet:
    """Build and validate a parameter set from the YAML structure."""
    try:
        items = data["parameters"]
        parameters = tuple(
            Parameter(
                key=str(item["key"]),
                group=str(item["group"]),
                label=str(item["label"]),
                unit=str(item["unit"]),
                value=float(item["value"]),
                low=float(item["low"]),
                high=float(item["high"]),
                certainty=str(item["certainty"]),
                source=str(item.get("source") or "").strip(),
                source_date=str(item.get("source_date") or ""),
                default=bool(item.get("default", True)),
                sample=bool(item.get("sample", True)),
            )
            for item in items
        )
        version, date = str(data["version"]), str(data["date"])
    except (KeyError, TypeError, ValueError) as error:
        raise ParameterError(f"invalid parameter file: {error}") from error
    keys = [p.key for p in parameters]
    if len(keys) != len(set(keys)):
        raise ParameterError("duplicate parameter keys")
    for parameter in parameters:
        parameter.validate()
    return ParameterSet(version=version, date=date, parameters=parameters)


@cache
def default_parameters() -> ParameterSet:
    """The parameter set in the repository (read once per process)."""
    with PARAMETERS_FILE.open(encoding="utf-8") as handle:
        return parse_parameters(yaml.safe_load(handle))
