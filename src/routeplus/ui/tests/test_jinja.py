"""The page engine (ui/jinja.py) keeps the Django meanings the templates were written for."""

import uuid
from datetime import date
from decimal import Decimal

import jinja2
import pytest
from django.template import TemplateDoesNotExist, defaultfilters, engines
from django.template.loader import get_template
from django.templatetags.static import static
from django.test import RequestFactory, override_settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext, ngettext

from routeplus.accounts.models import Role
from routeplus.testing.factories import professional
from routeplus.testing.http import logged_in
from routeplus.ui.jinja import PageTemplate, PageTemplates, _gettext_in
from routeplus.ui.row_urls import _url_pattern


@pytest.fixture
def pages() -> PageTemplates:
    engine = engines.all()[0]
    assert isinstance(engine, PageTemplates)  # pages are looked up in Jinja2 first
    return engine


def render(pages: PageTemplates, source: str, **context: object) -> str:
    with translation.override("nl"):
        return pages.from_string(source).render(context)


def test_printed_dates_and_numbers_are_localised_as_django_does(pages: PageTemplates) -> None:
    html = render(pages, "{{ d }}|{{ f }}|{{ m }}|{{ f|unlocalize }}|{{ d|date('j-n-Y') }}",
                  d=date(2026, 1, 5), f=1.5, m=Decimal("2.25"))  # fmt: skip
    assert html == "5 januari 2026|1,5|2,25|1.5|5-1-2026"


def test_a_method_printed_without_calling_it_is_an_error(pages: PageTemplates) -> None:
    with pytest.raises(TypeError, match="call it with"):
        render(pages, "{{ s.upper }}", s="x")
    assert render(pages, "{{ s.upper() }}", s="x") == "X"


def test_default_replaces_every_false_value_and_missing_names_are_empty(pages: PageTemplates) -> None:
    source = "{{ zero|default('–') }}|{{ none|default('–') }}|{{ missing|default('–') }}|{{ missing.a.b }}|"
    html = render(pages, source, zero=0, none=None)
    assert html == "–|–|–||"


def test_translations_escape_their_values_and_pick_the_plural(pages: PageTemplates) -> None:
    source = (
        "{% trans counter=n %}{{ counter }} dag{% pluralize %}{{ counter }} dagen{% endtrans %}|"
        "{% trans name=s %}Hallo {{ name }}{% endtrans %}|{{ _('90%%') }}"
    )
    assert render(pages, source, n=1, s="<b>") == "1 dag|Hallo &lt;b&gt;|90%"
    assert render(pages, source, n=3, s="x").startswith("3 dagen|")


@pytest.mark.parametrize(
    "source",
    [
        "{{ _('90%%') }}",
        "{{ _('a & b') }}",
        "{{ gettext('This field is required.') }}",
        "{% trans %}Hallo{% endtrans %}",
        "{% trans %}100%% klaar{% endtrans %}",
        "{% trans name=s %}Hallo {{ name }}{% endtrans %}",
        "{{ _('Hallo %(name)s', name=s) }}",
        "{{ _('x')|length }}",
    ],
)
def test_translations_give_what_jinja2s_newstyle_gettext_gives(pages: PageTemplates, source: str) -> None:
    newstyle = jinja2.Environment(autoescape=True, extensions=["jinja2.ext.i18n"])
    newstyle.install_gettext_callables(gettext, ngettext, newstyle=True)
    for language in ("nl", "en"):
        with translation.override(language):
            expected = newstyle.from_string(source).render(s="<b>")
            assert pages.from_string(source).render({"s": "<b>"}) == expected


@pytest.mark.django_db
def test_a_block_of_a_page_renders_alone_with_the_page_context() -> None:
    user = professional(Role.FUNCTIONAL_ADMIN)  # the one role whose start page is the home page itself
    client = logged_in(user)
    whole = client.get("/")
    assert whole.status_code == 200
    # The test client sees the template and its context (Django's Jinja2 backend does not tell it).
    assert [t.name for t in whole.templates] == ["ui/home.html"]
    assert whole.context["menu"]
    request = whole.wsgi_request
    block = get_template("ui/home.html#content").render({}, request)
    assert "Kies waar u aan wilt werken" in block
    assert "<!DOCTYPE html>" not in block and "<!DOCTYPE html>" in whole.content.decode()


def test_an_unknown_block_is_reported_as_a_missing_template(pages: PageTemplates) -> None:
    with pytest.raises(TemplateDoesNotExist, match="no block 'nothing'"):
        pages.get_template("ui/home.html#nothing")


def test_translations_are_remembered_per_language(pages: PageTemplates) -> None:
    source = "{{ _('This field is required.') }}"  # one of Django's own messages, with a Dutch translation
    _gettext_in.cache_clear()
    assert render(pages, source) == "Dit veld is vereist."
    with translation.override("en"):
        assert pages.from_string(source).render({}) == "This field is required."
    assert render(pages, source) == "Dit veld is vereist."
    assert _gettext_in.cache_info()[:2] == (1, 2)  # (hits, misses): the third render was remembered


