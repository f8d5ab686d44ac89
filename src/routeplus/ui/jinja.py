"""The page template engine: Jinja2 with Django's meaning of filters, translations and localisation.

Pages are Jinja2 templates in each app's `jinja2/` folder (docs/development.md, "Templates"); Django templates
remain for what other packages render (the admin, the REST framework, django-otp-webauthn's script tags).
Jinja2 renders a page several times faster than the Django engine, which was half of the case file's and the
caseload's cost (docs/performance.md).

What differs from Jinja2's defaults, so templates read as Django templates did:
- values print localised as in Django (dates, numbers; `|unlocalize` or `|string` where a number must stay
  plain, as in SVG coordinates), and a method printed without `()` is an error instead of "<bound method …>";
- a missing variable, or an attribute of one, is empty (`ChainableUndefined`), as in Django;
- `_()`, `gettext()`, `ngettext()` and `{% trans %}` are Django's translations;
- `default`, `date`, `slice`, `urlencode` and the other filters below are Django's, with Django's meaning
  (`default` replaces any false value, not only a missing one);
- `page.html#name` renders only the block `name` of page.html (Django's template partials for htmx).
- in tests, the test client sees which page was rendered with which context (`response.context`).
"""

import json
from collections.abc import Callable
from datetime import date, datetime, time
from decimal import Decimal
from functools import cached_property, lru_cache, partial
from typing import Any

import jinja2
from django.core.serializers.json import DjangoJSONEncoder
from django.middleware.csrf import get_token
from django.template import TemplateDoesNotExist, TemplateSyntaxError, defaultfilters
from django.template.backends.jinja2 import Jinja2, Template, get_exception_info
from django.templatetags.l10n import unlocalize
from django.templatetags.static import static
from django.urls import reverse
from django.utils import dateformat, formats, timezone
from django.utils.html import conditional_escape, format_html, strip_spaces_between_tags
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import template_localtime  # type: ignore[attr-defined]  # (not in the stubs)
from django.utils.translation import get_language, gettext, ngettext, npgettext, override, pgettext
from markupsafe import Markup

from routeplus.casefile.progress import progress_line
from routeplus.intake.notices import intake_stop_notice
from routeplus.participants.models import age_on
from routeplus.ui.row_urls import row_url


def _finalize(value: Any) -> Any:
    """Every printed value: localised like the Django engine does; a method printed without calling it is a
    mistake in the template, so it fails loudly instead of showing its repr to a user."""
    if isinstance(value, str):
        return value
    if isinstance(value, (datetime, date, time, Decimal, float, int)):
        return formats.localize(template_localtime(value))
    if callable(value) and not hasattr(value, "__html__") and not isinstance(value, type):
        raise TypeError(f"A template printed the callable {value!r}: call it with ().")
    return value


def url(view_name: str, *args: Any, **kwargs: Any) -> str:
    """Django's {% url %}. A route without arguments (the header's and menu's links, on every page) is reversed once
    per process and script prefix, by row_url's cache: a reverse costs some 20 µs."""
    if not args and not kwargs:
        return row_url(view_name)
    return reverse(view_name, args=args or None, kwargs=kwargs or None)


@lru_cache(maxsize=1024)
def static_url(path: str) -> str:
    """Django's {% static %}, once per file and process: every page links the same style sheets and scripts, and
    the storage looks each name up in its manifest anew (some 9 µs a link). The manifest is read when the process
    starts, so a file's URL cannot change while it runs; a test that changes the storage clears this
    (routeplus.ui.apps)."""
    return static(path)


def now(format_string: str) -> str:
    """Django's {% now %}: the current local time in a Django date format."""
    return dateformat.format(timezone.localtime(), format_string)


# The all-number formats of the pages' dates (the same in every language), written directly: Django's date
# format parses its format string on every call, and a case file prints some thirty dates.
_NUMERIC_DATES = {
    "j-n-Y": "{0.day}-{0.month}-{0.year:04}",
    "d-m-Y": "{0.day:02}-{0.month:02}-{0.year:04}",
    "n-Y": "{0.month}-{0.year:04}",
    "Y-m-d": "{0.year:04}-{0.month:02}-{0.day:02}",
}


