"""Routes are configuration; trajectories are case content and are deliberately not in the admin."""

from django.contrib import admin

from routeplus.trajectories.models import Route


@admin.register(Route)
class RouteAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "is_active"]
