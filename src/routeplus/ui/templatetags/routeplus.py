"""Template filters shared by the pages."""

from datetime import date

from django import template
from django.utils import timezone

from routeplus.participants.models import age_on

register = template.Library()


@register.filter
def age(birth_date: date | None) -> str:
    """Age in whole years today."""
    return "" if birth_date is None else str(age_on(birth_date, timezone.localdate()))
