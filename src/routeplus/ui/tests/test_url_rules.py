"""Every URL in the configuration carries an access decision; a new URL without one fails the build."""

from collections.abc import Iterator

from django.urls import URLPattern, URLResolver, get_resolver

from routeplus.access.rules import Rule

# Django's admin guards itself (staff only; functional administrators), and static files hold no data.
SELF_GUARDED_NAMESPACES = {"admin"}


def walk(patterns: list, prefix: str = "", namespace: str = "") -> Iterator[tuple[str, str, object]]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or namespace
            yield from walk(entry.url_patterns, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), namespace, entry.callback


def test_every_url_has_an_access_rule():
    routes = list(walk(get_resolver().url_patterns))
    missing = [
        route
        for route, namespace, view in routes
        if namespace not in SELF_GUARDED_NAMESPACES and getattr(view, "access_rule", None) not in set(Rule)
    ]
    assert len(routes) > 5
    assert not missing, f"URLs without an access rule (decorate the view with @access_rule): {missing}"


def test_the_walk_sees_an_undecorated_view():
    def naked(request):  # pragma: no cover - never called
        raise AssertionError

    from django.urls import path

    found = [view for _, _, view in walk([path("x/", naked)]) if getattr(view, "access_rule", None) is None]
    assert found == [naked]
