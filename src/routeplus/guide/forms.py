"""Forms of the wegwijzer: a functional administrator adds or changes a rule, or retires or restores one."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from routeplus.guide.catalogue import AGE, DOMAINS, RELIABILITY_LABELS, RULE_ID, SITUATIONS, Certainty, Rule

AGE_HELP = _("Leeftijd in jaren, of jaren en maanden als 17y6m. Leeg: geen grens.")


def _age_field(label: Any) -> forms.CharField:
    return forms.CharField(label=label, required=False, max_length=6, help_text=AGE_HELP)


class RuleForm(forms.Form):
    """One rule with birthday-based dates; rules with other anchors are changed in the repository files."""

    rule_id = forms.CharField(label=_("Code"), max_length=9, help_text=_("Zoals JW-04: domein, streepje, nummer."))
    title = forms.CharField(label=_("Titel"), max_length=200)
    domain = forms.ChoiceField(label=_("Domein"), choices=list(DOMAINS.items()))
    what = forms.CharField(label=_("Wat te doen"), widget=forms.Textarea(attrs={"rows": 5}))
    checklist = forms.CharField(
        label=_("Checklist"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Eén punt per regel."),
    )
    age_from = _age_field(_("Van toepassing vanaf leeftijd"))
    age_until = _age_field(_("Van toepassing tot leeftijd"))
    school_types = forms.MultipleChoiceField(
        label=_("Alleen voor schoolsoort"),
        required=False,
        choices=[("PRO", _("Praktijkonderwijs")), ("VSO", _("Voortgezet speciaal onderwijs"))],
        widget=forms.CheckboxSelectMultiple,
    )
    situations = forms.MultipleChoiceField(
        label=_("Alleen als de jongere"),
        required=False,
        choices=list(SITUATIONS.items()),
        widget=forms.CheckboxSelectMultiple,
    )
    deadline_age = _age_field(_("Termijn: leeftijd"))
    deadline_label = forms.CharField(label=_("Termijn: omschrijving"), required=False, max_length=200)
    certainty = forms.ChoiceField(label=_("Zekerheid"), choices=[(c.value, c.label) for c in Certainty])
    source_url = forms.URLField(label=_("Bron: webadres"), assume_scheme="https")
    source_title = forms.CharField(label=_("Bron: titel"), max_length=300)
    source_date = forms.CharField(
        label=_("Bron: datum"), max_length=60, help_text=_("Datum op de bron, of 'ongedateerd'.")
    )
    source_reliability = forms.ChoiceField(label=_("Bron: soort"), choices=list(RELIABILITY_LABELS.items()))
    valid_from = forms.DateField(label=_("Geldt vanaf"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(
        label=_("Reden van de wijziging"), widget=forms.Textarea(attrs={"rows": 2}), max_length=1000
    )

    def clean_rule_id(self) -> str:
        value: str = self.cleaned_data["rule_id"].strip().upper()
        if not RULE_ID.match(value):
            raise forms.ValidationError(_("Gebruik hoofdletters, een streepje en twee cijfers, zoals JW-04."))
        return value

    def _clean_age(self, name: str) -> str:
        value: str = self.cleaned_data[name].strip()
        if value and not AGE.match(value):
            raise forms.ValidationError(_("Schrijf een leeftijd als 18 of 17y6m."))
        return value

    def clean_age_from(self) -> str:
        return self._clean_age("age_from")

    def clean_age_until(self) -> str:
        return self._clean_age("age_until")

    def clean_deadline_age(self) -> str:
        return self._clean_age("deadline_age")

    def definition(self) -> dict[str, Any]:
        """The rule in the schema of the repository files."""
        data = self.cleaned_data
        applies: dict[str, Any] = {}
        if data["age_from"]:
            applies["from"] = {"birthday": data["age_from"]}
        if data["age_until"]:
            applies["until"] = {"birthday": data["age_until"]}
        if data["school_types"]:
            applies["school_types"] = list(data["school_types"])
        if data["situations"]:
            applies["situations"] = dict.fromkeys(data["situations"], True)
        definition: dict[str, Any] = {
            "id": data["rule_id"],
            "title": data["title"].strip(),
            "domain": data["domain"],
            "applies": applies,
            "what": data["what"].strip(),
            "certainty": data["certainty"],
            "sources": [
                {
                    "url": data["source_url"],
                    "title": data["source_title"].strip(),
                    "date": data["source_date"].strip(),
                    "reliability": data["source_reliability"],
                }
            ],
        }
        checklist = [line.strip() for line in data["checklist"].splitlines() if line.strip()]
        if checklist:
            definition["checklist"] = checklist
        if data["deadline_age"]:
            definition["deadline"] = {"birthday": data["deadline_age"], "label": data["deadline_label"].strip()}
        if data["valid_from"]:
            definition["valid_from"] = data["valid_from"].isoformat()
        return definition

    @classmethod
    def initial_for(cls, rule: Rule) -> dict[str, Any] | None:
        """Initial values to change a rule, or None when it uses anchors this form cannot show."""
        anchors = [a for a in (rule.starts, rule.ends, rule.deadline) if a is not None]
        if any(a.kind != "birthday" or a.years or a.months for a in anchors) or len(rule.sources) != 1:
            return None
        if any(not wanted for _key, wanted in rule.situations) or rule.valid_until:
            return None

        def age(anchor: Any) -> str:
            if anchor is None:
                return ""
            return f"{anchor.age_years}y{anchor.age_months}m" if anchor.age_months else str(anchor.age_years)

        source = rule.sources[0]
        return {
            "rule_id": rule.id,
            "title": rule.title,
            "domain": rule.domain,
            "what": rule.what,
            "checklist": "\n".join(rule.checklist),
            "age_from": age(rule.starts),
            "age_until": age(rule.ends),
            "school_types": list(rule.school_types),
            "situations": [key for key, _wanted in rule.situations],
            "deadline_age": age(rule.deadline),
            "deadline_label": rule.deadline.label if rule.deadline else "",
            "certainty": rule.certainty.value,
            "source_url": source.url,
            "source_title": source.title,
            "source_date": source.date,
            "source_reliability": source.reliability,
            "valid_from": rule.valid_from,
        }


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reden"), widget=forms.Textarea(attrs={"rows": 2}), max_length=1000)
