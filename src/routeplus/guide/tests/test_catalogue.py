"""The rules in the repository files: schema, sources, certainty, and the date arithmetic of anchors."""

from datetime import date
from pathlib import Path

import pytest
import yaml

from routeplus.guide.catalogue import (
    RULES_DIR,
    Anchor,
    Certainty,
    Rule,
    RuleError,
    add_months,
    date_of_age,
    load_file,
    repository_rules,
    school_year_end_of_age,
)

# The rules list of shared/reference/legal-facts.md §12; every one must be in the catalogue.
REFERENCE_IDS = {
    "ONW-01", "ONW-02", "ONW-03", "SNDW-01", "SNDW-02", "SNDW-03", "RMC-01", "JW-01", "JW-02", "JW-03",
    "WLZ-01", "UWV-01", "UWV-02", "UWV-03", "UWV-04", "UWV-05", "UWV-06", "UWV-07", "BA-01",
    "PW-01", "PW-02", "PW-03", "PW-04", "PW-05",
}  # fmt: skip
# Marked "details unverified" or "proposed or unverified" in the reference: they must say so in the guide.
UNVERIFIED_IDS = {"SNDW-01", "UWV-01", "BA-01", "PW-01", "PW-04"}


def minimal(**overrides: object) -> dict:
    data = {
        "id": "TST-01",
        "title": "Test",
        "domain": "uwv",
        "what": "Doe iets.",
        "certainty": "in_force",
        "sources": [{"url": "https://example.nl/bron", "title": "Bron", "date": "2025-01-01"}],
    }
    data.update(overrides)
    return data


def test_every_repository_rule_has_a_dated_source_with_a_web_address():
    raw = [rule for path in sorted(RULES_DIR.glob("*.yaml")) for rule in yaml.safe_load(path.read_text())["rules"]]
    assert len(raw) == len(repository_rules()) >= len(REFERENCE_IDS)
    for rule in raw:
        assert rule.get("sources"), f"{rule['id']} has no source"
        for source in rule["sources"]:
            assert source["url"].startswith("https://"), rule["id"]
            assert str(source["date"]).strip(), rule["id"]


def test_a_rule_without_a_source_is_refused():
    with pytest.raises(RuleError, match="at least one source"):
        Rule.from_dict(minimal(sources=[]), origin="test")
    with pytest.raises(RuleError, match="web address"):
        Rule.from_dict(minimal(sources=[{"url": "bron", "date": "2020"}]), origin="test")
    with pytest.raises(RuleError, match="date"):
        Rule.from_dict(minimal(sources=[{"url": "https://example.nl", "date": ""}]), origin="test")


def test_a_repository_file_with_a_sourceless_rule_fails_to_load(tmp_path: Path):
    broken = minimal()
    del broken["sources"]
    path = tmp_path / "kapot.yaml"
    path.write_text(yaml.safe_dump({"version": "1", "rules": [broken]}))
    with pytest.raises(RuleError, match="TST-01"):
        load_file(path)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"id": "jw1"}, "not like"),
        ({"domain": "belasting"}, "unknown domain"),
        ({"certainty": "maybe"}, "certainty"),
        ({"applies": {"situations": {"rijbewijs": True}}}, "unknown situation"),
        ({"applies": {"from": {"birthday": "zeventien"}}}, "age"),
        ({"applies": {"from": {"event": "verhuizing"}}}, "unknown event"),
        ({"deadline": {"birthday": 18, "date": "2026-01-01"}}, "exactly one"),
        ({"extra": 1}, "unknown field"),
    ],
)
def test_schema_errors_name_the_problem(overrides, message):
    with pytest.raises(RuleError, match=message):
        Rule.from_dict(minimal(**overrides), origin="test")


def test_catalogue_holds_the_reference_rules_and_marks_the_uncertain_ones():
    rules = repository_rules()
    assert set(rules) >= REFERENCE_IDS
    for rule_id in UNVERIFIED_IDS:
        assert rules[rule_id].certainty is Certainty.TO_VERIFY, rule_id
    assert rules["JW-01"].certainty is Certainty.PRACTICE
    assert rules["JW-02"].certainty is Certainty.IN_FORCE
    assert rules["UWV-01"].sources[1].reliability == "uncertain"


def test_anchor_dates():
    assert date_of_age(date(2008, 2, 29), 18) == date(2026, 3, 1)
    assert date_of_age(date(2008, 8, 31), 17, 6) == date(2026, 2, 28)
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert add_months(date(2024, 11, 15), 14) == date(2026, 1, 15)
    # The school year in which someone turns 20 ends on the next 31 July after a birthday in August...
    assert school_year_end_of_age(date(2006, 8, 1), 20) == date(2027, 7, 31)
    # ... and on the same year's 31 July after a birthday before August.
    assert school_year_end_of_age(date(2006, 7, 31), 20) == date(2026, 7, 31)
    anchor = Anchor.from_dict({"event": "wajong_refused_on", "years": 5}, "T")
    assert anchor.resolve(birth_date=None, events={"wajong_refused_on": date(2024, 3, 1)}) == date(2029, 3, 1)
    assert anchor.resolve(birth_date=None, events={}) is None
