"""Logins, failed logins, logouts, account and membership changes go to the access log (never the typed
name or password). Disabling an account or removing a membership ends that user's sessions at once."""

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from routeplus.accounts.models import Membership, User, UserSession
from routeplus.accounts.sessions import session_started, sessions_end_for_user
from routeplus.audit.models import Action, Result
from routeplus.audit.services import Origin, access_log_append

SYSTEM_ORIGIN = Origin(ip_address="local", user_agent="routeplus")


def _origin(request: Any) -> Origin:
    return Origin.from_request(request) if request is not None and hasattr(request, "META") else SYSTEM_ORIGIN


@receiver(user_logged_in)
def log_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    method = getattr(request, "_routeplus_login_method", "password") if request is not None else "password"
    access_log_append(actor=user, action=Action.LOGIN, result=Result.ALLOWED, origin=_origin(request), purpose=method)
    if request is not None and hasattr(request, "session"):
        session_started(request, user, method)


@receiver(user_logged_out)
def log_logout(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        access_log_append(actor=user, action=Action.LOGOUT, result=Result.ALLOWED, origin=_origin(request))
    if request is not None and getattr(request, "session", None) is not None and request.session.session_key:
        UserSession.objects.filter(session_key=request.session.session_key).delete()


@receiver(user_login_failed)
def log_login_failed(sender: Any, credentials: Any, request: Any = None, **kwargs: Any) -> None:
    # The typed user name may be a mistyped password or someone's name: it is not kept.
    access_log_append(actor=None, action=Action.LOGIN_FAILED, result=Result.REFUSED, origin=_origin(request))


def _current_actor() -> Any:
    from routeplus.ui.middleware import current_request

    request = current_request()
    return (getattr(request, "user", None), _origin(request)) if request is not None else (None, SYSTEM_ORIGIN)


@receiver(pre_save, sender=User)
def remember_active(sender: Any, instance: User, **kwargs: Any) -> None:
    if instance.pk is None:
        instance._was_active = None
    else:
        instance._was_active = User.objects.filter(pk=instance.pk).values_list("is_active", flat=True).first()  # type: ignore[attr-defined]


@receiver(post_save, sender=User)
def account_changed(sender: Any, instance: User, created: bool, **kwargs: Any) -> None:
    was_active = getattr(instance, "_was_active", None)
    if created or was_active is None or was_active == instance.is_active:
        return
    actor, origin = _current_actor()
    access_log_append(
        actor=actor,
        action=Action.ACCOUNT,
        result=Result.ALLOWED,
        origin=origin,
        object_type="user",
        object_ref=str(instance.uuid),
        purpose="enabled" if instance.is_active else "disabled",
    )
    if not instance.is_active:
        sessions_end_for_user(instance, actor=actor, origin=origin, reason="account_disabled")


@receiver(pre_save, sender=Membership)
def remember_membership(sender: Any, instance: Membership, **kwargs: Any) -> None:
    previous = Membership.objects.filter(pk=instance.pk).values("role", "is_active").first() if instance.pk else None
    instance._previous = previous  # type: ignore[attr-defined]


@receiver(post_save, sender=Membership)
def membership_saved(sender: Any, instance: Membership, created: bool, **kwargs: Any) -> None:
    previous = getattr(instance, "_previous", None)
    if previous is not None and previous == {"role": instance.role, "is_active": instance.is_active}:
        return
    if created:
        change = f"added:{instance.role}"
    elif not instance.is_active and previous and previous["is_active"]:
        change = f"deactivated:{instance.role}"
    else:
        change = f"changed:{previous['role'] if previous else ''}->{instance.role}"
    _membership_logged(instance, change, ends_sessions=not created)


@receiver(post_delete, sender=Membership)
def membership_deleted(sender: Any, instance: Membership, **kwargs: Any) -> None:
    _membership_logged(instance, f"removed:{instance.role}", ends_sessions=True)


def _membership_logged(instance: Membership, change: str, *, ends_sessions: bool) -> None:
    actor, origin = _current_actor()
    user = instance.user
    access_log_append(
        actor=actor,
        action=Action.MEMBERSHIP,
        result=Result.ALLOWED,
        origin=origin,
        object_type="membership",
        object_ref=str(user.uuid),
        section=str(instance.organisation.uuid),
        purpose=change,
    )
    # A changed or removed role changes what the user may see: their open sessions end, so the next page
    # is opened with a fresh login in the new role.
    if ends_sessions:
        sessions_end_for_user(user, actor=actor, origin=origin, reason=f"membership_{change.split(':')[0]}")
