"""The benchmark server's settings: the production profile, with two differences that pages never see.

- Static files: the same manifest (hashed names, so `{% static %}` takes the production code path), without
  whitenoise's gzip/brotli compression of every file, which costs minutes of CPU per run and is about serving
  static files, which the benchmark does not measure (wrk fetches HTML only).
- ROUTEPLUS_BENCH_PLAIN_STATIC=true (set by the runner only when collecting static files fails on the
  manifest) falls back to plain storage, and the results say so.
"""

from routeplus.conf.env import env_bool
from routeplus.conf.settings.production import *  # noqa: F403

_STATIC_BACKEND = (
    "django.contrib.staticfiles.storage.StaticFilesStorage"
    if env_bool("ROUTEPLUS_BENCH_PLAIN_STATIC", False)
    else "routeplus.ops.staticfiles.UncompressedStaticStorage"
)
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": _STATIC_BACKEND}}  # noqa: F405
