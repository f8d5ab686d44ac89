"""How a typed search becomes query conditions: cut to a length and a few words, whatever the page."""

SEARCH_LENGTH = 100  # characters of a search that are used; the search fields accept no more
SEARCH_WORDS = 5  # more words than this find nothing more, and each adds a condition to the query


def search_terms(search: str) -> list[str]:
    """The words of a search that become conditions: cut before it becomes a query (a posted value is checked
    only later)."""
    return search[:SEARCH_LENGTH].split()[:SEARCH_WORDS]
