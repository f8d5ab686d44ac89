"""Uploaded files appear only when the transaction that records them commits; never half-written.

Usage from a service::

    with transaction.atomic():
        name = store_on_commit(content=upload, name=upload_name("casefile", upload.name))
        Attachment.objects.create(trajectory=trajectory, file=name, ...)

The bytes are written now, under a temporary name in `<MEDIA_ROOT>/.incoming/`, flushed to disk, and renamed
to their final name by `transaction.on_commit`. A rename within one file system is atomic, so readers see the
whole file or nothing. When the transaction rolls back (or the process dies) the temporary file stays behind
and `routeplus sweep_uploads` (daily timer) removes it; in the short window between commit and rename a crash
leaves a committed row pointing at a missing file, and the sweep finishes that move, because each temporary
file records its destination beside it.
"""

import json
import os
import uuid
from collections.abc import Iterable, Iterator
from pathlib import Path, PurePosixPath
from typing import IO

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured, SuspiciousFileOperation
from django.core.files.storage import FileSystemStorage, Storage, default_storage
from django.db import DEFAULT_DB_ALIAS, models, transaction

INCOMING = ".incoming"
CHUNK = 1024 * 1024


def upload_name(prefix: str, original_name: str = "") -> str:
    """An opaque final name: the prefix, a random UUID and the lower-cased extension of the original.

    The original file name is never used: people name files after the person they are about.
    """
    suffix = PurePosixPath(original_name).suffix.lower()
    if not suffix[1:].isalnum() or len(suffix) > 10:
        suffix = ""
    return f"{prefix.strip('/')}/{uuid.uuid4().hex}{suffix}"


def _filesystem(storage: Storage | None) -> FileSystemStorage:
    storage = storage or default_storage
    # default_storage is a lazy object; unwrap it to test the real class.
    real = getattr(storage, "_wrapped", storage)
    if not isinstance(real, FileSystemStorage):
        raise ImproperlyConfigured("store_on_commit needs a FileSystemStorage (an atomic rename on one file system).")
    return real


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _chunks(content: bytes | IO[bytes] | Iterable[bytes]) -> Iterator[bytes]:
    if isinstance(content, bytes):
        yield content
        return
    chunks = getattr(content, "chunks", None)
    if callable(chunks):
        yield from chunks(CHUNK)
        return
    read = getattr(content, "read", None)
    if callable(read):
        while block := read(CHUNK):
            yield block
        return
    yield from content


def store_on_commit(
    *,
    name: str,
    content: bytes | IO[bytes] | Iterable[bytes],
    storage: Storage | None = None,
    using: str = DEFAULT_DB_ALIAS,
) -> str:
    """Write `content` under a temporary name and move it to `name` when the current transaction commits.

    Returns `name`, to be saved in a FileField in the same transaction. Outside a transaction the move
    happens at once (Django runs on_commit callbacks immediately in autocommit mode). Refuses a name that
    already exists: final names are meant to be unique (see `upload_name`).
    """
    fs = _filesystem(storage)
    final = Path(fs.path(name))  # raises SuspiciousFileOperation for names outside MEDIA_ROOT
    if final.exists():
        raise SuspiciousFileOperation("An upload would overwrite an existing file.")
    incoming = Path(fs.location) / INCOMING
    incoming.mkdir(parents=True, exist_ok=True)
    temp = incoming / f"{uuid.uuid4().hex}.part"
    # The destination is recorded first, so that a sweep after a crash knows where the bytes belong.
    temp.with_suffix(".json").write_text(json.dumps({"name": name}))
    with open(temp, "xb") as handle:
        for block in _chunks(content):
            handle.write(block)
        handle.flush()
        os.fsync(handle.fileno())

    def move_into_place() -> None:
        _finish_move(temp, final)

    transaction.on_commit(move_into_place, using=using, robust=False)
    return name


def _finish_move(temp: Path, final: Path) -> None:
    final.parent.mkdir(parents=True, exist_ok=True)
    os.replace(temp, final)
    _fsync_dir(final.parent)
    temp.with_suffix(".json").unlink(missing_ok=True)


def _file_fields() -> list[tuple[type[models.Model], str]]:
    return [
        (model, field.name)
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if isinstance(field, models.FileField)
    ]


def _referenced(name: str) -> bool:
    return any(model._default_manager.filter(**{field: name}).exists() for model, field in _file_fields())


def sweep_incoming(
    *, older_than_seconds: int, storage: Storage | None = None, now: float | None = None
) -> dict[str, int]:
    """Tidy `.incoming/`: finish moves whose row committed, delete the leftovers of rolled-back uploads.

    Only files older than `older_than_seconds` are looked at, so an upload whose transaction is still open
    is left alone.
    """
    import time

    fs = _filesystem(storage)
    incoming = Path(fs.location) / INCOMING
    counts = {"moved": 0, "removed": 0, "kept": 0}
    if not incoming.is_dir():
        return counts
    limit = (now if now is not None else time.time()) - older_than_seconds
    for temp in sorted(incoming.glob("*.part")):
        if temp.stat().st_mtime > limit:
            counts["kept"] += 1
            continue
        meta = temp.with_suffix(".json")
        try:
            name = json.loads(meta.read_text())["name"]
            final = Path(fs.path(name))
        except (OSError, ValueError, KeyError, SuspiciousFileOperation):
            name, final = "", None
        if final is not None and not final.exists() and _referenced(name):
            _finish_move(temp, final)
            counts["moved"] += 1
        else:
            temp.unlink(missing_ok=True)
            meta.unlink(missing_ok=True)
            counts["removed"] += 1
    # Metadata whose part file is gone (crash between the two writes).
    for meta in incoming.glob("*.json"):
        if not meta.with_suffix(".part").exists() and meta.stat().st_mtime <= limit:
            meta.unlink(missing_ok=True)
            counts["removed"] += 1
    return counts
