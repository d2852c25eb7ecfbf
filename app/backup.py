"""`flask backup`: a verified copy of the database while clerks keep working, and its restore.

SQLite: SQLite's online backup API (a consistent snapshot even while others write), into a temporary
file renamed only once the copy passes `PRAGMA integrity_check` and carries the same schema version
(`alembic_version`) as the live database. Restore goes through the same API, so a stale `-wal` file can
never be replayed over the restored pages, and keeps the replaced database beside it first.

PostgreSQL: `pg_dump --format=custom` (the password in PGPASSWORD, never on the command line),
checked with `pg_restore`; restore is `pg_restore --clean --if-exists --single-transaction`.

Both: the digitisation file store (FILES_DIR) goes into `<backup>.files.tar` beside the copy, and comes
back with the restore (app/digitisation/backup_files.py).
"""
import errno
import os
import shlex
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import click
from flask.cli import AppGroup, with_appcontext
from sqlalchemy import select, text
from sqlalchemy.engine import URL

from app.digitisation.backup_files import archive_path, check_archive, missing_files, restore_archive, write_archive
from app.digitisation.models import StoredFile
from app.digitisation.store import files_dir
from app.extensions import db


class BackupError(click.ClickException):
    """A backup or restore that cannot be done or did not verify; nothing was replaced."""


@dataclass(frozen=True)
class Copy:
    path: Path
    size: int
    schema_version: str


# SQLite ----------------------------------------------------------------------------------------


def _sqlite_path(url: URL) -> Path:
    if not url.database or url.database == ":memory:":
        raise BackupError("Cơ sở dữ liệu SQLite trong bộ nhớ: không có gì để sao lưu.")
    return Path(url.database).resolve()


def _read_only(path: Path) -> sqlite3.Connection:
    if not path.is_file():
        raise BackupError(f"Không có tệp {path}.")
    return sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)


def _schema_version(connection: sqlite3.Connection) -> str:
    try:
        rows = connection.execute("SELECT version_num FROM alembic_version").fetchall()
    except sqlite3.DatabaseError as error:
        raise BackupError(f"Không đọc được phiên bản cấu trúc (alembic_version): {error}") from error
    if len(rows) != 1:
        raise BackupError("Tệp không phải cơ sở dữ liệu của ứng dụng (alembic_version không có đúng một dòng).")
    return rows[0][0]


def _check_integrity(connection: sqlite3.Connection, what: Path) -> None:
    try:
        result = [row[0] for row in connection.execute("PRAGMA integrity_check")]
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{what}: không phải tệp SQLite đọc được ({error}).") from error
    if result != ["ok"]:
        raise BackupError(f"{what}: PRAGMA integrity_check báo lỗi: {'; '.join(result[:5])}")


@contextmanager
def _replaced_when_done(out: Path):
    """A temporary file beside `out` to write into; it becomes `out` only if the block succeeds.

    A full disk or any other failure leaves `out` (yesterday's backup) as it was and says so.
    """
    temporary = None
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".tmp")
        os.close(handle)
        temporary = Path(name)
        yield temporary
        with open(temporary, "rb") as written:
            os.fsync(written.fileno())
        os.replace(temporary, out)
    except (OSError, sqlite3.Error) as error:
        full = " (đĩa đầy?)" if getattr(error, "errno", None) == errno.ENOSPC else ""
        raise BackupError(f"Không ghi được bản sao lưu {out}: {error}{full}. "
                          f"Tệp {out.name} cũ (nếu có) vẫn giữ nguyên.") from error
    finally:
        if temporary is not None:
            temporary.unlink(missing_ok=True)


