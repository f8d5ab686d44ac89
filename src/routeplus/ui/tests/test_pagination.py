"""The shared previous/next links under paged lists."""

import pytest
from django.core.paginator import Paginator
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext

from routeplus.accounts.models import Municipality
from routeplus.ui.pagination import CountedPaginator, with_total


def links(**context):
    return render_to_string("ui/pagination.html", context)


def test_links_carry_the_other_parameters_and_the_page_parameter():
    middle = Paginator(range(30), 10).get_page(2)
    html = links(page=middle, query="soort=status", param="pagina")
    assert 'href="?soort=status&amp;pagina=1">Vorige</a>' in html
    assert 'href="?soort=status&amp;pagina=3">Volgende</a>' in html
    assert "Pagina 2 van 3" in html


def test_newest_first_lists_say_newer_and_older_and_one_page_shows_nothing():
    first = Paginator(range(30), 10).get_page(1)
    html = links(page=first, newest_first=True)
    assert 'href="?page=2">Ouder</a>' in html and "Nieuwer" not in html
    assert links(page=Paginator(range(5), 10).get_page(1)).strip() == ""


# CountedPaginator: a page and the list's length in one query, answering as Django's Paginator does.


@pytest.fixture
def municipalities():
    """The region's municipalities (a migration loads them) by code, with the list's length on every row."""
    return with_total(Municipality.objects.order_by("cbs_code")).values_list("cbs_code", "total")


def codes(page):
    return [code for code, _total in page.object_list]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("number", "queries_made"),
    # A page in range (and a missing or bad number, which means page 1): one query. Below 1: the count, then
    # the last page, as Django's. Past the end: the page tried, the count, the last page.
    # Beyond MAX_PAGE_READ: the count, then the last page (the OFFSET would overflow the database's integer).
    [
        *[(1, 1), (2, 1), ("2", 1), (None, 1), ("x", 1), (0, 2), (-1, 2), (99, 3), ("99", 3)],
        *[("9223372036854775807", 2), ("99999999999999999999", 2)],
    ],
)
def test_counted_pages_are_django_pages(municipalities, number, queries_made):
    every = list(Municipality.objects.order_by("cbs_code").values_list("cbs_code", flat=True))
    assert len(every) > 5
    django_page = Paginator(every, 5).get_page(number)

    with CaptureQueriesContext(connection) as queries:
        page = CountedPaginator(municipalities, 5).get_page(number)
        shown = codes(page)

    assert shown == list(django_page.object_list)
    assert (page.number, page.paginator.count, page.paginator.num_pages) == (
        django_page.number,
        len(every),
        django_page.paginator.num_pages,
    )
    assert len(queries) == queries_made


@pytest.mark.django_db
def test_an_empty_list_is_one_empty_page(municipalities):
    with CaptureQueriesContext(connection) as queries:
        page = CountedPaginator(municipalities.filter(cbs_code="GM9999"), 5).get_page(1)
        assert (list(page.object_list), page.paginator.count, page.number) == ([], 0, 1)
    assert len(queries) == 2  # the page tried, then the count (an empty page needs no query): one more than usual
