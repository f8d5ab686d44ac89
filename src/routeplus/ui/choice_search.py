"""A choice among many (an employer, a case lead): every option listed while there are few, a search first once
there are many. At national scale a select of thousands made a page slow and heavy, and no one finds a name in
a list that long.

A form declares, before the choice field `<name>`, a field `<name>_search` (`search_field`) and a hidden
`<name>_searched` (`searched_field`), and calls `narrow_choices` in its `__init__`. The view makes the form with
`form_or_search`: a search shows the form again with what was typed and the matches, and checks and saves nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django.http import HttpRequest

from routeplus.conf.search import SEARCH_LENGTH

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise  # a development dependency: for the type checker only

CHOICES_LISTED = 100  # up to this many options a select lists them all; above it, those that match a search


def search_button(name: str) -> str:
    return f"{name}_search_go"


class SearchInput(forms.TextInput):
    """A search field with its own button: the form comes back with what was typed and the options that match."""

    input_type = "search"
    template_name = "ui/widgets/choice_search.html"

    def __init__(self, *, button_name: str, searched: StrOrPromise, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.button_name = button_name
        self.searched = searched  # what is searched for, for the button's name to a screen reader

    def get_context(self, name: str, value: Any, attrs: Any) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        context["button_name"] = self.button_name
        context["searched"] = self.searched
        return context


def search_field(
    *, choice: str, label: StrOrPromise, help_text: StrOrPromise, searched: StrOrPromise
) -> forms.CharField:
    """The search field of the choice field named `choice`."""
    widget = SearchInput(button_name=search_button(choice), searched=searched)
    return forms.CharField(label=label, required=False, max_length=SEARCH_LENGTH, widget=widget, help_text=help_text)


def searched_field() -> forms.CharField:
    """The search the list was made with: a form sent with another search in the field was a search (Enter in
    the search field, which a browser sends with the form's default button), not a save."""
    return forms.CharField(required=False, widget=forms.HiddenInput)


@dataclass(frozen=True)
class SearchTexts:
    """The help texts under the choice field; `%(n)s` is a number."""

    first: StrOrPromise  # before any search
    none: StrOrPromise  # nothing matches
    too_many: StrOrPromise  # more than the form lists match
    found: StrOrPromise  # %(n)s match


@dataclass(frozen=True)
class ChoiceSearch:
    """How one form's choice is searched and shown."""

    name: str  # the choice field
    order_by: tuple[str, ...]
    matching: Callable[[QuerySet[Any], str], QuerySet[Any]]  # the options that match a search
    label: Callable[[Any], str]  # an option as listed
    texts: SearchTexts
    limit: int = CHOICES_LISTED  # up to this many options are all listed


def is_choice_search(data: Any, name: str) -> bool:
    """Whether posted data asks for options rather than to save: the search button, or Enter in the search field
    after typing another search."""
    if search_button(name) in data:
        return True
    search = data.get(f"{name}_search")
    return search is not None and search.strip() != data.get(f"{name}_searched", "").strip()


def form_or_search[F: forms.Form](
    form_class: type[F], request: HttpRequest, name: str, *, initial: dict[str, Any] | None = None, **kwargs: Any
) -> tuple[F, bool]:
    """The form of a page with a searched choice `name`, and whether the request was a search for it. A search
    gives the form unbound, with everything posted as its initial values, so that nothing is checked or saved;
    any other post gives it bound (with the posted files), a visit new."""
    initial = initial or {}
    if request.method != "POST":
        return form_class(initial=initial, **kwargs), False
    if is_choice_search(request.POST, name):
        return form_class(initial={**initial, **request.POST.dict()}, **kwargs), True
    return form_class(request.POST, request.FILES, initial=initial, **kwargs), False


def narrow_choices(form: forms.Form, search: ChoiceSearch, choosable: QuerySet[Any]) -> None:
    """Give the choice field the options it lists: all of them up to the search's limit, else those matching the
    search (at most the limit), and always the option already chosen. The field still accepts any of
    `choosable`."""
    limit = search.limit
    field = form.fields[search.name]
    assert isinstance(field, forms.ModelChoiceField)
    field.queryset = choosable
    search_name, searched_name = f"{search.name}_search", f"{search.name}_searched"
    shown = list(choosable.order_by(*search.order_by)[: limit + 1])
    if len(shown) <= limit:
        del form.fields[search_name]  # few enough to list them all
        del form.fields[searched_name]
    else:
        typed = str(_given(form, search_name) or "").strip()
        shown = list(search.matching(choosable, typed).order_by(*search.order_by)[: limit + 1]) if typed else []
        if not typed:
            field.help_text = search.texts.first
        elif not shown:
            field.help_text = search.texts.none
        elif len(shown) > limit:
            shown = shown[:limit]
            field.help_text = search.texts.too_many % {"n": limit}
        else:
            field.help_text = search.texts.found % {"n": len(shown)}
        form.initial[searched_name] = typed
        if shown:  # after a search, the list to choose from is where the reader goes next
            field.widget.attrs["autofocus"] = True
        shown += _chosen(form, search.name, field, choosable, exclude=shown)
    key = field.to_field_name or "pk"
    options = [(str(getattr(option, key)), search.label(option)) for option in shown]
    # An empty option as Django's ModelChoiceField makes one: unless the field has none.
    empty = [] if field.empty_label is None else [("", field.empty_label)]
    field.widget.choices = [*empty, *options]


def _given(form: forms.Form, name: str) -> Any:
    """What the form holds for a field: what was posted, or else its initial value."""
    return form.data.get(form.add_prefix(name)) if form.is_bound else form.initial.get(name)


def _chosen(
    form: forms.Form, name: str, field: forms.ModelChoiceField, choosable: QuerySet[Any], *, exclude: list[Model]
) -> list[Any]:
    """The option already chosen, so a narrowed list still shows it (and keeps it chosen)."""
    value = _given(form, name)
    if value is None or value == "":
        return []
    key = field.to_field_name or "pk"
    try:
        found = list(choosable.filter(**{key: value}))
    except (ValueError, TypeError, ValidationError):  # not a value of the key's kind: nothing was chosen
        return []
    listed = {getattr(option, key) for option in exclude}
    return [option for option in found if getattr(option, key) not in listed]
