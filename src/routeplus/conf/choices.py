"""Choice labels of model fields in one dictionary lookup, for pages that show many rows."""

from functools import cache, lru_cache
from typing import Any

from django.db import models
from django.utils.encoding import force_str
from django.utils.translation import get_language


@cache
def _labels(field: models.Field[Any, Any]) -> dict[Any, Any]:
    """The field's {value: label}; labels stay lazy, so each is translated in the language of the request."""
    return dict(field.flatchoices)


class ChoiceDisplay:
    """Mixin for models, before `models.Model`: a cheaper `get_<field>_display`.

    Django's own builds a dictionary of all the field's choices on every call and hashes every lazy label to
    do so, which translates each label: a case file or a caseload page of 50 rows made some 600 gettext calls
    that way. Here the map per field is built once and each label is translated once per language. Django binds
    `get_<field>_display` to `cls._get_FIELD_display` when the model class is created, so this only works as a
    base class, not as a patch applied later.
    """

    def _get_FIELD_display(self, field: models.Field[Any, Any]) -> Any:  # noqa: N802  (Django's name)
        value = getattr(self, field.attname)
        try:
            return _label_in(get_language(), field, value)
        except TypeError:  # an unhashable value (a JSON field with choices): Django's way handles it
            return super()._get_FIELD_display(field)  # type: ignore[misc]


@lru_cache(maxsize=4096)
def _label_in(language: str | None, field: models.Field[Any, Any], value: Any) -> Any:
    """The label of one value, translated into the active language (`language`, read by the caller just before)."""
    return force_str(_labels(field).get(value, value), strings_only=True)  # a value without a label: as it is
