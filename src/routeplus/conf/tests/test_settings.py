"""The production profile refuses to start without a real secret key and allowed hosts."""

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
