"""Forms of the login steps and the session page."""

from django import forms
from django.utils.translation import gettext_lazy as _


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=20,
        help_text=_("De 6 cijfers uit uw authenticator-app, of een herstelcode van 10 cijfers."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )


class SetupForm(forms.Form):
    code = forms.CharField(
        label=_("Code uit de app"),
        max_length=10,
        help_text=_("Scan de QR-code met uw authenticator-app en vul de 6 cijfers in die de app toont."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class EndSessionForm(forms.Form):
    session = forms.IntegerField(required=False, widget=forms.HiddenInput)
    all_others = forms.BooleanField(required=False, widget=forms.HiddenInput)
