"""The deployment files name commands and settings that exist, and the production profile refuses unsafe setups."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import get_commands

DEPLOY = Path(__file__).resolve().parents[4] / "deploy"


def job_commands() -> list[str]:
    return [
        line.split("=", 1)[1].split()[0]
        for path in sorted((DEPLOY / "jobs").glob("*.env"))
        for line in path.read_text().splitlines()
        if line.startswith("JOB_ARGS=")
    ]


def test_every_scheduled_job_is_a_management_command() -> None:
    commands = get_commands()
    jobs = job_commands()
    assert "heartbeat" in jobs and "backup" in jobs
    assert [job for job in jobs if job not in commands] == []


def test_every_timer_starts_a_job_that_exists() -> None:
    jobs = {path.stem for path in (DEPLOY / "jobs").glob("*.env")}
    for timer in (DEPLOY / "systemd").glob("*.timer"):
        unit = re.search(r"^Unit=routeplus-job@(.+)\.service$", timer.read_text(), re.MULTILINE)
        assert unit, timer.name
        assert unit.group(1) in jobs, timer.name


def test_cron_file_runs_the_same_commands_as_the_timers() -> None:
    cron = (DEPLOY / "cron.d-routeplus").read_text()
    for job in job_commands():
        assert f"$ROUTEPLUS {job}" in cron, job


def test_gunicorn_config_reads_the_environment() -> None:
    namespace: dict[str, object] = {}
    env = {"GUNICORN_BIND": "127.0.0.1:9999", "WEB_CONCURRENCY": "3", "ACCESS_LOG": "false"}
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        exec(compile((DEPLOY / "gunicorn.conf.py").read_text(), "gunicorn.conf.py", "exec"), namespace)  # noqa: S102
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    assert namespace["bind"] == "127.0.0.1:9999"
    assert namespace["workers"] == 3
    assert namespace["accesslog"] is None
    assert namespace["logger_class"] == "routeplus.ops.logs.GunicornJsonLogger"


SAFE = {
    "DJANGO_SETTINGS_MODULE": "routeplus.conf.settings.production",
    "SECRET_KEY": "Q7vN2xLp9RtY4wKzM8cHj3FbS6dGa1UeX5nVq0WiTo7yPr2sLk",
    "ALLOWED_HOSTS": "routeplus.example.nl",
    "DATABASE_URL": "postgres://routeplus@127.0.0.1:5432/routeplus",
    "EMAIL_BACKEND": "smtp",
}


def deploy_check(**overrides: str | None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in SAFE and k not in ("DEBUG", "SECURE_SSL_REDIRECT")}
    for key, value in {**SAFE, **overrides}.items():
        if value is not None:
            env[key] = value
    return subprocess.run(
        [sys.executable, "-m", "routeplus", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_prod_check_passes_a_safe_configuration() -> None:
    result = deploy_check()
    assert result.returncode == 0, result.stderr[-2000:]


@pytest.mark.parametrize(
    ("overrides", "complaint"),
    [
        ({"DEBUG": "true"}, "DEBUG must not be on"),
        ({"SECRET_KEY": None}, "SECRET_KEY must be set"),
        ({"SECRET_KEY": "short"}, "SECRET_KEY must be set"),
        ({"ALLOWED_HOSTS": None}, "ALLOWED_HOSTS must name"),
        ({"SECURE_SSL_REDIRECT": "false"}, "security.W008"),
        ({"DATABASE_URL": "sqlite:////tmp/x.sqlite3"}, "ops.W001"),
        ({"EMAIL_BACKEND": "console"}, "ops.W002"),
    ],
)
def test_prod_check_fails_an_unsafe_configuration(overrides: dict[str, str | None], complaint: str) -> None:
    result = deploy_check(**overrides)
    assert result.returncode != 0
    assert complaint in result.stdout + result.stderr
