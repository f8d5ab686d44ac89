"""Test profile: fast hashing, in-memory mail, plain static storage; the database comes from DATABASE_URL."""

from routeplus.conf.settings.base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "test-only-key"  # noqa: S105
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MAILERS = mailers("locmem")  # noqa: F405
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F405
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A test database file rather than shared-cache memory: there a second writer gets "table is locked" at
    # once instead of waiting, so concurrency tests (two admissions for the last place) could not run.
    # One file per process (parallel runs in one working tree never share it), in memory-backed /dev/shm
    # where there is one, so it stays as fast as an in-memory database.
    import os
    import tempfile

    _TEST_DB_DIR = "/dev/shm" if os.path.isdir("/dev/shm") else tempfile.gettempdir()  # noqa: S108  # nosec B108
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": os.path.join(_TEST_DB_DIR, f"routeplus-test-{os.getpid()}.sqlite3")
    }
