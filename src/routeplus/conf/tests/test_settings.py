"""The production profile refuses to start without a real secret key and allowed hosts."""

import json
import os
import subprocess
import sys

import pytest

SRC = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(__file__))))


def load_production(**env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "ALLOWED_HOSTS", "DEBUG"}}
    clean.update(env, DJANGO_SETTINGS_MODULE="routeplus.conf.settings.production", PYTHONPATH=SRC)
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env=clean,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"ALLOWED_HOSTS": "routeplus.example.nl"}, "SECRET_KEY"),
        ({"SECRET_KEY": "short", "ALLOWED_HOSTS": "routeplus.example.nl"}, "SECRET_KEY"),
        ({"SECRET_KEY": "x" * 50}, "ALLOWED_HOSTS"),
    ],
)
def test_production_refuses_unsafe_configuration(env, message):
    result = load_production(**env)
    assert result.returncode != 0
    assert message in result.stderr


def test_production_starts_with_a_key_and_hosts():
    result = load_production(SECRET_KEY="k" * 50, ALLOWED_HOSTS="routeplus.example.nl")
    assert result.returncode == 0, result.stderr


def database_options(**env: str) -> dict[str, object]:
    script = "import json, django; django.setup(); from django.conf import settings; "
    script += "print(json.dumps(settings.DATABASES['default']['OPTIONS']))"
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DB_")}
    clean.update(
        env,
        DJANGO_SETTINGS_MODULE="routeplus.conf.settings.production",
        PYTHONPATH=SRC,
        SECRET_KEY="k" * 50,
        ALLOWED_HOSTS="routeplus.example.nl",
        DATABASE_URL="postgres://routeplus@db.internal:5432/routeplus",
    )
    result = subprocess.run([sys.executable, "-c", script], env=clean, capture_output=True, text=True, check=True)  # noqa: S603 - own script
    options: dict[str, object] = json.loads(result.stdout.strip().splitlines()[-1])
    return options


def test_postgresql_prepares_statements_unless_switched_off():
    options = database_options()
    assert (options["server_side_binding"], options["prepare_threshold"]) == (True, 2)
    off = database_options(DB_PREPARED_STATEMENTS="false")
    assert "server_side_binding" not in off and "prepare_threshold" not in off
    assert off["connect_timeout"] == 3  # the other options stay


@pytest.mark.django_db
def test_a_statement_run_again_is_prepared_on_postgresql():
    from django.db import connection

    from routeplus.accounts.models import Municipality

    if connection.vendor != "postgresql":
        pytest.skip("prepared statements are PostgreSQL's; CI runs this suite on PostgreSQL too")
    for _ in range(3):
        list(Municipality.objects.filter(cbs_code="GM0014"))
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s", ['%"cbs_code" = $1%'])
        assert cursor.fetchone()[0] == 1


def test_the_wsgi_entry_point_settles_the_garbage_collector():
    """Loading the app for a server freezes what it loaded and raises the first generation's threshold."""
    script = (
        "import gc, json; before = gc.get_threshold()[0]; import routeplus.conf.wsgi; "
        "print(json.dumps([before, gc.get_threshold()[0], gc.get_freeze_count()]))"
    )
    clean = {k: v for k, v in os.environ.items() if k != "DEBUG"}
    clean.update(PYTHONPATH=SRC, SECRET_KEY="k" * 50, ALLOWED_HOSTS="routeplus.example.nl")
    clean["DJANGO_SETTINGS_MODULE"] = "routeplus.conf.settings.production"
    result = subprocess.run([sys.executable, "-c", script], env=clean, capture_output=True, text=True, check=False)  # noqa: S603 - own script
    assert result.returncode == 0, result.stderr
    before, after, frozen = json.loads(result.stdout.strip().splitlines()[-1])
    assert before < after == 10_000  # the interpreter's default (700 on 3.12), raised
    assert frozen > 10_000  # Django, the apps and their models are out of the collector's sight
