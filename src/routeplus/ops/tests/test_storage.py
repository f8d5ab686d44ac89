"""Uploads are moved into place only when their transaction commits; leftovers are swept."""

import os
import time
from pathlib import Path

import pytest
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.db import transaction

from routeplus.ops import storage as ops_storage
from routeplus.ops.storage import INCOMING, store_on_commit, sweep_incoming, upload_name


@pytest.fixture
def fs(tmp_path: Path) -> FileSystemStorage:
    return FileSystemStorage(location=tmp_path)


def incoming_parts(fs: FileSystemStorage) -> list[Path]:
    return sorted((Path(fs.location) / INCOMING).glob("*.part"))


class UploadFailedError(Exception):
    pass


def _upload_then_fail(fs: FileSystemStorage, name: str) -> None:
    with transaction.atomic():
        store_on_commit(name=name, content=b"%PDF rolled back", storage=fs)
        raise UploadFailedError


def failed_upload(fs: FileSystemStorage, name: str) -> None:
    """An upload whose transaction rolls back after the bytes were written."""
    with pytest.raises(UploadFailedError):
        _upload_then_fail(fs, name)


@pytest.mark.django_db
def test_file_appears_only_when_the_transaction_commits(
    fs: FileSystemStorage, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        name = store_on_commit(name="casefile/a.pdf", content=ContentFile(b"%PDF one"), storage=fs)
        assert not fs.exists(name), "not visible before commit"
        assert len(incoming_parts(fs)) == 1
    assert fs.open(name).read() == b"%PDF one"
    assert incoming_parts(fs) == []
    assert list((Path(fs.location) / INCOMING).glob("*.json")) == []


@pytest.mark.django_db
def test_file_never_appears_when_the_transaction_rolls_back(
    fs: FileSystemStorage, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        failed_upload(fs, "casefile/b.pdf")
    assert callbacks == [], "the move is discarded with the transaction"
    assert not fs.exists("casefile/b.pdf")
    assert len(incoming_parts(fs)) == 1, "the temporary file waits for the sweep"

    counts = sweep_incoming(older_than_seconds=3600, storage=fs, now=time.time() + 7200)
    assert counts == {"moved": 0, "removed": 1, "kept": 0}
    assert incoming_parts(fs) == []
    assert not fs.exists("casefile/b.pdf")


@pytest.mark.django_db
def test_sweep_leaves_recent_uploads_alone(fs: FileSystemStorage) -> None:
    failed_upload(fs, "casefile/c.pdf")
    assert sweep_incoming(older_than_seconds=3600, storage=fs)["kept"] == 1
    assert len(incoming_parts(fs)) == 1


@pytest.mark.django_db
def test_sweep_finishes_the_move_of_a_committed_upload(
    fs: FileSystemStorage, monkeypatch, django_capture_on_commit_callbacks
) -> None:
    # A crash between commit and rename: the row is committed, the bytes are still in .incoming.
    monkeypatch.setattr(ops_storage, "_finish_move", lambda temp, final: None)
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        name = store_on_commit(name="casefile/d.pdf", content=b"%PDF four", storage=fs)
    monkeypatch.undo()
    assert not fs.exists(name)
    monkeypatch.setattr(ops_storage, "_referenced", lambda n: n == name)
    counts = sweep_incoming(older_than_seconds=0, storage=fs, now=time.time() + 1)
    assert counts["moved"] == 1
    assert fs.open(name).read() == b"%PDF four"


@pytest.mark.django_db
def test_refuses_to_overwrite_and_to_leave_the_storage(
    fs: FileSystemStorage, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        store_on_commit(name="casefile/e.pdf", content=b"first", storage=fs)
    assert fs.open("casefile/e.pdf").read() == b"first"
    with pytest.raises(SuspiciousFileOperation):
        store_on_commit(name="casefile/e.pdf", content=b"second", storage=fs)
    with pytest.raises(SuspiciousFileOperation):
        store_on_commit(name="../outside.pdf", content=b"x", storage=fs)
    assert fs.open("casefile/e.pdf").read() == b"first"


def test_upload_names_are_opaque() -> None:
    name = upload_name("casefile", "Verslag Yara Oosterhof.PDF")
    assert name.startswith("casefile/") and name.endswith(".pdf")
    assert "Yara" not in name and "Oosterhof" not in name
    assert upload_name("x", "evil.p/../df").startswith("x/")
    assert os.path.splitext(upload_name("x", "noext"))[1] == ""
