"""Template tags other apps use to show the intake stop of a route where it matters (case file, lists)."""

from typing import Any

from django import template

from routeplus.intake.selectors import capacity_for

register = template.Library()


@register.inclusion_tag("intake/_intake_stop.html")
def intake_stop_notice(route: Any, municipality: Any) -> dict[str, Any]:
    """The intake-stop banner of the route in that municipality, or nothing when places are free."""
    if route is None or municipality is None:
        return {"capacity": None}
    return {"capacity": capacity_for(route=route, municipality=municipality)}
