"""The progress line of a learning goal: its SVG is built in Python, once per goal, instead of a template with a
loop over the reviews (the case-file overview shows up to ten goals with their reviews). In a page:
`{{ progress_line(goal) }}` (a global of the page templates, ui/jinja.py)."""

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from routeplus.casefile.models import LearningGoal, ReviewScore

WIDTH, TOP, BOTTOM = 120, 4, 36


def _coordinates(goal: LearningGoal) -> list[tuple[int, int]]:
    """Scores 1 to 4 from bottom to top, reviews spread evenly left to right (uses the prefetched reviews)."""
    reviews = list(goal.reviews.all())
    if not reviews:
        return []
    step = WIDTH / max(len(reviews) - 1, 1)
    height = BOTTOM - TOP
    return [
        (round(min(i * step, WIDTH - 4) + (4 if i == 0 else 0)), round(BOTTOM - (review.score - 1) / 3 * height))
        for i, review in enumerate(reviews)
    ]


def progress_line(goal: LearningGoal) -> SafeString:
    """The line with one dot per review and a label with the count and the last score (uses the prefetched
    reviews)."""
    reviews = list(goal.reviews.all())
    if not reviews:
        return format_html("<span>{}</span>", _("Nog niet geëvalueerd"))
    dots = _coordinates(goal)
    count = len(reviews)
    label = "{}, {}: {}".format(
        ngettext("Voortgang: %(counter)s evaluatie", "Voortgang: %(counter)s evaluaties", count) % {"counter": count},
        _("laatste stand"),
        ReviewScore(reviews[-1].score).label,
    )
    return format_html(
        '<svg class="rp-progress" viewBox="0 0 120 40" width="120" height="40" role="img" aria-label="{}">'
        '<line x1="0" y1="36" x2="120" y2="36" class="rp-progress__axis"/>'
        '<polyline points="{}" class="rp-progress__line"/>{}</svg>',
        label,
        " ".join(f"{x},{y}" for x, y in dots),
        format_html_join("", '<circle cx="{}" cy="{}" r="3" class="rp-progress__dot"/>', dots),
    )
