"""The shared previous/next links under paged lists."""

from django.core.paginator import Paginator
from django.template.loader import render_to_string


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
