"""The JSON configuration of django-otp-webauthn's scripts, as the body of a script element we write ourselves
(Django's json_script filter writes the whole element, without the response's CSP nonce)."""

import json
from typing import Any

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

# The characters json_script escapes, so the text can never close the script element.
_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.filter
def json_script_body(value: Any) -> SafeString:
    text = json.dumps(value, cls=DjangoJSONEncoder).translate(_ESCAPES)  # cannot close the script element
    return mark_safe(text)  # noqa: S308  # nosec B308, B703  (<, > and & escaped on the line above)
