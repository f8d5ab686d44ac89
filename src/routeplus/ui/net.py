"""The client address of a request, trusting X-Forwarded-For only as far as the configured proxies reach."""

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """With N trusted proxies, the N-th address from the right of X-Forwarded-For is the client.

    Addresses further left were written by the client itself and can be spoofed, so they are ignored.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if len(forwarded) < proxies:
        return remote
    return forwarded[-proxies]
