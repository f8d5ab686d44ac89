"""row_url(): the same URLs as url(), for the rows of long lists, without a reverse per row."""

import uuid

import pytest
from django.template import engines
from django.test import override_settings
from django.urls import NoReverseMatch, reverse, set_script_prefix

from routeplus.ui.row_urls import _url_pattern

ROWS = engines.all()[0].from_string(
    "{% for a, b in rows %}"
    "{{ row_url('trajectories:case_file', a) }} {{ row_url('history:record', a, 'leerdoel', b) }};{% endfor %}"
)


@pytest.fixture
def script_prefix():
    yield set_script_prefix
    set_script_prefix("/")


def expected(rows):
    return "".join(
        f"{reverse('trajectories:case_file', args=[a])} {reverse('history:record', args=[a, 'leerdoel', b])};"
        for a, b in rows
    )


def test_each_row_gets_its_own_uuids_in_the_routes_places():
    rows = [(uuid.uuid4(), uuid.uuid4()) for _ in range(5)]
    assert ROWS.render({"rows": rows}) == expected(rows)


def test_the_route_is_reversed_once_for_all_rows():
    _url_pattern.cache_clear()
    ROWS.render({"rows": [(uuid.uuid4(), uuid.uuid4()) for _ in range(50)]})
    assert _url_pattern.cache_info().misses == 2
    # Cut at the UUIDs' places, not left to a reverse per row (an empty pattern).
    assert len(_url_pattern("/", "trajectories:case_file", (None,))) == 2
    assert len(_url_pattern("/", "history:record", (None, "leerdoel", None))) == 3


@override_settings(FORCE_SCRIPT_NAME="/routeplus/")
def test_a_script_prefix_is_kept(script_prefix):
    rows = [(uuid.uuid4(), uuid.uuid4())]
    script_prefix("/routeplus/")
    assert ROWS.render({"rows": rows}) == expected(rows)
    assert ROWS.render({"rows": rows}).startswith("/routeplus/dossier/")
    script_prefix("/")
    assert ROWS.render({"rows": rows}).startswith("/dossier/")


def test_more_uuids_than_stand_ins_still_reverse():
    """Past the four stand-ins row_url asks reverse() itself, which refuses five UUIDs for a one-UUID route."""
    from routeplus.ui.row_urls import row_url

    with pytest.raises(NoReverseMatch):
        row_url("trajectories:case_file", *[uuid.uuid4() for _ in range(5)])


def test_a_route_that_writes_its_uuid_otherwise_is_reversed_for_each_row(monkeypatch: pytest.MonkeyPatch):
    """A converter could write a UUID other than as str() does (say, as hex): its stand-in is then not found in
    the URL, and every row is reversed itself instead of getting another row's URL."""
    from routeplus.ui import row_urls

    monkeypatch.setattr(row_urls, "reverse", lambda view_name, args: "/hex/" + "/".join(a.hex for a in args) + "/")
    _url_pattern.cache_clear()
    try:
        first, second = uuid.uuid4(), uuid.uuid4()
        assert row_urls.row_url("trajectories:case_file", first) == f"/hex/{first.hex}/"
        assert row_urls.row_url("trajectories:case_file", second) == f"/hex/{second.hex}/"
    finally:
        _url_pattern.cache_clear()  # the fake route's pattern must not outlive the fake
