"""The Dutch citizen service number (BSN): the eleven-test and a masked form for display."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def is_valid_bsn(value: str) -> bool:
    """True when value is nine digits passing the eleven-test (weights 9..2 and -1)."""
    if len(value) != 9 or not value.isdigit():
        return False
    weights = (9, 8, 7, 6, 5, 4, 3, 2, -1)
    total = sum(int(digit) * weight for digit, weight in zip(value, weights, strict=True))
    return total % 11 == 0 and value != "000000000"


def validate_bsn(value: str) -> None:
    if value and not is_valid_bsn(value):
        # The message never repeats the number: it may end up in a log.
        raise ValidationError(_("Dit is geen geldig BSN: het moet uit 9 cijfers bestaan en de elfproef doorstaan."))


def mask_bsn(value: str) -> str:
    """Only the last three digits, so a list or header never shows the whole number."""
    return f"••••••{value[-3:]}" if value else ""
