"""Consistent backups with a manifest, and restores into a fresh database that are checked against it.

A backup is a directory `routeplus-<UTC time>/` holding the database (PostgreSQL: `pg_dump` custom format;
SQLite: a copy made with SQLite's online backup API), optionally `media.tar` with the uploaded files, and
`manifest.json`: per table the row count and a checksum, and the SHA-256 of every file.

PostgreSQL consistency: one REPEATABLE READ transaction exports its snapshot, computes the manifest in it and
stays open while `pg_dump --snapshot` dumps exactly that snapshot, so counts and dump describe the same
moment however busy the database is. SQLite: the manifest is computed from the finished copy itself.

Table checksums: the sum of a 60-bit prefix of each row's MD5 (PostgreSQL, over the row's text form) or
SHA-256 (SQLite, over the row's repr): independent of row order, streamed, constant memory. They are
compared engine to same engine only, which is what a restore does.

A backup is written under `<name>.partial` and renamed when complete: a killed backup never looks finished.
Files are created 0600 and directories 0700: a backup holds every participant's personal data.
"""

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import dj_database_url

MANIFEST = "manifest.json"
FORMAT_VERSION = 1
PG_DUMP = "database.dump"
SQLITE_COPY = "database.sqlite3"
MEDIA_TAR = "media.tar"


class BackupError(Exception):
    """A backup or restore could not be made or does not verify; the message names no data."""


@dataclass(frozen=True)
class TableSum:
    rows: int
    checksum: str


