"""Form widgets shared by every app's forms."""

from typing import Any

from django import forms


class DateInput(forms.DateInput):
    """A native date picker that round-trips ISO dates, so a form shown again keeps what was typed."""

    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)
