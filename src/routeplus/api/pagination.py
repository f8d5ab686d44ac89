"""The API's one page size: 50 rows, at most 100 on request."""

from rest_framework.pagination import PageNumberPagination


class Pages(PageNumberPagination):
    page_size = 50
    max_page_size = 100
    page_size_query_param = "page_size"