def backup_sqlite(source: Path, out: Path) -> Copy:
    """Copy `source` to `out` (replaced only once the copy is verified); safe while the app writes."""
    out = out.resolve()
    with _replaced_when_done(out) as temporary:
        with closing(_read_only(source)) as live, closing(sqlite3.connect(temporary)) as copy:
            # One step (pages=-1): the whole database as of one instant. In WAL mode this reading
            # blocks no clerk; in rollback mode it waits for a writer like any reader would.
            live.execute("PRAGMA busy_timeout=10000")
            live.backup(copy)
            live_version = _schema_version(live)
            # The copy stands alone: one file, no -wal beside it, whatever mode the source was in.
            copy.execute("PRAGMA journal_mode=DELETE")
            _check_integrity(copy, out)
            copy_version = _schema_version(copy)
        if copy_version != live_version:
            raise BackupError(f"Bản sao có phiên bản cấu trúc {copy_version}, CSDL đang chạy {live_version}.")
    return Copy(out, out.stat().st_size, copy_version)


def sqlite_in_use(target: Path) -> bool:
    """Whether another connection has the database open (a running app, a `flask` command).

    The app keeps SQLite in WAL mode, and SQLite lets a connection leave WAL mode only when it is the
    only one open: the test asks for that, without waiting. Left-over -wal/-shm files of a process that
    died prove nothing and do not count (their content is checkpointed into the database on the way).
    Side effect: the database is left in rollback-journal mode; the app's next connection turns WAL on.
    """
    if not target.exists():
        return False
    with closing(sqlite3.connect(target, timeout=0)) as connection:
        try:
            mode = connection.execute("PRAGMA journal_mode=DELETE").fetchone()[0]
        except sqlite3.OperationalError:
            return True
    return mode != "delete"


def restore_sqlite(backup: Path, target: Path) -> tuple[Copy, Path | None]:
    """Replace the content of `target` with `backup`, after saving the current `target` beside it.

    Returns the restored copy's facts and the path of the saved database (None if there was none).
    """
    with closing(_read_only(backup)) as source:
        _check_integrity(source, backup)
        version = _schema_version(source)
    saved = None
    if target.exists():
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        saved = backup_sqlite(target, target.with_name(f"{target.name}.before-restore-{stamp}")).path
    try:
        with closing(_read_only(backup)) as source, closing(sqlite3.connect(target)) as destination:
            destination.execute("PRAGMA busy_timeout=10000")
            # One step, in one transaction of the destination: on failure nothing of it has changed.
            source.backup(destination)
            _check_integrity(destination, target)
            restored_version = _schema_version(destination)
    except (OSError, sqlite3.Error) as error:
        raise BackupError(f"Không phục hồi được {target}: {error}.") from error
    if restored_version != version:
        raise BackupError(f"Sau phục hồi phiên bản cấu trúc là {restored_version}, bản sao lưu là {version}.")
    return Copy(target, target.stat().st_size, version), saved


# PostgreSQL ------------------------------------------------------------------------------------


def _connection_arguments(url: URL) -> tuple[list[str], dict[str, str]]:
    """libpq arguments for pg_dump/pg_restore, and the environment that carries the password."""
    arguments = []
    if url.host:
        arguments.append(f"--host={url.host}")
    if url.port:
        arguments.append(f"--port={url.port}")
    if url.username:
        arguments.append(f"--username={url.username}")
    environment = dict(os.environ)
    if url.password:
        # On the command line a password would show in `ps` to every user of the server.
        environment["PGPASSWORD"] = url.password
    return arguments, environment


def pg_dump_command(url: URL, out: Path) -> list[str]:
    arguments, _ = _connection_arguments(url)
    return ["pg_dump", "--format=custom", *arguments, f"--file={out}", f"--dbname={url.database}"]


def pg_restore_command(url: URL, backup: Path) -> list[str]:
    arguments, _ = _connection_arguments(url)
    # --clean --if-exists: drop what the dump will recreate; --single-transaction: all or nothing;
    # --no-owner: the objects belong to the role that restores, whichever role made the dump.
    return ["pg_restore", "--clean", "--if-exists", "--single-transaction", "--no-owner", *arguments,
            f"--dbname={url.database}", str(backup)]