def date_filter(value: Any, format_string: str | None = None) -> str:
    """Django's |date (a datetime in the current time zone first, as the Django engine does)."""
    if type(value) is date and format_string in _NUMERIC_DATES:
        return _NUMERIC_DATES[format_string].format(value)
    if isinstance(value, datetime):
        value = template_localtime(value)
    return defaultfilters.date(value, format_string)


def age(birth_date: date | None) -> str:
    """Age in whole years today."""
    return "" if birth_date is None else str(age_on(birth_date, timezone.localdate()))


def default(value: Any, fallback: Any = "") -> Any:
    """Django's |default: any false value (empty, None, 0, missing) becomes the fallback."""
    return value or fallback


def linebreaksbr(value: Any) -> SafeString:
    """Django's |linebreaksbr, escaping the text first."""
    return defaultfilters.linebreaksbr(value, autoescape=not hasattr(value, "__html__"))  # Markup is escaped already


# The characters Django's json_script escapes, so the text can never close the script element.
_JSON_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def json_script_body(value: Any) -> SafeString:
    """JSON for the inside of a <script type="application/json"> that we write ourselves with the response's CSP
    nonce (Django's json_script writes the whole element, without one)."""
    text = json.dumps(value, cls=DjangoJSONEncoder).translate(_JSON_ESCAPES)
    return mark_safe(text)  # noqa: S308  # nosec B308, B703  (<, > and & escaped on the line above)


def spaceless(value: Any) -> SafeString:
    """Django's {% spaceless %}, as a filter block: {% filter spaceless %}…{% endfilter %}."""
    return mark_safe(strip_spaces_between_tags(str(conditional_escape(value)).strip()))  # noqa: S308  # nosec B308, B703  (rendered markup)


FILTERS: dict[str, Callable[..., Any]] = {
    "add": defaultfilters.add,
    "age": age,
    "date": date_filter,
    "default": default,
    "default_if_none": defaultfilters.default_if_none,
    "floatformat": defaultfilters.floatformat,
    "json_script_body": json_script_body,
    "linebreaksbr": linebreaksbr,
    "localize": formats.localize,
    "slice": defaultfilters.slice_filter,
    "spaceless": spaceless,
    "stringformat": defaultfilters.stringformat,
    "truncatechars": defaultfilters.truncatechars,
    "truncatewords": defaultfilters.truncatewords,
    "unlocalize": unlocalize,
    "urlencode": defaultfilters.urlencode,
    "yesno": defaultfilters.yesno,
}

GLOBALS: dict[str, Any] = {
    "get_current_language": get_language,
    "intake_stop_notice": intake_stop_notice,
    "now": now,
    "progress_line": progress_line,
    "row_url": row_url,
    "static": static_url,
    "url": url,
}


# Translations of the templates' literal strings, per language: Django's gettext looks each message up in several
# catalogues on every call (some 80 calls a page), and strings and catalogues do not change while the process runs.
# Plurals (a few a page) go to Django directly.
def _translation(message: str) -> Markup:
    # Trusted as markup, as Jinja2's newstyle gettext trusts it: translations are ours (docs/development.md).
    return Markup(gettext(message))  # noqa: S704  # nosec B704  (our own translations)


@lru_cache(maxsize=4096)
def _gettext_in(language: str | None, message: str) -> Markup:
    """The translation as Jinja2's "newstyle" gettext gives it: trusted markup (autoescape is always on) and
    always a format string (`%%` is a percent sign), here without values to fill in. Translated in `language`
    itself, whatever is active, so that what is remembered under a language is that language's."""
    with override(language):
        return _translation(message) % {}


def template_gettext(message: str, /, **variables: Any) -> Markup:
    """`_()`, `gettext()` and `{% trans %}` without a plural: Jinja2's newstyle gettext (values escaped and filled
    in by name), one plain call instead of two calls through the template context and a format per string."""
    return _gettext_with(get_language(), message, **variables)


