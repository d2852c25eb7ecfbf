"""The file store in `flask backup`: beside the database's copy, `<backup>.files.tar` holds every stored file
(each checked against its hash on the way in), and `flask backup restore` puts them back (each checked
again on the way out; nothing outside the store's layout is ever written).

Taken after the database's copy: files are written before their rows are committed and never removed, so
the archive holds every file the copied database names (and perhaps a few newer ones, harmless).
"""
import hashlib
import io
import re
import tarfile
from dataclasses import dataclass
from pathlib import Path

from app.digitisation.store import path_of, write_content

# ab/cd/<sha256>: the only names an archive may hold (no "..", no absolute path, no link).
MEMBER = re.compile(r"^([0-9a-f]{2})/([0-9a-f]{2})/([0-9a-f]{64})$")


@dataclass(frozen=True)
class FilesCopy:
    count: int
    size: int
    damaged: tuple[str, ...] = ()  # hashes whose stored bytes no longer match: left out of the archive


def archive_path(backup: Path) -> Path:
    return backup.with_name(backup.name + ".files.tar")


def stored_paths(root: Path):
    if not root.is_dir():
        return
    for path in sorted(root.glob("[0-9a-f][0-9a-f]/[0-9a-f][0-9a-f]/*")):
        relative = path.relative_to(root).as_posix()
        match = MEMBER.match(relative)
        if match and match.group(3).startswith(match.group(1) + match.group(2)) and path.is_file():
            yield relative, path


def write_archive(root: Path, out: Path) -> FilesCopy:
    """Write every sound file of the store under `root` into the tar `out` (uncompressed: scans are
    already compressed, and a plain tar is read back by any tool)."""
    count = size = 0
    damaged = []
    with tarfile.open(out, "w", format=tarfile.PAX_FORMAT) as archive:
        for relative, path in stored_paths(root):
            data = path.read_bytes()
            digest = relative.rsplit("/", 1)[1]
            if hashlib.sha256(data).hexdigest() != digest:
                damaged.append(digest)
                continue
            info = tarfile.TarInfo(relative)
            info.size, info.mode = len(data), 0o640
            info.mtime = int(path.stat().st_mtime)
            archive.addfile(info, fileobj=io.BytesIO(data))
            count += 1
            size += len(data)
    return FilesCopy(count, size, tuple(damaged))


def check_archive(archive_file: Path) -> int:
    """How many members the archive holds, reading each one whole (a cut archive fails here)."""
    with tarfile.open(archive_file, "r") as archive:
        members = 0
        for member in archive:
            if member.isfile():
                handle = archive.extractfile(member)
                while handle.read(1 << 20):
                    pass
                members += 1
    return members


def restore_archive(archive_file: Path, root: Path) -> tuple[int, list[str]]:
    """Put the archive's files back under `root`: only well-named regular files whose bytes match their
    name's hash; returns how many were restored and the names refused."""
    restored, refused = 0, []
    with tarfile.open(archive_file, "r") as archive:
        for member in archive:
            match = MEMBER.match(member.name)
            if not member.isfile() or match is None or not match.group(3).startswith(match.group(1) + match.group(2)):
                refused.append(member.name)
                continue
            data = archive.extractfile(member).read()
            if hashlib.sha256(data).hexdigest() != match.group(3):
                refused.append(member.name)
                continue
            write_content(data, root)
            restored += 1
    return restored, refused


def missing_files(root: Path, digests) -> list[str]:
    """The hashes named by the database whose file is absent from the store."""
    return [digest for digest in digests if not path_of(digest, root).is_file()]