def _run(command: list[str], url: URL, capture: bool = False) -> str:
    _, environment = _connection_arguments(url)
    if shutil.which(command[0]) is None:
        raise BackupError(f"Không tìm thấy {command[0]} trên máy này (Debian: apt-get install postgresql-client).")
    finished = subprocess.run(command, env=environment, capture_output=True, text=True)
    if finished.returncode != 0:
        raise BackupError(f"{command[0]} thất bại ({finished.returncode}): {finished.stderr.strip()}")
    return finished.stdout if capture else ""


def _dumped_schema_version(dump: Path, url: URL) -> str:
    """The alembic_version row inside a custom-format dump (pg_restore prints it as COPY data)."""
    script = _run(["pg_restore", "--data-only", "--table=alembic_version", "--file=-", str(dump)], url,
                  capture=True)
    lines = script.splitlines()
    for number, line in enumerate(lines):
        if line.startswith("COPY ") and "alembic_version" in line:
            rows = lines[number + 1:lines.index("\\.", number)]
            if len(rows) == 1:
                return rows[0].strip()
    raise BackupError(f"{dump}: bản sao lưu không có đúng một dòng alembic_version.")


def backup_postgresql(url: URL, out: Path, live_version: str) -> Copy:
    out = out.resolve()
    with _replaced_when_done(out) as temporary:
        _run(pg_dump_command(url, temporary), url)
        _run(["pg_restore", "--list", str(temporary)], url, capture=True)  # the archive reads back whole
        dumped_version = _dumped_schema_version(temporary, url)
        if dumped_version != live_version:
            raise BackupError(f"Bản sao có phiên bản cấu trúc {dumped_version}, CSDL đang chạy {live_version}.")
    return Copy(out, out.stat().st_size, dumped_version)


def postgresql_other_sessions() -> int:
    """Connections to this database other than ours (the app's workers, psql, another restore)."""
    return db.session.scalar(
        text("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()")
    )


# Commands --------------------------------------------------------------------------------------


def _current_schema_version() -> str:
    return db.session.scalar(text("SELECT version_num FROM alembic_version"))


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:.1f}".replace(".", ",") + " MB"


@click.group("backup", cls=AppGroup, invoke_without_command=True)
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path),
              help="Tệp sao lưu sẽ ghi (SQLite: bản sao .sqlite3; PostgreSQL: định dạng custom của pg_dump).")
@with_appcontext
def backup_cli(out: Path | None) -> None:
    """Sao lưu cơ sở dữ liệu đang dùng (an toàn khi cán bộ vẫn đang làm việc): flask backup --out TỆP.

    Phục hồi: flask backup restore TỆP.
    """
    if click.get_current_context().invoked_subcommand is not None:
        return
    if out is None:
        raise click.UsageError("Cần --out TỆP (ví dụ: flask backup --out /var/backups/motcua/2026-01-31.sqlite3).")
    url = db.engine.url
    if url.get_backend_name() == "sqlite":
        copy = backup_sqlite(_sqlite_path(url), out)
    elif url.get_backend_name() == "postgresql":
        live_version = _current_schema_version()
        db.session.rollback()
        password_note = " (mật khẩu qua PGPASSWORD)" if url.password else ""
        click.echo(f"Chạy: {shlex.join(pg_dump_command(url, out))}{password_note}")
        copy = backup_postgresql(url, out, live_version)
    else:
        raise BackupError(f"Không hỗ trợ sao lưu cơ sở dữ liệu {url.get_backend_name()}.")
    click.echo(f"Đã sao lưu vào {copy.path} ({_megabytes(copy.size)}, phiên bản cấu trúc {copy.schema_version}); "
               "bản sao đã được kiểm tra.")
    _backup_files(copy.path)


