"""Development profile: what `make run` uses; safe defaults, never for real data."""

from routeplus.conf.env import env_bool, env_str
from routeplus.conf.settings.base import *  # noqa: F403

DEBUG = env_bool("DEBUG", True)
# A fixed key is acceptable only because this profile never holds real data; production refuses to start without one.
SECRET_KEY = env_str("SECRET_KEY", "dev-only-insecure-key-never-use-in-production")
MAILERS = mailers(env_str("EMAIL_BACKEND", "console"))  # noqa: F405
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F405
