"""Functional administrators maintain the default legal bases for sharing."""

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from routeplus.privacy.models import SharingBasis


@admin.register(SharingBasis)
class SharingBasisAdmin(admin.ModelAdmin):
    list_display = ["category", "organisation_kind", "basis", "article"]
    list_filter = ["organisation_kind", "basis", "category"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[SharingBasis]:
        # Participant-specific overrides are case content: not in the admin.
        return super().get_queryset(request).filter(participant__isnull=True)
