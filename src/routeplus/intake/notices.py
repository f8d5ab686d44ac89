"""The intake-stop banner that other pages show where a route has no free places (case file, lists)."""

from typing import Any

from django.template.loader import render_to_string
from markupsafe import Markup

from routeplus.intake.selectors import capacity_for


def intake_stop_notice(route: Any, municipality: Any) -> Markup:
    """The banner of the route in that municipality, or nothing when places are free; in a page:
    `{{ intake_stop_notice(route, municipality) }}` (a global of the page templates, ui/jinja.py)."""
    capacity = None if route is None or municipality is None else capacity_for(route=route, municipality=municipality)
    return Markup(render_to_string("intake/_intake_stop.html", {"capacity": capacity}))  # noqa: S704  # nosec B704  (escaped by Jinja2)
