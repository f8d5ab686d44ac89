"""Form widgets shared by every app's forms.

The inputs, text areas and selects here write their HTML in Python: the same HTML as Django's widget templates
(tested against them in ui/tests/test_renderers.py), for a fifth of the time. Through the templates a page's
form fields cost 50-160 µs each (a template context per widget and per option, a translation per label);
the caseload's four filters took half a millisecond of its seven, the case file's status form as much.
Subclasses of these widgets, and the cases named in `_html`, go the usual way through the templates.
"""

from typing import Any

from django import forms
from django.forms.widgets import Input
from django.utils.safestring import SafeString, mark_safe
from markupsafe import escape


class _Written(forms.Widget):
    """A widget whose HTML `_html` writes; None from `_html` means: render it the usual way."""

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> SafeString:
        html = self._html(name, value, self.build_attrs(self.attrs, attrs)) if type(self) in _WRITTEN else None
        if html is None:  # a subclass may render (or name its options) its own way
            return super().render(name, value, attrs, renderer)
        return mark_safe(html)  # noqa: S308  # nosec B308, B703  (every value is escaped where it is written)

    def _html(self, name: str, value: Any, attrs: dict[str, Any]) -> str | None:
        raise NotImplementedError


class _WrittenInput(_Written, Input):
    """django/forms/widgets/input.html."""

    def _html(self, name: str, value: Any, attrs: dict[str, Any]) -> str | None:
        shown = self.format_value(value)
        value_attribute = "" if shown is None else f' value="{escape(shown)}"'
        return f'<input type="{escape(self.input_type)}" name="{escape(name)}"{value_attribute}{_attributes(attrs)}>'


class TextInput(_WrittenInput, forms.TextInput):
    pass


class HiddenInput(_WrittenInput, forms.HiddenInput):
    pass


class DateInput(_WrittenInput, forms.DateInput):
    """A native date picker that round-trips ISO dates, so a form shown again keeps what was typed."""

    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class Textarea(_Written, forms.Textarea):
    """django/forms/widgets/textarea.html."""

    def _html(self, name: str, value: Any, attrs: dict[str, Any]) -> str | None:
        shown = self.format_value(value)
        return f'<textarea name="{escape(name)}"{_attributes(attrs)}>\n{escape(shown) if shown else ""}</textarea>'


class Select(_Written, forms.Select):
    """ui/widgets/select.html (Django's select.html with its options written in place)."""

    def _html(self, name: str, value: Any, attrs: dict[str, Any]) -> str | None:
        if self.allow_multiple_selected:
            return None
        chosen = self.format_value(value)
        selected_one = False
        options = []
        for option_value, label in self.choices:
            if isinstance(label, list | tuple):  # an optgroup
                return None
            option_value = "" if option_value is None else option_value
            # Only the first option with the chosen value is selected, as in ChoiceWidget.optgroups.
            selected = not selected_one and str(option_value) in chosen
            selected_one |= selected
            options.append(
                f'\n  <option value="{escape(option_value)}"{" selected" if selected else ""}>{escape(label)}</option>'
            )
        return f'<select name="{escape(name)}"{_attributes(attrs)}>{"".join(options)}\n</select>'


# Exactly these classes write their HTML; their subclasses inherit the usual rendering.
_WRITTEN = frozenset[type]((TextInput, HiddenInput, DateInput, Textarea, Select))


def _attributes(attrs: dict[str, Any]) -> str:
    """Django's widget attrs.html: `name` for True, nothing for False, `name="value"` otherwise, escaped."""
    return "".join(
        f" {escape(key)}" if value is True else f' {escape(key)}="{escape(value)}"'
        for key, value in attrs.items()
        if value is not False
    )
