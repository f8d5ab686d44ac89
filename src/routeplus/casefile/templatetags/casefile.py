"""Template helpers of the case file: the small progress line of a learning goal."""

from django import template

from routeplus.casefile.models import GoalReview, LearningGoal, ReviewScore

register = template.Library()

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


@register.filter
def progress_points(goal: LearningGoal) -> str:
    return " ".join(f"{x},{y}" for x, y in _coordinates(goal))


@register.filter
def progress_dots(goal: LearningGoal) -> list[tuple[int, int]]:
    return _coordinates(goal)


@register.filter
def last_score(reviews: list[GoalReview]) -> str:
    items = list(reviews)
    return str(ReviewScore(items[-1].score).label) if items else ""
