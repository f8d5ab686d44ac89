"""App configuration of ui."""

from typing import Any

from django.apps import AppConfig
from django.core.signals import setting_changed
from django.utils.translation import gettext_lazy as _

# The settings that decide a static file's URL (DEBUG: the storage then links the unhashed name).
STATIC_SETTINGS = frozenset({"STATIC_URL", "STATIC_ROOT", "STORAGES", "DEBUG"})


def forget_cached_urls(*, setting: str, **_kwargs: Any) -> None:
    """A test changed a setting the pages' cached URLs were made with: make them anew, as Django does with its
    own URL caches (django.test.signals)."""
    from routeplus.ui.jinja import static_url
    from routeplus.ui.row_urls import _url_pattern

    if setting in STATIC_SETTINGS:
        static_url.cache_clear()
    if setting == "ROOT_URLCONF":
        _url_pattern.cache_clear()


class UiConfig(AppConfig):
    name = "routeplus.ui"
    verbose_name = _("Gebruikersinterface")

    def ready(self) -> None:
        setting_changed.connect(forget_cached_urls, dispatch_uid="routeplus.ui.forget_cached_urls")