def test_a_page_translates_in_the_language_active_when_it_renders(pages: PageTemplates, rf: RequestFactory) -> None:
    template = PageTemplate(
        pages.env.from_string("{{ _('This field is required.') }}|{% trans %}Yes{% endtrans %}"), pages
    )
    context: dict[str, object] = {}  # the same dict twice: the second render must not keep the first's binding
    for language, expected in (("en", "This field is required.|Yes"), ("nl", "Dit veld is vereist.|Ja")):
        with translation.override(language):
            assert template.render(context, rf.get("/")) == expected
        # Bound to the language once per page (reading the active language per string cost more than the lookup).
        assert context["_"].args == (language,)


def test_what_is_remembered_under_a_language_is_that_languages_translation() -> None:
    _gettext_in.cache_clear()
    with translation.override("en"):
        assert _gettext_in("nl", "This field is required.") == "Dit veld is vereist."
    assert _gettext_in("nl", "This field is required.") == "Dit veld is vereist."


def test_a_page_with_several_forms_masks_its_csrf_token_once(pages: PageTemplates, rf: RequestFactory) -> None:
    # Django's Jinja2 backend masks the token anew each time a form prints it (a random string each time).
    request = rf.get("/")
    html = PageTemplate(pages.env.from_string("{{ csrf_input }}|{{ csrf_input }}|{{ csrf_token }}"), pages).render(
        {}, request
    )
    first, second, token = html.split("|")
    assert 'name="csrfmiddlewaretoken"' in first and first == second
    assert token and token in first


@pytest.mark.parametrize("fmt", ["j-n-Y", "d-m-Y", "n-Y", "Y-m-d", "j F Y"])
def test_dates_print_as_djangos_date_format_prints_them(pages: PageTemplates, fmt: str) -> None:
    days = [date(2026, 1, 5), date(1999, 12, 31), date(2026, 10, 9), date(5, 3, 1)]
    for day in days:
        with translation.override("nl"):
            assert pages.from_string(f"{{{{ d|date('{fmt}') }}}}").render({"d": day}) == defaultfilters.date(day, fmt)


@pytest.mark.django_db
def test_a_value_of_the_view_wins_over_a_context_processor(pages: PageTemplates, rf: RequestFactory) -> None:
    request = rf.get("/")
    request.user = professional(Role.CASE_LEAD)
    template = PageTemplate(pages.env.from_string("{{ user }}|{{ menu|length }}"), pages)
    assert template.render({"user": "de jongere", "menu": []}, request) == "de jongere|0"
    assert template.render({}, request) != "de jongere|0"  # without it, the processors' values


def test_markup_filters_escape_what_is_not_markup_and_only_that(pages: PageTemplates) -> None:
    html = render(pages, "{{ s|spaceless }}|{{ s|linebreaksbr }}|{{ _('a & b')|linebreaksbr }}", s="<b>x</b>\n")
    assert html == "&lt;b&gt;x&lt;/b&gt;|&lt;b&gt;x&lt;/b&gt;<br>|a & b"
    assert render(pages, "{{ pgettext('maand', 'mei') }}") == "mei"


def test_a_route_without_arguments_is_reversed_once(monkeypatch: pytest.MonkeyPatch) -> None:
    from routeplus.ui import jinja, row_urls

    _url_pattern.cache_clear()
    assert jinja.url("trajectories:caseload") == reverse("trajectories:caseload")

    def refuse(*args, **kwargs):
        raise AssertionError("reversed again")

    monkeypatch.setattr(row_urls, "reverse", refuse)
    monkeypatch.setattr(jinja, "reverse", refuse)
    assert jinja.url("trajectories:caseload") == reverse("trajectories:caseload")


def test_a_route_with_arguments_is_reversed_with_them() -> None:
    from routeplus.ui.jinja import url

    some = uuid.uuid4()
    assert url("trajectories:case_file", some) == reverse("trajectories:case_file", args=[some])
    assert url("trajectories:case_file", trajectory_uuid=some) == reverse("trajectories:case_file", args=[some])


def test_a_static_files_url_is_looked_up_once(monkeypatch: pytest.MonkeyPatch) -> None:
    from routeplus.ui import jinja

    jinja.static_url.cache_clear()
    first = jinja.static_url("ui/routeplus.css")
    assert first == static("ui/routeplus.css")

    def refuse(path):
        raise AssertionError("looked up again")

    monkeypatch.setattr(jinja, "static", refuse)
    assert jinja.static_url("ui/routeplus.css") == first


def test_a_changed_static_url_or_urlconf_is_not_answered_from_the_cache() -> None:
    from routeplus.ui.jinja import static_url

    before = static_url("ui/routeplus.css")
    with override_settings(STATIC_URL="/elders/"):
        assert static_url("ui/routeplus.css") == static("ui/routeplus.css")
        assert static_url("ui/routeplus.css").startswith("/elders/")
    assert static_url("ui/routeplus.css") == before
    _url_pattern("/", "trajectories:caseload", ())
    with override_settings(ROOT_URLCONF="routeplus.conf.urls"):
        assert _url_pattern.cache_info().currsize == 0
