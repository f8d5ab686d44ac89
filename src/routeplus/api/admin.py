"""Beheer of API tokens by functional administrators: issue (the secret is shown once), inspect, revoke."""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from routeplus.api.models import ALL_SCOPES, ApiToken
from routeplus.api.services import api_token_create, api_token_revoke


class ApiTokenForm(forms.ModelForm):
    scopes = forms.MultipleChoiceField(
        label=_("bevoegdheden"),
        choices=[(s, s) for s in ALL_SCOPES],
        widget=forms.CheckboxSelectMultiple,
    )
    days = forms.IntegerField(label=_("geldig (dagen)"), min_value=1, max_value=366, initial=90)

    class Meta:
        model = ApiToken
        fields = ["name", "user", "organisation", "scopes"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "prefix", "user", "organisation", "expires_at", "revoked_at", "last_used_at"]
    list_filter = ["organisation"]
    search_fields = ["name", "prefix"]
    actions = ["revoke"]

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        if obj is None:
            kwargs["form"] = ApiTokenForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return []
        return ["name", "user", "organisation", "scopes", "prefix", "expires_at", "revoked_at", "last_used_at"]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # revoke instead: the token stays for the record

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if change:
            return
        token, secret = api_token_create(
            actor=request.user,
            name=form.cleaned_data["name"],
            user=form.cleaned_data["user"],
            organisation=form.cleaned_data["organisation"],
            scopes=form.cleaned_data["scopes"],
            days=form.cleaned_data["days"],
        )
        obj.pk = token.pk
        messages.warning(
            request, _("Kopieer het token nu; het wordt niet opnieuw getoond: %(secret)s") % {"secret": secret}
        )

    @admin.action(description=_("Geselecteerde tokens intrekken"))
    def revoke(self, request: HttpRequest, queryset: Any) -> None:
        for token in queryset:
            api_token_revoke(actor=request.user, token=token)
        messages.success(request, _("De tokens zijn ingetrokken."))
