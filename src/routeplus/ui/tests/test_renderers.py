"""The form renderer: Django's widgets through Jinja2, and the admin's (Django templates only) as before."""

from django import forms
from django.forms.renderers import get_default_renderer
from django.template.backends.django import Template as DjangoTemplate
from django.template.backends.jinja2 import Template as Jinja2Template

from routeplus.ui.renderers import WidgetRenderer


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