def _gettext_with(language: str | None, message: str, /, **variables: Any) -> Markup:
    """template_gettext in `language`, the active one: a page binds it once (PageTemplate.fill), as reading the
    active language costs more than looking the translation up."""
    if variables:
        return _translation(message) % variables
    return _gettext_in(language, message)


def environment(**options: Any) -> jinja2.Environment:
    """The Jinja2 environment of the pages (TEMPLATES in conf/settings/base.py)."""
    options["undefined"] = jinja2.ChainableUndefined  # in development too, so pages behave the same everywhere
    options.pop("autoescape", None)  # always on, whatever the settings say
    env = jinja2.Environment(autoescape=True, extensions=["jinja2.ext.i18n"], finalize=_finalize, **options)
    # install_gettext_callables is added to the environment by the i18n extension.
    env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext, ngettext, newstyle=True, pgettext=pgettext, npgettext=npgettext
    )
    env.globals.update(_=template_gettext, gettext=template_gettext)  # the same answer as the newstyle ones, faster
    env.filters.update(FILTERS)
    env.globals.update(GLOBALS)
    return env


class PageTemplate(Template):
    """A page template, or one block of it (`name.html#block`). In tests it tells Django's test client that it was
    rendered, as Django templates do, so tests read `response.context` (routeplus/conftest.py)."""

    backend: "PageTemplates"

    def __init__(self, template: jinja2.Template, backend: "PageTemplates", block: str | None = None) -> None:
        super().__init__(template, backend)
        self.block = block
        self.name = template.name if block is None else f"{template.name}#{block}"

    def render(self, context: dict[str, Any] | None = None, request: Any = None) -> str:
        context = self.fill({} if context is None else context, request)
        try:
            if self.block is None:
                return self.template.render(context)
            try:
                return "".join(self.template.blocks[self.block](self.template.new_context(context)))
            except Exception:  # as Template.render does: the traceback then points at the template's lines
                self.template.environment.handle_exception()
        except jinja2.TemplateSyntaxError as exc:  # as Django's Jinja2 backend does: its debug page shows the line
            new = TemplateSyntaxError(exc.args)
            new.template_debug = get_exception_info(exc)  # type: ignore[attr-defined, arg-type]
            raise new from exc

    def fill(self, context: dict[str, Any], request: Any) -> dict[str, Any]:
        """The view's context with the request, the CSRF token and the context processors' values under it (a
        value of the view wins, as in Django templates). Fills the view's own dict: tests read it."""
        if request is None:
            return context
        view = dict(context)
        context["request"] = request
        # Masked once per page: Django's lazy ones mask the token anew each time a form prints it.
        token = _Once(partial(get_token, request))
        context["csrf_token"] = token
        context["csrf_input"] = _Once(partial(_csrf_field, token))
        for context_processor in self.backend.template_context_processors:
            context.update(context_processor(request))
        context.update(view)
        # The page's translations in the language active now, which stays so while it renders (set after the
        # view's values: a dict rendered before holds the binding of that render).
        context["_"] = context["gettext"] = partial(_gettext_with, get_language())
        return context


def _csrf_field(token: "_Once") -> str:
    return format_html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', token.value)


class _Once:
    """Markup computed at its first use and then kept (the CSRF field of a page with several forms)."""

    def __init__(self, compute: Callable[[], str]) -> None:
        self.compute = compute

    @cached_property
    def value(self) -> str:
        return self.compute()

    def __html__(self) -> str:
        return self.value

    def __str__(self) -> str:
        return self.value


class PageTemplates(Jinja2):
    """Django's Jinja2 backend with `name.html#block` for htmx fragments."""

    def get_template(self, template_name: str) -> PageTemplate:
        name, _hash, block = template_name.partition("#")
        whole = super().get_template(name)
        if block and block not in whole.template.blocks:
            raise TemplateDoesNotExist(f"{template_name}: {name} has no block {block!r}", backend=self)
        return PageTemplate(whole.template, self, block or None)
