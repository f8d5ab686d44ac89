"""A paginator that reads a page and the list's length with one query, for long lists that are read often."""

from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, QuerySet, Window


def with_total(queryset: QuerySet[Any, Any]) -> QuerySet[Any, Any]:
    """The queryset with `total`, the number of rows of the whole list (COUNT(*) OVER ()), on every row. Put
    `total` last in a values_list for CountedPaginator."""
    return queryset.annotate(total=Window(Count("pk")))


# Beyond this page number the page is not read first: an OFFSET that large overflows the databases' integers,
# and no list is that long (Django's Paginator then answers with the last page, after counting).
MAX_PAGE_READ = 1_000_000


class CountedPaginator(Paginator):
    """Django's Paginator for rows whose last value is the length of the whole list (see with_total).

    A page in range is read and counted with one query, where Django's Paginator counts first with a query of
    its own (on the caseload as costly as reading the page). Only a page past the end, a bad page number and an
    empty list cost the count query, after which it answers as Django's does (the first or last page).
    """

    def get_page(self, number: Any) -> Page:
        try:
            wanted = int(number)
        except (TypeError, ValueError):
            wanted = 1
        if 1 <= wanted <= MAX_PAGE_READ and self.orphans == 0:
            bottom = (wanted - 1) * self.per_page
            rows = list(self.object_list[bottom : bottom + self.per_page])
            if rows:
                self.__dict__["count"] = rows[0][-1]  # count is a cached_property: this is its value
                return Page(rows, wanted, self)
        return super().get_page(number)
