"""Configuration screens for functional administrators: users, organisations, memberships, municipalities."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from routeplus.accounts.models import Membership, Municipality, Organisation, User


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["organisation"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["full_name"]
    list_display = ["full_name", "email", "is_active"]
    search_fields = ["full_name", "email"]
    list_filter = ["is_active", "memberships__role"]
    inlines = [MembershipInline]
    fieldsets = [
        (None, {"fields": ["email", "full_name", "password"]}),
        ("Status", {"fields": ["is_active", "is_staff", "is_superuser", "groups"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "full_name", "password1", "password2"]})]
    filter_horizontal = ["groups"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "school_type"]
    list_filter = ["kind"]
    search_fields = ["name"]
    filter_horizontal = ["municipalities"]


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ["name", "cbs_code", "province"]
    search_fields = ["name", "cbs_code"]
