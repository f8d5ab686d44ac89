"""Forms of a signal's page: handle, snooze or dismiss it. Ids carry the form's name: two forms ask a reason."""

from datetime import timedelta
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SignalForm(forms.Form):
    """One way to act on a signal; the signal's page shows each under its heading with its button."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    name = ""
    heading: Any = ""
    button: Any = ""
    button_style = "secondary-action"  # the Utrecht button modifier

    def __init__(self, *args: Any, signal: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"id_{self.name}_%s")
        kwargs.setdefault("initial", {"version": signal.version})
        super().__init__(*args, **kwargs)


class HandleForm(SignalForm):
    name = "handle"
    heading = _("Afhandelen")
    button = _("Afgehandeld")
    button_style = "primary-action"
    action_taken = forms.CharField(
        label=_("Wat is er gedaan?"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )


class SnoozeForm(SignalForm):
    name = "snooze"
    heading = _("Uitstellen")
    button = _("Uitstellen")
    until = forms.DateField(label=_("Uitstellen tot"), widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label=_("Reden van uitstel"), max_length=1000)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("until", (timezone.localdate() + timedelta(days=14)).isoformat())


class DismissForm(SignalForm):
    name = "dismiss"
    heading = _("Niet nodig")
    button = _("Niet nodig")
    button_style = "subtle"
    reason = forms.CharField(label=_("Waarom is dit niet nodig?"), max_length=1000)


# The actions in the order the signal's page shows them, by the slug in their URL.
FORMS: dict[str, type[SignalForm]] = {"afhandelen": HandleForm, "uitstellen": SnoozeForm, "niet-nodig": DismissForm}


class DigestForm(forms.Form):
    active = forms.BooleanField(
        label=_("Stuur mij elke ochtend een e-mail met het aantal open signaleringen"), required=False
    )
