"""Functional administration of intake: eligibility settings per route, capacity areas, costs and budget lines.

Registrations and priority moves are case content and deliberately not in the admin. Every save here is
kept in the change log, like a service write.
"""

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import Model
from django.http import HttpRequest
from django.utils.translation import gettext as _

from routeplus.audit.models import Action
from routeplus.audit.services import change_log_record
from routeplus.intake.models import BudgetLine, CapacityArea, IntakeSettings, TrajectoryCost
from routeplus.trajectories.models import RouteOffering


class LoggedAdmin(admin.ModelAdmin):
    """Records each save and delete in the change log, with the fields the form changed."""

    def save_model(self, request: HttpRequest, obj: Model, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        changed = {name: str(form.cleaned_data.get(name)) for name in form.changed_data}
        change_log_record(
            actor=request.user, action=Action.UPDATE if change else Action.CREATE, instance=obj, after=changed
        )

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        super().save_formset(request, form, formset, change)
        for obj in formset.new_objects:
            change_log_record(actor=request.user, action=Action.CREATE, instance=obj)
        for obj, fields in formset.changed_objects:
            change_log_record(actor=request.user, action=Action.UPDATE, instance=obj, after={"fields": fields})
        for obj in formset.deleted_objects:
            change_log_record(actor=request.user, action=Action.DELETE, instance=obj)

    def delete_model(self, request: HttpRequest, obj: Model) -> None:
        change_log_record(actor=request.user, action=Action.DELETE, instance=obj)
        super().delete_model(request, obj)


@admin.register(IntakeSettings)
class IntakeSettingsAdmin(LoggedAdmin):
    list_display = ["route", "age_rule", "min_age", "max_age", "school_rule", "profile_rule", "municipality_rule"]
    readonly_fields = ["offered_in"]
    fieldsets = [
        (None, {"fields": ["route"]}),
        (_("Leeftijd"), {"fields": ["age_rule", "min_age", "max_age"]}),
        (_("Pro of VSO"), {"fields": ["school_rule", "recent_leaver_months"]}),
        (_("Uitstroomprofiel"), {"fields": ["profile_rule"]}),
        (_("Woongemeente"), {"fields": ["municipality_rule", "offered_in"]}),
        (_("Prognose"), {"fields": ["expected_duration_months"]}),
    ]

    @admin.display(description=_("routeaanbod (waar de route loopt)"))
    def offered_in(self, obj: IntakeSettings) -> str:
        """Read from the route offering, which the functional administrator keeps under Routeaanbod per gemeente."""
        if obj.pk is None:
            return "-"
        offerings = RouteOffering.objects.filter(route=obj.route_id).select_related("municipality")
        return "; ".join(
            f"{o.municipality.name} {_('vanaf')} {o.start_date:%d-%m-%Y}"
            + (f" {_('tot en met')} {o.end_date:%d-%m-%Y}" if o.end_date else "")
            for o in offerings
        ) or _("Nergens vastgelegd: de woongemeente wordt niet getoetst.")


@admin.register(RouteOffering)
class RouteOfferingAdmin(LoggedAdmin):
    """Which routes each municipality runs, since when: the municipality rule of intake reads this."""

    list_display = ["route", "municipality", "start_date", "end_date"]
    list_filter = ["route", "municipality"]
    fields = ["route", "municipality", "start_date", "end_date"]


class CapacityAreaForm(forms.ModelForm):
    class Meta:
        model = CapacityArea
        fields = ["route", "name", "municipalities", "is_active"]

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        route = cleaned.get("route")
        municipalities = cleaned.get("municipalities")
        if route is not None and municipalities is not None and cleaned.get("is_active"):
            overlap = (
                CapacityArea.objects.filter(route=route, is_active=True, municipalities__in=municipalities)
                .exclude(pk=self.instance.pk)
                .values_list("name", flat=True)
                .distinct()
            )
            if overlap:
                raise ValidationError(
                    {
                        "municipalities": _(
                            "Een gemeente hoort per route bij één actief gebied. Al in gebruik bij: %(areas)s."
                        )
                        % {"areas": ", ".join(overlap)}
                    }
                )
        return cleaned


class BudgetLineInline(admin.TabularInline):
    model = BudgetLine
    extra = 0
    fields = ["year", "amount", "kind", "source", "decision_reference", "places"]
    show_change_link = True


@admin.register(CapacityArea)
class CapacityAreaAdmin(LoggedAdmin):
    form = CapacityAreaForm
    list_display = ["name", "route", "is_active"]
    list_filter = ["route", "is_active"]
    filter_horizontal = ["municipalities"]
    inlines = [BudgetLineInline]


@admin.register(TrajectoryCost)
class TrajectoryCostAdmin(LoggedAdmin):
    list_display = ["route", "year", "amount", "source"]
    list_filter = ["route"]


@admin.register(BudgetLine)
class BudgetLineAdmin(LoggedAdmin):
    list_display = ["area", "year", "amount", "kind", "source", "decision_reference", "places"]
    list_filter = ["area__route", "year", "kind"]
    search_fields = ["decision_reference", "source"]
    fields = ["area", "year", "amount", "kind", "source", "decision_reference", "places", "note"]
