"""The file store: each distinct content once, under FILES_DIR at a path made from its SHA-256, with its
`StoredFile` row; checked against that hash every time it is read.

Files are written before their row is committed and never changed or removed afterwards, so the folder
always holds at least what the database names (a backup taken after the database copy has them all),
and several app servers can share one folder (README "Digitisation").
"""
import hashlib
import os
import tempfile
from datetime import datetime
from pathlib import Path

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.digitisation.filecheck import EXTENSIONS, Accepted, Limits, check_file
from app.digitisation.models import StoredFile
from app.extensions import db
from app.vntext import nfc


class FileDamaged(Exception):
    """A stored file is missing or its bytes no longer match its hash (disk fault, someone edited it)."""


def files_dir() -> Path:
    return Path(current_app.config["FILES_DIR"])


def scan_limits() -> Limits:
    config = current_app.config
    return Limits(max_bytes=config["SCAN_MAX_BYTES"], max_pixels=config["SCAN_MAX_PIXELS"],
                  max_expanded_bytes=config["SCAN_MAX_EXPANDED_BYTES"], max_pages=config["SCAN_MAX_PAGES"])


def path_of(sha256: str, root: Path | None = None) -> Path:
    """Where the content with this hash lives: two levels of folders keep each one small."""
    if len(sha256) != 64 or any(ch not in "0123456789abcdef" for ch in sha256):
        raise ValueError("not a SHA-256 in lowercase hex")
    return (root or files_dir()) / sha256[:2] / sha256[2:4] / sha256


def write_content(data: bytes, root: Path | None = None) -> str:
    """Write `data` under its hash (once: existing identical content is left as it is); its hash."""
    digest = hashlib.sha256(data).hexdigest()
    target = path_of(digest, root)
    if target.is_file() and _hash_of_file(target) == digest:
        return digest
    target.parent.mkdir(parents=True, exist_ok=True)
    # Beside the target, then renamed: a reader (another server on the shared folder) sees the whole
    # file or none of it, and a full disk leaves nothing half-written under the final name.
    handle, name = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(name, 0o640)
        os.replace(name, target)
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise
    return digest


def _hash_of_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def store(data: bytes, accepted: Accepted, original_name: str, user_id: int | None, now: datetime) -> StoredFile:
    """The `StoredFile` of this content, written and added to the session if new (the caller commits).

    The same bytes sent twice, by one clerk or by two at once, end as one row and one file.
    """
    digest = write_content(data)
    existing = db.session.scalar(select(StoredFile).where(StoredFile.sha256 == digest))
    if existing is not None:
        return existing
    row = StoredFile(sha256=digest, size_bytes=len(data), media_type=accepted.media_type,
                     original_name=_clean_name(original_name), created_at=now, created_by_id=user_id)
    try:
        with db.session.begin_nested():
            db.session.add(row)
    except IntegrityError:
        # Another request stored the same content between our look and our insert: theirs is ours.
        return db.session.scalars(select(StoredFile).where(StoredFile.sha256 == digest)).one()
    return row


def check_and_store(data: bytes, original_name: str, user_id: int | None, now: datetime) -> StoredFile:
    """Check `data` by content (FileRefused with the reason) and store it."""
    return store(data, check_file(data, scan_limits()), original_name, user_id, now)


def read_verified(stored: StoredFile) -> bytes:
    """The stored bytes, only if they still hash to the row's SHA-256; else FileDamaged."""
    path = path_of(stored.sha256)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise FileDamaged(f"Thiếu tệp {stored.sha256} trong kho tệp ({files_dir()}).") from None
    if hashlib.sha256(data).hexdigest() != stored.sha256:
        raise FileDamaged(f"Tệp {stored.sha256} trong kho không còn khớp mã băm SHA-256.")
    return data


def _clean_name(name: str) -> str:
    """The clerk's file name, kept for display: no path, no control characters, at most 255 characters."""
    base = nfc((name or "").replace("\\", "/").rsplit("/", 1)[-1])
    return "".join(ch for ch in base if ch.isprintable())[:255]


def download_name(stored: StoredFile, stem: str) -> str:
    """An ASCII file name for the download: the dossier's code and what it is, then the real extension."""
    return f"{stem}.{EXTENSIONS.get(stored.media_type, 'bin')}"
