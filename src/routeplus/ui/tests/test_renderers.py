"""The form renderer: Django's widgets through Jinja2, and the admin's (Django templates only) as before."""

from datetime import date
from typing import Any

import pytest
from django import forms
from django.forms.renderers import Jinja2, get_default_renderer
from django.template.backends.django import Template as DjangoTemplate
from django.template.backends.jinja2 import Template as Jinja2Template
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy

from routeplus.ui import widgets
from routeplus.ui.renderers import WidgetRenderer
from routeplus.ui.widgets import Select


class Note(forms.Form):
    text = forms.CharField(label="Notitie", max_length=20)
    kind = forms.ChoiceField(label="Soort", choices=[("a", "Aa"), ("b", "Bee")])


def test_the_project_renders_forms_with_it():
    assert isinstance(get_default_renderer(), WidgetRenderer)


def test_django_widgets_come_from_jinja2_and_others_from_django_templates():
    renderer = WidgetRenderer()
    assert isinstance(renderer.get_template("django/forms/widgets/select.html"), Jinja2Template)
    # The admin ships its widgets as Django templates only.
    assert isinstance(renderer.get_template("admin/widgets/related_widget_wrapper.html"), DjangoTemplate)


def test_a_bound_form_renders_what_was_typed_and_the_choice_made():
    html = str(Note({"text": 'a "quote" <b>', "kind": "b"})["text"]) + str(Note({"kind": "b"})["kind"])
    assert 'value="a &#34;quote&#34; &lt;b&gt;"' in html  # escaped, as Jinja2 writes it
    assert 'maxlength="20"' in html
    assert '<option value="b" selected>Bee</option>' in html


