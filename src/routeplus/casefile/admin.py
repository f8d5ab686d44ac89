"""Beheer of the configurable case-file data: the provision kinds with their domain and data category."""

from django.contrib import admin

from routeplus.casefile.models import ProvisionKind


@admin.register(ProvisionKind)
class ProvisionKindAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "domain", "category", "implies_result", "is_active", "order"]
    list_filter = ["domain", "category", "is_active"]
    search_fields = ["name", "code"]
    ordering = ["domain", "order", "name"]

    def get_readonly_fields(self, request, obj=None):
        # The code is referenced by demo data and imports; it stays fixed once a kind exists.
        return ["code"] if obj is not None else []
