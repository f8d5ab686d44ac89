"""Session lifetimes and the register of a user's sessions: idle and absolute limits, ending sessions."""

from datetime import timedelta
from importlib import import_module
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone

from routeplus.accounts.models import UserSession
from routeplus.audit.models import Action, Result
from routeplus.audit.services import Origin, access_log_append

AUTH_AT = "rp_auth_at"  # when the user logged in (epoch seconds): the absolute limit counts from here
SEEN_AT = "rp_seen_at"  # the last request (epoch seconds): the idle limit counts from here
LAST_SEEN_WRITE_EVERY = 60  # seconds: the register's "last active" is kept to the minute, not per request
# Seconds: the idle clock (SEEN_AT) moves on only when it is this far behind. Between those moments the session is
# not written at all, which spares every page an UPDATE of its session row (SESSION_SAVE_EVERY_REQUEST is off).
# A session may therefore end up to this much earlier than the idle limit after its last request, never later.
SEEN_AT_RESOLUTION = 30


def idle_limit() -> int:
    return int(settings.ROUTEPLUS_SESSION_IDLE_SECONDS)


def absolute_limit() -> int:
    return int(settings.ROUTEPLUS_SESSION_ABSOLUTE_SECONDS)


def _store(session_key: str) -> Any:
    return import_module(settings.SESSION_ENGINE).SessionStore(session_key=session_key)


def session_started(request: HttpRequest, user: Any, method: str = "password") -> None:
    """Stamp a fresh session and register it (called on every login)."""
    now = timezone.now()
    request.session[AUTH_AT] = now.timestamp()
    request.session[SEEN_AT] = now.timestamp()
    if request.session.session_key is None:
        request.session.save()
    origin = Origin.from_request(request) if hasattr(request, "META") else Origin()
    UserSession.objects.update_or_create(
        session_key=request.session.session_key,
        defaults={
            "user": user,
            "created_at": now,
            "last_seen_at": now,
            "ip_address": origin.ip_address,
            "user_agent": origin.user_agent,
            "method": method,
        },
    )


def session_expiry_reason(request: HttpRequest) -> str:
    """'' while the session may go on; otherwise why it ends ('absolute' or 'idle')."""
    now = timezone.now().timestamp()
    auth_at = request.session.get(AUTH_AT)
    seen_at = request.session.get(SEEN_AT)
    if auth_at is None or now - float(auth_at) > absolute_limit():
        return "absolute"
    if seen_at is None or now - float(seen_at) > idle_limit():
        return "idle"
    return ""


def session_touch(request: HttpRequest) -> None:
    """Reset the idle clock, writing the session (and its expiry) only when the clock moves by SEEN_AT_RESOLUTION."""
    now = timezone.now()
    previous = float(request.session.get(SEEN_AT) or 0)
    if now.timestamp() - previous < SEEN_AT_RESOLUTION:
        return
    request.session[SEEN_AT] = now.timestamp()
    if now.timestamp() - previous >= LAST_SEEN_WRITE_EVERY and request.session.session_key:
        UserSession.objects.filter(session_key=request.session.session_key).update(last_seen_at=now)


def sessions_of(user: Any) -> list[UserSession]:
    """The user's sessions that are still alive (registered rows whose session has expired are dropped)."""
    cutoff = timezone.now() - timedelta(seconds=idle_limit())
    UserSession.objects.filter(user=user, last_seen_at__lt=cutoff - timedelta(seconds=LAST_SEEN_WRITE_EVERY)).delete()
    return list(UserSession.objects.filter(user=user))


def session_end(*, session: UserSession, actor: Any, origin: Origin, reason: str) -> None:
    """End one session at once: its data is deleted from the session store, so its cookie opens nothing."""
    _store(session.session_key).delete()
    access_log_append(
        actor=actor,
        action=Action.SESSION_END,
        result=Result.ALLOWED,
        origin=origin,
        object_type="session",
        object_ref=str(session.user.uuid),
        purpose=reason,
    )
    session.delete()


def sessions_end_for_user(user: Any, *, actor: Any, origin: Origin, reason: str, keep: str | None = None) -> int:
    """End every session of the user (except `keep`); returns how many were ended."""
    ended = 0
    for session in UserSession.objects.filter(user=user).select_related("user"):
        if keep is not None and session.session_key == keep:
            continue
        session_end(session=session, actor=actor, origin=origin, reason=reason)
        ended += 1
    return ended
