"""The form renderer: Django's widget templates for Jinja2 where Django ships them, else Django templates."""

from typing import Any

from django.forms.renderers import BaseRenderer, DjangoTemplates, Jinja2
from django.template import TemplateDoesNotExist

# Our own versions of Django's widget templates that render the same HTML for less: a select of a few dozen options
# included one template per option (a new template context each), a tenth of the caseload's rendering.
OWN_TEMPLATES = {"django/forms/widgets/select.html": "ui/widgets/select.html"}


class WidgetRenderer(BaseRenderer):
    """Renders form widgets with Jinja2, which does an input or an option several times faster than the
    Django template engine: the worklist's rows each carry three small forms, and half its time went there.
    Widgets that come only as Django templates (the admin's, other packages') are rendered as before."""

    def __init__(self) -> None:
        self.jinja2 = Jinja2()
        self.django = DjangoTemplates()

    def get_template(self, template_name: str) -> Any:
        template_name = OWN_TEMPLATES.get(template_name, template_name)
        try:
            return self.jinja2.get_template(template_name)
        except TemplateDoesNotExist:
            return self.django.get_template(template_name)
