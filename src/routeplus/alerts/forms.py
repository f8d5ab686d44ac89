"""Forms of a signal's page: handle, snooze or dismiss it. Ids carry the form's name: two forms ask a reason."""

from datetime import timedelta
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class _SignalForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    name = ""

    def __init__(self, *args: Any, signal: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"id_{self.name}_%s")
        kwargs.setdefault("initial", {"version": signal.version})
        super().__init__(*args, **kwargs)


class HandleForm(_SignalForm):
    name = "handle"
    action_taken = forms.CharField(
        label=_("Wat is er gedaan?"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )


class SnoozeForm(_SignalForm):
    name = "snooze"
    until = forms.DateField(label=_("Uitstellen tot"), widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label=_("Reden van uitstel"), max_length=1000)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("until", (timezone.localdate() + timedelta(days=14)).isoformat())


class DismissForm(_SignalForm):
    name = "dismiss"
    reason = forms.CharField(label=_("Waarom is dit niet nodig?"), max_length=1000)


FORMS: dict[str, type[_SignalForm]] = {"afhandelen": HandleForm, "uitstellen": SnoozeForm, "niet-nodig": DismissForm}


class DigestForm(forms.Form):
    active = forms.BooleanField(
        label=_("Stuur mij elke ochtend een e-mail met het aantal open signaleringen"), required=False
    )
