"""Backups and restores: a consistent copy with a manifest, restored into a fresh database and verified.

Runs against the database the suite runs on: SQLite in the SQLite run, PostgreSQL (pg_dump/pg_restore with
an exported snapshot) in the PostgreSQL run.
"""

import json
import sqlite3
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from routeplus.ops.backup import (
    MANIFEST,
    TableSum,
    Target,
    compare,
    make_backup,
    prune_backups,
    read_manifest,
    restore_backup,
)
from routeplus.ops.drilltools import shared_pg_admin
from routeplus.ops.models import WorkerHeartbeat

ON_POSTGRES = connection.vendor == "postgresql"


@pytest.fixture
def fresh_target(tmp_path: Path) -> Iterator[Target]:
    """A database that does not exist yet, on the same kind of server as the suite's."""
    if not ON_POSTGRES:
        yield Target(engine="sqlite", name=str(tmp_path / "restored.sqlite3"))
        return
    source = Target.from_settings(connection.settings_dict)
    name = f"rp_ops_restore_{uuid.uuid4().hex[:12]}"
    target = Target(
        engine="postgresql", name=name, host=source.host, port=source.port, user=source.user, password=source.password
    )
    yield target
    url = f"postgres://{source.user or 'postgres'}@{source.host or '127.0.0.1'}:{source.port or 5432}/postgres"
    shared_pg_admin(url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def source_target() -> Target:
    return Target.from_settings(connection.settings_dict)


def rows(count: int) -> None:
    """Committed rows in a table of ops' own (transactional tests start from an empty database)."""
    from django.utils import timezone

    WorkerHeartbeat.objects.bulk_create(
        WorkerHeartbeat(queue_name=f"q{n}", beat_at=timezone.now(), worker_id=f"w{n}") for n in range(count)
    )


@pytest.mark.django_db(transaction=True)
def test_backup_and_restore_round_trip_is_verified_per_table(tmp_path: Path, fresh_target: Target) -> None:
    rows(7)
    media = tmp_path / "media"
    (media / "casefile").mkdir(parents=True)
    (media / "casefile" / "a.pdf").write_bytes(b"%PDF-1.4 a")
    (media / ".incoming").mkdir()
    (media / ".incoming" / "x.part").write_bytes(b"not committed")
    steps: list[str] = []
    backup = make_backup(
        source=source_target(),
        backup_dir=tmp_path / "backups",
        media_root=media,
        report=lambda step, s: steps.append(step),
    )

    manifest = read_manifest(backup)
    assert backup.name.startswith("routeplus-") and not backup.name.endswith(".partial")
    assert manifest["engine"] == ("postgresql" if ON_POSTGRES else "sqlite")
    assert manifest["tables"]["ops_workerheartbeat"]["rows"] == 7
    assert manifest["tables"]["django_migrations"]["rows"] > 0  # flushing tests keep the schema rows
    assert all(len(digest) == 64 for digest in manifest["files"].values())
    assert oct(backup.stat().st_mode & 0o777) == "0o700"
    assert steps, "each step reports its duration"
    assert manifest["media_files"] == 1, "committed uploads only, not .incoming"

    restored_media = tmp_path / "restored-media"
    result = restore_backup(backup=backup, target=fresh_target, create=True, media_root=restored_media)
    assert result.ok, result.differing
    assert "ops_workerheartbeat" in result.equal
    assert len(result.equal) == len(manifest["tables"])
    assert (restored_media / "casefile" / "a.pdf").read_bytes() == b"%PDF-1.4 a"
    assert not (restored_media / ".incoming").exists()


def test_compare_names_each_differing_table() -> None:
    expected = {"a": TableSum(1, "x"), "b": TableSum(2, "y"), "c": TableSum(3, "z")}
    actual = {"a": TableSum(1, "x"), "b": TableSum(2, "changed"), "d": TableSum(0, "0")}
    result = compare(expected, actual)
    assert not result.ok
    assert result.equal == ["a"]
    assert set(result.differing) == {"b", "c", "d"}
    assert result.differing["c"] == (TableSum(3, "z"), None)


def test_sqlite_checksums_see_a_changed_value_with_the_same_row_count(tmp_path: Path) -> None:
    from routeplus.ops.backup import sqlite_table_sums

    path = tmp_path / "db.sqlite3"
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE t (id integer primary key, v text)")
    db.executemany("INSERT INTO t (v) VALUES (?)", [("a",), ("b",)])
    db.commit()
    before = sqlite_table_sums(path)["t"]
    db.execute("UPDATE t SET v = 'c' WHERE id = 2")
    db.commit()
    after = sqlite_table_sums(path)["t"]
    assert before.rows == after.rows == 2
    assert before.checksum != after.checksum


def test_prune_keeps_the_newest_and_removes_partial_leftovers(tmp_path: Path) -> None:
    for stamp in ("20260101T000000Z", "20260102T000000Z", "20260103T000000Z"):
        (tmp_path / f"routeplus-{stamp}").mkdir()
    (tmp_path / "routeplus-20260104T000000Z.partial").mkdir()
    removed = prune_backups(backup_dir=tmp_path, keep=2)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["routeplus-20260102T000000Z", "routeplus-20260103T000000Z"]
    assert len(removed) == 2


@pytest.mark.django_db(transaction=True)
def test_backup_and_restore_commands(tmp_path: Path, fresh_target: Target, settings, capsys) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    rows(3)
    call_command("backup", output_dir=tmp_path / "out", keep=5)
    out = capsys.readouterr().out
    assert "Backup written" in out
    backup = next((tmp_path / "out").iterdir())
    assert json.loads((backup / MANIFEST).read_text())["tables"]["ops_workerheartbeat"]["rows"] == 3

    if fresh_target.engine == "sqlite":
        url = f"sqlite:///{fresh_target.name}"
    else:
        user, host, port = fresh_target.user or "postgres", fresh_target.host, fresh_target.port
        url = f"postgres://{user}@{host}:{port}/{fresh_target.name}"
    call_command("restore", str(backup), database_url=url, create=True)
    assert "Restored and verified" in capsys.readouterr().out

    # Never over a database that has tables.
    with pytest.raises(CommandError, match=r"not empty|exists"):
        call_command("restore", str(backup), database_url=url, create=True)
    assert WorkerHeartbeat.objects.count() == 3

    # A changed byte in the dump is caught before anything is restored.
    dump = next(p for p in backup.iterdir() if p.name != MANIFEST)
    with open(dump, "r+b") as handle:
        handle.seek(200)
        byte = handle.read(1)
        handle.seek(200)
        handle.write(bytes([byte[0] ^ 0xFF]))
    with pytest.raises(CommandError, match="does not match its checksum"):
        call_command("restore", str(backup), database_url=url + "_other", create=True)
