"""`routeplus bench` runs on a machine whose default database was never created (CI's fresh clone)."""

import os
import subprocess
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parents[3]


def test_bench_does_not_need_the_default_database(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'never-migrated.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "routeplus.conf.settings.dev",
        "PYTHONPATH": str(SRC),
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    # The smallest valid call that reaches the command's own code: a size it refuses with a clear message.
    result = subprocess.run(
        [sys.executable, "-m", "routeplus", "bench", "--size", "10"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 1
    assert "The smallest size is 50 participants." in result.stderr
    assert "no such table" not in result.stderr