def _backup_files(database_copy: Path) -> None:
    """The file store (scans, results) into `<backup>.files.tar`, after the database's copy (see
    app/digitisation/backup_files.py), written beside it and renamed into place once it reads back."""
    archive = archive_path(database_copy)
    with _replaced_when_done(archive) as temporary:
        files = write_archive(files_dir(), temporary)
        if check_archive(temporary) != files.count:
            raise BackupError(f"Tệp kho {archive} không đọc lại được đủ {files.count} tệp.")
    click.echo(f"Kho tệp số hóa ({files_dir()}): {files.count} tệp, {_megabytes(files.size)} vào {archive}.")
    if files.damaged:
        click.echo(f"CẢNH BÁO: {len(files.damaged)} tệp trong kho không còn khớp mã băm, không được sao lưu: "
                   f"{', '.join(files.damaged[:5])}{' …' if len(files.damaged) > 5 else ''}", err=True)


def _restore_files(backup_file: Path) -> None:
    archive = archive_path(backup_file)
    if not archive.is_file():
        click.echo(f"Không có {archive.name} bên cạnh bản sao lưu: kho tệp số hóa giữ nguyên.")
    else:
        try:
            restored, refused = restore_archive(archive, files_dir())
        except (OSError, tarfile.TarError) as error:
            raise BackupError(f"Không phục hồi được kho tệp từ {archive}: {error}.") from error
        click.echo(f"Đã phục hồi {restored} tệp số hóa vào {files_dir()}.")
        if refused:
            click.echo(f"Bỏ qua {len(refused)} mục không hợp lệ trong {archive.name}: {', '.join(refused[:5])}", err=True)
    digests = db.session.scalars(select(StoredFile.sha256)).all()
    missing = missing_files(files_dir(), digests)
    db.session.remove()
    if missing:
        click.echo(f"CẢNH BÁO: {len(missing)} tệp cơ sở dữ liệu nhắc tới không có trong kho: "
                   f"{', '.join(missing[:5])}{' …' if len(missing) > 5 else ''}", err=True)


@backup_cli.command("restore")
@click.argument("backup_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True,
              help="Phục hồi cả khi cơ sở dữ liệu có vẻ đang được dùng (chỉ khi chắc chắn ứng dụng đã dừng).")
def restore_command(backup_file: Path, force: bool) -> None:
    """Phục hồi cơ sở dữ liệu từ một bản sao lưu (thay toàn bộ dữ liệu hiện có)."""
    url = db.engine.url
    stop_first = ("hãy dừng ứng dụng (gunicorn, flask run) rồi chạy lại; chỉ dùng --force khi chắc chắn "
                  "không còn ai dùng nó")
    if url.get_backend_name() == "sqlite":
        target = _sqlite_path(url)
        db.session.remove()
        db.engine.dispose()  # our own pooled connections must not count as someone else's
        if sqlite_in_use(target) and not force:
            raise BackupError(f"{target} đang được một tiến trình khác mở: {stop_first}.")
        copy, saved = restore_sqlite(backup_file, target)
        if saved is not None:
            click.echo(f"Dữ liệu trước khi phục hồi được giữ ở {saved}.")
    elif url.get_backend_name() == "postgresql":
        others = postgresql_other_sessions()
        db.session.remove()
        db.engine.dispose()
        if others and not force:
            raise BackupError(f"Cơ sở dữ liệu {url.database} đang có {others} kết nối khác: {stop_first}.")
        click.echo(f"Chạy: {shlex.join(pg_restore_command(url, backup_file))}")
        _run(pg_restore_command(url, backup_file), url)
        copy = Copy(backup_file, backup_file.stat().st_size, _current_schema_version())
    else:
        raise BackupError(f"Không hỗ trợ phục hồi cơ sở dữ liệu {url.get_backend_name()}.")
    click.echo(f"Đã phục hồi từ {backup_file} (phiên bản cấu trúc {copy.schema_version}). "
               "Nếu mã nguồn mới hơn bản sao lưu, chạy tiếp: flask --app wsgi db upgrade")
    _restore_files(backup_file)