@dataclass
class Comparison:
    equal: list[str] = field(default_factory=list)
    differing: dict[str, tuple[TableSum | None, TableSum | None]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.differing


# --- database access independent of Django's connections (a restore target is not a configured alias) ---


@dataclass(frozen=True)
class Target:
    """A database named by a DATABASE_URL-style string."""

    engine: str  # "postgresql" or "sqlite"
    name: str
    host: str = ""
    port: str = ""
    user: str = ""
    password: str = ""

    @classmethod
    def from_url(cls, url: str) -> "Target":
        config = dj_database_url.parse(url)
        return cls.from_settings(config)

    @classmethod
    def from_settings(cls, config: Any) -> "Target":
        engine = config["ENGINE"]
        if engine.endswith("postgresql"):
            kind = "postgresql"
        elif engine.endswith("sqlite3"):
            kind = "sqlite"
        else:
            raise BackupError(f"Unsupported database engine {engine}.")
        return cls(
            engine=kind,
            name=str(config["NAME"]),
            host=str(config.get("HOST") or ""),
            port=str(config.get("PORT") or ""),
            user=str(config.get("USER") or ""),
            password=str(config.get("PASSWORD") or ""),
        )

    def libpq_env(self) -> dict[str, str]:
        """Connection parameters for pg_dump/pg_restore as environment: no password on a command line."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
        for key, value in (
            ("PGHOST", self.host),
            ("PGPORT", self.port),
            ("PGUSER", self.user),
            ("PGPASSWORD", self.password),
            ("PGDATABASE", self.name),
        ):
            if value:
                env[key] = value
        env.setdefault("PGCONNECT_TIMEOUT", "10")
        return env

    def pg_connect(self, dbname: str | None = None, **kwargs: Any) -> Any:
        import psycopg

        return psycopg.connect(
            host=self.host or None,
            port=self.port or None,
            user=self.user or None,
            password=self.password or None,
            dbname=dbname or self.name,
            connect_timeout=10,
            **kwargs,
        )


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


PG_TABLES = """
    SELECT quote_ident(schemaname) || '.' || quote_ident(tablename)
    FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1
"""
# Order-independent, streamed checksum: the sum of a 60-bit prefix of each row's MD5 (not for security).
PG_TABLE_SUM = (
    "SELECT count(*), coalesce(sum(('x' || substr(md5(t::text), 1, 15))::bit(60)::bigint::numeric), 0) FROM {} t"
)


def pg_table_sums(cursor: Any) -> dict[str, TableSum]:
    cursor.execute(PG_TABLES)
    tables = [row[0] for row in cursor.fetchall()]
    sums = {}
    for table in tables:
        # `table` comes from pg_tables, already quoted by quote_ident: not user input.
        cursor.execute(PG_TABLE_SUM.format(table))
        rows, total = cursor.fetchone()
        name = table.removeprefix("public.")
        sums[name] = TableSum(rows=int(rows), checksum=f"{int(total):x}")
    return sums


def sqlite_readonly(name: str | Path) -> sqlite3.Connection:
    """Open read-only: verifying or copying must never change (or create) the database it reads.

    A name that is already a URI (Django's in-memory test database is `file:...?mode=memory&cache=shared`)
    is used as it is.
    """
    name = str(name)
    if name.startswith("file:"):
        return sqlite3.connect(name, uri=True)
    return sqlite3.connect(f"file:{name}?mode=ro", uri=True)


def sqlite_table_sums(path: str | Path) -> dict[str, TableSum]:
    connection = sqlite_readonly(path)
    try:
        tables = [
            row[0]
            for row in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
            )
        ]
        sums = {}
        for table in tables:
            rows, total = 0, 0
            for row in connection.execute(f"SELECT * FROM {_quote(table)}"):  # noqa: S608 - names from sqlite_master  # nosec B608
                rows += 1
                total += int(hashlib.sha256(repr(row).encode()).hexdigest()[:15], 16)
            sums[table] = TableSum(rows=rows, checksum=f"{total:x}")
        return sums
    finally:
        connection.close()


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(1024 * 1024):
            digest.update(block)
    return digest.hexdigest()


# --- making a backup ---

Step = Callable[[str, float], None]


def _no_report(step: str, seconds: float) -> None:
    return None


@contextmanager
def _timed(report: Step, step: str) -> Iterator[None]:
    started = time.monotonic()
    yield
    report(step, time.monotonic() - started)


def _private_dir(path: Path) -> None:
    path.mkdir(parents=True, exist_ok=False, mode=0o700)


def _tool(name: str) -> str:
    """The absolute path of a PostgreSQL client program; run with argument lists, never through a shell."""
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} is not installed (Debian: postgresql-client).")
    return path


def _pg_dump_version() -> str:
    out = subprocess.run([_tool("pg_dump"), "--version"], capture_output=True, text=True, check=True)  # noqa: S603
    return out.stdout.strip()


def _backup_postgresql(source: Target, work: Path, report: Step) -> dict[str, TableSum]:
    pg_dump = _tool("pg_dump")
    with source.pg_connect(autocommit=False) as connection:
        import psycopg

        connection.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        connection.read_only = True
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            with _timed(report, "count and checksum tables"):
                sums = pg_table_sums(cursor)
            with _timed(report, "pg_dump"):
                result = subprocess.run(  # noqa: S603
                    [
                        pg_dump,
                        "--format=custom",
                        f"--snapshot={snapshot}",
                        "--no-owner",
                        "--no-privileges",
                        f"--file={work / PG_DUMP}",
                    ],
                    env=source.libpq_env(),
                    capture_output=True,
                    text=True,
                    check=False,
                )
            if result.returncode != 0:
                raise BackupError(f"pg_dump failed (exit {result.returncode}): {result.stderr.strip()[:500]}")
        connection.rollback()
    return sums


def _backup_sqlite(source: Target, work: Path, report: Step) -> dict[str, TableSum]:
    copy = work / SQLITE_COPY
    with _timed(report, "sqlite online backup"):
        src = sqlite_readonly(source.name)
        dst = sqlite3.connect(copy)
        try:
            src.backup(dst, pages=4096)
            dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
        finally:
            dst.close()
            src.close()
    os.chmod(copy, 0o600)
    with _timed(report, "count and checksum tables"):
        return sqlite_table_sums(copy)


def _tar_media(media_root: Path, work: Path) -> int:
    count = 0
    with tarfile.open(work / MEDIA_TAR, "w") as archive:
        for path in sorted(media_root.rglob("*")):
            relative = path.relative_to(media_root)
            if relative.parts and relative.parts[0] == ".incoming":
                continue  # uncommitted uploads are not data yet
            if path.is_file():
                archive.add(path, arcname=str(relative), recursive=False)
                count += 1
    os.chmod(work / MEDIA_TAR, 0o600)
    return count


def make_backup(*, source: Target, backup_dir: Path, media_root: Path | None = None, report: Step = _no_report) -> Path:
    """Write a complete backup directory under `backup_dir` and return its path."""
    old_umask = os.umask(0o077)
    try:
        backup_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        final = backup_dir / f"routeplus-{stamp}"
        work = backup_dir / f"routeplus-{stamp}.partial"
        _private_dir(work)
        try:
            if source.engine == "postgresql":
                sums = _backup_postgresql(source, work, report)
                tool = _pg_dump_version()
            else:
                sums = _backup_sqlite(source, work, report)
                tool = f"sqlite {sqlite3.sqlite_version}"
            media_files = None
            if media_root is not None and media_root.is_dir():
                with _timed(report, "archive uploaded files"):
                    media_files = _tar_media(media_root, work)
            with _timed(report, "file checksums"):
                files = {p.name: sha256_file(p) for p in sorted(work.iterdir())}
            manifest = {
                "format_version": FORMAT_VERSION,
                "created_at": datetime.now(UTC).isoformat(),
                "engine": source.engine,
                "tool": tool,
                "files": files,
                "media_files": media_files,
                "tables": {name: {"rows": s.rows, "checksum": s.checksum} for name, s in sorted(sums.items())},
            }
            manifest_path = work / MANIFEST
            manifest_path.write_text(json.dumps(manifest, indent=2, sort_keys=True))
            with open(manifest_path, "rb") as handle:
                os.fsync(handle.fileno())
            os.replace(work, final)
        except BaseException:
            shutil.rmtree(work, ignore_errors=True)
            raise
        return final
    finally:
        os.umask(old_umask)


def prune_backups(*, backup_dir: Path, keep: int) -> list[Path]:
    """Remove all but the newest `keep` complete backups, and any leftover `.partial` directories."""
    removed = []
    complete = sorted(p for p in backup_dir.glob("routeplus-*") if p.is_dir() and not p.name.endswith(".partial"))
    for path in complete[: max(len(complete) - keep, 0)]:
        shutil.rmtree(path)
        removed.append(path)
    for path in backup_dir.glob("routeplus-*.partial"):
        shutil.rmtree(path, ignore_errors=True)
        removed.append(path)
    return removed


# --- restoring ---


def read_manifest(backup: Path) -> dict[str, Any]:
    try:
        manifest = json.loads((backup / MANIFEST).read_text())
    except (OSError, ValueError) as exc:
        raise BackupError(f"No readable {MANIFEST} in {backup}.") from exc
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(f"Unknown backup format {manifest.get('format_version')!r}.")
    return manifest


def verify_files(backup: Path, manifest: dict[str, Any]) -> None:
    for name, expected in manifest["files"].items():
        path = backup / name
        if not path.is_file() or sha256_file(path) != expected:
            raise BackupError(f"{name} is missing or does not match its checksum in the manifest.")


def manifest_sums(manifest: dict[str, Any]) -> dict[str, TableSum]:
    return {name: TableSum(rows=v["rows"], checksum=v["checksum"]) for name, v in manifest["tables"].items()}


def compare(expected: dict[str, TableSum], actual: dict[str, TableSum]) -> Comparison:
    result = Comparison()
    for name in sorted(set(expected) | set(actual)):
        left, right = expected.get(name), actual.get(name)
        if left == right:
            result.equal.append(name)
        else:
            result.differing[name] = (left, right)
    return result


def target_sums(target: Target) -> dict[str, TableSum]:
    if target.engine == "postgresql":
        with target.pg_connect(autocommit=False) as connection:
            import psycopg

            connection.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
            with connection.cursor() as cursor:
                sums = pg_table_sums(cursor)
            connection.rollback()
        return sums
    return sqlite_table_sums(Path(target.name))


def _pg_prepare_fresh(target: Target, create: bool) -> None:
    import psycopg
    from psycopg import sql

    try:
        with target.pg_connect() as connection, connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')"
            )
            if cursor.fetchone()[0]:
                raise BackupError("The target database is not empty; restore only into a fresh database.")
            return
    except psycopg.OperationalError:
        if not create:
            raise BackupError("The target database does not exist (use --create) or cannot be reached.") from None
    with target.pg_connect(dbname="postgres", autocommit=True) as connection:
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(target.name)))


def restore_backup(
    *, backup: Path, target: Target, create: bool = False, media_root: Path | None = None, report: Step = _no_report
) -> Comparison:
    """Restore `backup` into the fresh database `target` and compare it with the manifest."""
    manifest = read_manifest(backup)
    if manifest["engine"] != target.engine:
        raise BackupError(f"A {manifest['engine']} backup cannot be restored into {target.engine}.")
    with _timed(report, "verify file checksums"):
        verify_files(backup, manifest)
    if target.engine == "postgresql":
        pg_restore = _tool("pg_restore")
        _pg_prepare_fresh(target, create)
        with _timed(report, "pg_restore"):
            result = subprocess.run(  # noqa: S603
                [
                    pg_restore,
                    "--no-owner",
                    "--no-privileges",
                    "--exit-on-error",
                    "--single-transaction",
                    f"--dbname={target.name}",
                    str(backup / PG_DUMP),
                ],
                env=target.libpq_env(),
                capture_output=True,
                text=True,
                check=False,
            )
        if result.returncode != 0:
            raise BackupError(f"pg_restore failed (exit {result.returncode}): {result.stderr.strip()[:500]}")
    else:
        destination = Path(target.name)
        if destination.exists() and destination.stat().st_size > 0:
            raise BackupError("The target SQLite file exists; restore only into a fresh database.")
        destination.parent.mkdir(parents=True, exist_ok=True)
        with _timed(report, "sqlite restore"):
            src = sqlite_readonly(backup / SQLITE_COPY)
            dst = sqlite3.connect(destination)
            try:
                src.backup(dst)
            finally:
                dst.close()
                src.close()
    if media_root is not None and (backup / MEDIA_TAR).is_file():
        with _timed(report, "restore uploaded files"):
            if media_root.exists() and any(media_root.iterdir()):
                raise BackupError("The target media directory is not empty.")
            media_root.mkdir(parents=True, exist_ok=True)
            with tarfile.open(backup / MEDIA_TAR) as archive:
                archive.extractall(media_root, filter="data")
    with _timed(report, "count and checksum restored tables"):
        actual = target_sums(target)
    return compare(manifest_sums(manifest), actual)
