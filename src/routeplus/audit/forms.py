"""Filters of the access-log search; identifiers only (UUIDs), so the URL holds no personal data."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from routeplus.accounts.models import User
from routeplus.audit.models import Action, Result


class AccessLogFilterForm(forms.Form):
    jongere = forms.UUIDField(
        label=_("Jongere (kenmerk)"), required=False, help_text=_("Het kenmerk uit de adresbalk van het dossier.")
    )
    gebruiker = forms.UUIDField(label=_("Gebruiker (kenmerk)"), required=False)
    handeling = forms.ChoiceField(label=_("Handeling"), required=False, choices=[("", _("Alle")), *Action.choices])
    resultaat = forms.ChoiceField(label=_("Resultaat"), required=False, choices=[("", _("Alle")), *Result.choices])
    van = forms.DateField(label=_("Van"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    tot = forms.DateField(label=_("Tot en met"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("jongere") and not data.get("gebruiker"):
            raise forms.ValidationError(_("Kies een jongere of een gebruiker."))
        return {
            "participant_ref": str(data["jongere"]) if data.get("jongere") else "",
            "user_uuid": str(data["gebruiker"]) if data.get("gebruiker") else "",
            "action": data.get("handeling") or "",
            "result": data.get("resultaat") or "",
            "date_from": data.get("van"),
            "date_to": data.get("tot"),
        }


class UserLookupForm(forms.Form):
    email = forms.EmailField(label=_("E-mailadres van de gebruiker"))

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            raise forms.ValidationError(_("Er is geen gebruiker met dit e-mailadres."))
        self.cleaned_data["user"] = user
        return email
