"""The optional daily e-mail: how many signals are open, overdue and due this week, and a link. Never names,
case details or anything else about a young person: an e-mail leaves our systems."""

from datetime import date
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from routeplus.alerts.models import DigestSubscription
from routeplus.alerts.selectors import open_signal_counts


def digest_subscribe(*, user: Any, active: bool) -> DigestSubscription:
    subscription, _created = DigestSubscription.objects.update_or_create(user=user, defaults={"is_active": active})
    return subscription


def digest_body(counts: dict[str, int], link: str) -> str:
    return _(
        "Goedemorgen,\n\n"
        "In uw werkvoorraad staan %(open)s open signaleringen.\n"
        "Te laat: %(overdue)s. Deze week: %(due_soon)s.\n\n"
        "Bekijk ze in routeplus: %(link)s\n\n"
        "U krijgt deze e-mail omdat u de dagelijkse e-mail hebt aangezet in uw werkvoorraad."
    ) % {**counts, "link": link}


def digest_send(*, on: date | None = None) -> int:
    """Send today's e-mail to every subscriber with open signals, once a day. Returns the number sent."""
    on = on or timezone.localdate()
    base = settings.ROUTEPLUS_BASE_URL.rstrip("/")
    link = base + reverse("alerts:worklist")
    sent = 0
    subscriptions = DigestSubscription.objects.filter(is_active=True, user__is_active=True).exclude(last_sent_on=on)
    for subscription in subscriptions.select_related("user"):
        counts = open_signal_counts(user=subscription.user, on=on)
        if counts["open"]:
            with override(settings.LANGUAGE_CODE):
                send_mail(_("routeplus: uw werkvoorraad"), digest_body(counts, link), None, [subscription.user.email])
            sent += 1
        with transaction.atomic():
            DigestSubscription.objects.filter(pk=subscription.pk).update(last_sent_on=on)
    return sent
