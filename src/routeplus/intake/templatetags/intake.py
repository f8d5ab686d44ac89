"""Template tags other apps use to show the intake stop of a route where it matters (case file, lists).

For Django templates only: a Jinja2 page includes the banner itself, with the capacity computed in its view:
`{% with capacity=... %}{% include "intake/_intake_stop.html" %}{% endwith %}`.
"""

from typing import Any

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from routeplus.intake.selectors import capacity_for

register = template.Library()


@register.simple_tag
def intake_stop_notice(route: Any, municipality: Any) -> SafeString:
    """The intake-stop banner of the route in that municipality, or nothing when places are free.

    The banner is the pages' Jinja2 template (intake/jinja2/intake/_intake_stop.html), so there is one copy of it.
    """
    capacity = None if route is None or municipality is None else capacity_for(route=route, municipality=municipality)
    html = render_to_string("intake/_intake_stop.html", {"capacity": capacity})
    return mark_safe(html)  # noqa: S308  # nosec B308, B703  (a rendered template, escaped by Jinja2)