class Flagged(forms.Select):
    """Options with attributes of their own: one disabled, one carrying a data attribute."""

    def create_option(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option = super().create_option(*args, **kwargs)
        if option["value"] == "b":
            option["attrs"]["disabled"] = True
        if option["value"] == "c":
            option["attrs"]["data-note"] = 'say "hi" & <go>'
        return option


class OwnOption(forms.Select):
    option_template_name = "django/forms/widgets/input.html"  # any other template: still included per option


CHOICES = [("", "---"), ("a", "Aa & co"), ("Groep <1>", [("b", "Bee"), ("c", "Cee")]), (3, "Drie")]


@pytest.mark.parametrize(
    ("widget", "value"),
    [
        (forms.Select(choices=CHOICES), "b"),
        (forms.Select(choices=CHOICES, attrs={"class": "x", "required": True, "aria-describedby": "h"}), None),
        (forms.SelectMultiple(choices=CHOICES), ["a", "c"]),
        (forms.NullBooleanSelect(), True),
        (Flagged(choices=CHOICES), "c"),
        (OwnOption(choices=CHOICES), "a"),
        (forms.Select(choices=[]), None),
    ],
)
def test_a_select_renders_exactly_as_djangos_own_template(widget: forms.Widget, value: Any) -> None:
    ours = widget.render("keuze", value, attrs={"id": "id_keuze"}, renderer=WidgetRenderer())
    djangos = widget.render("keuze", value, attrs={"id": "id_keuze"}, renderer=Jinja2())
    assert ours == djangos
    assert isinstance(WidgetRenderer().get_template("django/forms/widgets/select.html"), Jinja2Template)
    assert WidgetRenderer().get_template("django/forms/widgets/select.html").template.name == "ui/widgets/select.html"


class NoTemplates(WidgetRenderer):
    """A renderer for widgets that must not use one."""

    def render(self, *args: Any, **kwargs: Any) -> str:
        raise AssertionError("the widget went through a template")


class TemplateDate(forms.DateInput):
    """What ui.widgets.DateInput was before it wrote its own HTML."""

    input_type = "date"


class Odd:
    """A choice value that is neither a string nor a number, as ModelChoiceField's values are."""

    def __str__(self) -> str:
        return "odd & <value>"


LAZY_CHOICES = [("", gettext_lazy("Alle")), ("a", "Aa & co"), (3, "Drie"), (None, "Geen"), (Odd(), 'Raar "ding"')]


@pytest.mark.parametrize(
    ("choices", "value", "attrs"),
    [
        (LAZY_CHOICES, None, {"id": "id_keuze"}),
        (LAZY_CHOICES, "a", {"id": "id_keuze", "class": "x", "required": True, "disabled": False, "data-n": 3}),
        (LAZY_CHOICES, 3, {"id": "id_keuze", "aria-describedby": 'h"1'}),
        (LAZY_CHOICES, "odd & <value>", {}),
        (LAZY_CHOICES, "", None),
        ([("a", "A"), ("a", "A again")], "a", None),  # only the first of equal values is selected, as Django does
        (CHOICES, "b", {"id": "id_keuze"}),  # grouped: Django's own way
        ([], None, {"id": "id_keuze"}),
    ],
)
def test_the_python_select_writes_what_the_template_writes(choices: Any, value: Any, attrs: Any) -> None:
    title = {"title": "Kies <één>"}
    grouped = any(isinstance(label, list | tuple) for _, label in choices)  # only these go through the template
    ours = Select(choices=choices, attrs=title).render(
        "keuze", value, attrs, WidgetRenderer() if grouped else NoTemplates()
    )
    template = forms.Select(choices=choices, attrs=title).render("keuze", value, attrs, WidgetRenderer())
    assert ours == template
    assert isinstance(ours, SafeString)


def test_the_python_select_takes_a_form_fields_choices_and_leaves_subclasses_their_own_way() -> None:
    class Kind(forms.Form):
        kind = forms.ChoiceField(choices=[("a", "Aa"), ("b", "Bee")], widget=Select)

    assert str(Kind({"kind": "b"})["kind"]) == (
        '<select name="kind" id="id_kind">\n  <option value="a">Aa</option>\n'
        '  <option value="b" selected>Bee</option>\n</select>'
    )

    assert Select(choices=[("a", "Aa")]).render("k", "a", None, NoTemplates()).count("<option") == 1

    class Marked(Select):
        def create_option(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
            option = super().create_option(*args, **kwargs)
            option["attrs"]["data-mark"] = "1"
            return option

    assert 'data-mark="1"' in Marked(choices=[("a", "Aa")]).render("k", "a", None, WidgetRenderer())
    several = Select(choices=[("a", "Aa"), ("b", "Bee")])
    several.allow_multiple_selected = True
    assert several.render("k", ["a", "b"], None, WidgetRenderer()).count(" selected") == 2


@pytest.mark.parametrize(
    ("ours", "djangos"),
    [
        (widgets.TextInput, forms.TextInput),
        (widgets.HiddenInput, forms.HiddenInput),
        (widgets.Textarea, forms.Textarea),
        (widgets.DateInput, lambda attrs: TemplateDate(attrs=attrs, format="%Y-%m-%d")),
    ],
)
@pytest.mark.parametrize("value", [None, "", 'a "quote" & <b>', 0, 12, date(2026, 12, 1), "2026-12-01"])
def test_the_python_inputs_write_what_the_templates_write(ours: Any, djangos: Any, value: Any) -> None:
    attrs = {"id": "id_veld", "required": True, "disabled": False, "aria-describedby": 'h"1', "maxlength": 20}
    written = ours(attrs={"class": "x"}).render("veld", value, attrs, NoTemplates())
    assert written == djangos(attrs={"class": "x"}).render("veld", value, attrs, WidgetRenderer())
    assert isinstance(written, SafeString)


def test_subclasses_of_the_python_inputs_go_through_their_templates() -> None:
    class Tagged(widgets.TextInput):
        template_name = "django/forms/widgets/textarea.html"  # any other template: it is the one used

    assert Tagged().render("k", "v", None, WidgetRenderer()).startswith("<textarea")
