"""Links in the rows of long lists: `row_url`, reversed once per route instead of once per row."""

from functools import lru_cache
from uuid import UUID

from django.urls import get_script_prefix, reverse

# Stand-ins for the UUIDs of a route: version-less UUIDs that uuid4() never makes.
_STAND_INS = tuple(UUID(int=n) for n in range(1, 5))


@lru_cache(maxsize=512)
def _url_pattern(script_prefix: str, view_name: str, shape: tuple[str | None, ...]) -> tuple[str, ...]:
    """The route reversed with stand-ins, cut at each of them: the text around the places of the UUIDs."""
    args = []
    stand_ins = iter(_STAND_INS)
    for part in shape:
        args.append(next(stand_ins) if part is None else part)
    parts = [reverse(view_name, args=args)]
    for stand_in in _STAND_INS[: shape.count(None)]:
        before, found, after = parts[-1].partition(str(stand_in))
        if not found:  # a route that does not print its argument as given: leave it to reverse() each time
            return ()
        parts[-1:] = [before, after]
    return tuple(parts)


def row_url(view_name: str, *args: UUID | str) -> str:
    """Django's reverse() for the rows of long lists (caseload, worklist, case-file tables), where each row links to
    the same route with other UUIDs. The route is reversed once per process for each shape of arguments, with
    stand-in UUIDs, and each row's UUIDs are written into their places: a reverse per row cost a tenth of the
    caseload page. Arguments that are not UUIDs (a section's slug) are part of the shape; at most four UUIDs."""
    if len(args) == 1 and type(args[0]) is UUID:  # nearly every call: one row's own page
        shape: tuple[str | None, ...] = (None,)
        uuids: tuple[UUID, ...] = args  # type: ignore[assignment]  # (checked on the line above)
    else:
        shape = tuple(None if isinstance(arg, UUID) else str(arg) for arg in args)
        uuids = tuple(arg for arg in args if isinstance(arg, UUID))
        if len(uuids) > len(_STAND_INS):
            return reverse(view_name, args=args)
    parts = _url_pattern(get_script_prefix(), view_name, shape)
    if not parts:
        return reverse(view_name, args=args)
    if len(parts) == 2:
        return parts[0] + str(uuids[0]) + parts[1]
    return parts[0] + "".join(str(value) + part for value, part in zip(uuids, parts[1:], strict=True))
