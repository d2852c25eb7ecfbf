"""`flask backup`: a verified copy taken while the app has the database open, and a restore that
brings the old data back (SQLite here; PostgreSQL through pg_dump/pg_restore into a scratch database)."""
import shutil
import sqlite3
import uuid
from contextlib import closing
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url

from app import create_app
from app.backup import pg_dump_command
from app.extensions import db
from app.units.models import Unit, UnitKind
from config import TestConfig
from conftest import make_unit


def backend(app) -> str:
    return make_url(app.config["SQLALCHEMY_DATABASE_URI"]).get_backend_name()


@pytest.fixture
def sqlite_only(app):
    if backend(app) != "sqlite":
        pytest.skip("SQLite backup (TEST_DATABASE_URL is PostgreSQL)")
    return Path(make_url(app.config["SQLALCHEMY_DATABASE_URI"]).database)


def run(flask_app, *arguments):
    return flask_app.test_cli_runner().invoke(args=["backup", *arguments])


def ward_names() -> set[str]:
    db.session.rollback()
    return set(db.session.scalars(select(Unit.name).where(Unit.kind == UnitKind.WARD)))


def test_a_backup_taken_while_the_app_is_open_restores_the_old_data(app, world, sqlite_only, tmp_path):
    live = sqlite_only
    db.session.execute(select(Unit)).all()  # the app holds an open connection, as while clerks work
    result = run(app, "--out", str(tmp_path / "sao-luu.sqlite3"))
    assert result.exit_code == 0, result.output
    assert "đã được kiểm tra" in result.output
    with closing(sqlite3.connect(tmp_path / "sao-luu.sqlite3")) as copy:
        assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert copy.execute("PRAGMA journal_mode").fetchone() == ("delete",)  # one self-contained file
        assert {name for (name,) in copy.execute("SELECT name FROM units WHERE kind = 'ward'")} == ward_names()
    before = ward_names()

    world.ward_a.name = "Phường Đổi Tên"
    make_unit("000.00.09.H99", "Xã Mới Lập", UnitKind.WARD, world.city)
    db.session.commit()
    assert ward_names() != before

    # Someone still has the database open (a running server): no restore without --force.
    with closing(sqlite3.connect(live)) as server:
        server.execute("SELECT count(*) FROM units").fetchone()
        refused = run(app, "restore", str(tmp_path / "sao-luu.sqlite3"))
        assert refused.exit_code == 1
        assert "đang được một tiến trình khác mở" in refused.output
    assert "Xã Mới Lập" in ward_names()

    # --force: other apps made by earlier tests of this run may still hold connections to the file.
    result = run(app, "restore", str(tmp_path / "sao-luu.sqlite3"), "--force")
    assert result.exit_code == 0, result.output
    assert ward_names() == before
    # What was replaced is kept beside the database.
    [kept] = live.parent.glob(f"{live.name}.before-restore-*")
    with closing(sqlite3.connect(kept)) as replaced:
        assert replaced.execute("SELECT count(*) FROM units WHERE name = 'Xã Mới Lập'").fetchone() == (1,)
    kept.unlink()


def test_a_file_that_is_not_a_backup_of_this_app_is_refused(app, world, sqlite_only, tmp_path):
    garbage = tmp_path / "hong.sqlite3"
    garbage.write_bytes(b"day khong phai co so du lieu" * 200)
    result = run(app, "restore", str(garbage), "--force")
    assert result.exit_code == 1
    assert "không phải tệp SQLite" in result.output

    other = tmp_path / "khac.sqlite3"
    with closing(sqlite3.connect(other)) as connection:
        connection.execute("CREATE TABLE notes (body TEXT)")
    result = run(app, "restore", str(other), "--force")
    assert result.exit_code == 1
    assert "alembic_version" in result.output
    assert "Phường Ánh Dương" in ward_names()  # nothing was touched


def test_backup_asks_for_its_output_file(app):
    result = run(app)
    assert result.exit_code == 2
    assert "--out" in result.output


def test_the_pg_dump_command_keeps_the_password_off_the_command_line(tmp_path):
    url = make_url("postgresql+psycopg://motcua:bi-mat@db.phuong.vn:5433/motcua")
    command = pg_dump_command(url, tmp_path / "x.dump")
    assert command[:2] == ["pg_dump", "--format=custom"]
    assert "--host=db.phuong.vn" in command and "--port=5433" in command and "--username=motcua" in command
    assert command[-1] == "--dbname=motcua"
    assert not any("bi-mat" in part for part in command)


@pytest.fixture
def scratch_postgresql(app):
    """An empty database next to the test one, created for the test and dropped after it."""
    if backend(app) != "postgresql":
        pytest.skip("PostgreSQL backup (set TEST_DATABASE_URL=postgresql://…)")
    if not (shutil.which("pg_dump") and shutil.which("pg_restore")):
        pytest.skip("pg_dump/pg_restore are not installed (apt-get install postgresql-client)")
    test_url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    name = f"motcua_restore_{uuid.uuid4().hex[:8]}"
    server = create_engine(test_url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    yield test_url.set(database=name)
    with server.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    server.dispose()


def test_a_postgresql_dump_restores_into_another_database(app, world, scratch_postgresql, tmp_path):
    from app.digitisation.store import path_of

    sha, data = _stored_scan(f"Sao luu PG {uuid.uuid4().hex}")
    dump = tmp_path / "motcua.dump"
    result = run(app, "--out", str(dump))
    assert result.exit_code == 0, result.output
    assert "pg_dump --format=custom" in result.output
    assert (tmp_path / "motcua.dump.files.tar").is_file()
    path_of(sha).unlink()
    before = ward_names()

    scratch = create_app(type("ScratchConfig", (TestConfig,),
                              {"SQLALCHEMY_DATABASE_URI": scratch_postgresql.render_as_string(hide_password=False)}))
    with scratch.app_context():
        result = run(scratch, "restore", str(dump))
        assert result.exit_code == 0, result.output
        assert ward_names() == before
        assert path_of(sha).read_bytes() == data and "CẢNH BÁO" not in result.output
        db.session.execute(text("UPDATE units SET name = 'Phường Đổi Tên'"))
        db.session.commit()
        assert ward_names() == {"Phường Đổi Tên"}
        db.session.remove()

        result = run(scratch, "restore", str(dump))
        assert result.exit_code == 0, result.output
        assert ward_names() == before
        db.session.remove()
        db.engine.dispose()


def _stored_scan(text_in_pdf: str):
    """A scan in the file store with its row, as an upload leaves it."""
    from datetime import datetime

    from app.digitisation.filecheck import Accepted
    from app.digitisation.store import store
    from scan_files import pdf_bytes

    data = pdf_bytes(text_in_pdf)
    stored = store(data, Accepted("application/pdf", "pdf", 1), "scan.pdf", None, datetime(2026, 11, 16, 10, 0))
    db.session.commit()
    return stored.sha256, data


def test_the_scanned_files_are_backed_up_beside_the_database_and_restored_with_it(app, world, sqlite_only, tmp_path):
    from app.digitisation.store import path_of, read_verified
    from app.digitisation.models import StoredFile

    sha, data = _stored_scan(f"Sao luu {uuid.uuid4().hex}")
    result = run(app, "--out", str(tmp_path / "sao-luu.sqlite3"))
    assert result.exit_code == 0, result.output
    archive = tmp_path / "sao-luu.sqlite3.files.tar"
    assert archive.is_file() and "Kho tệp số hóa" in result.output
    import tarfile
    with tarfile.open(archive) as members:
        assert f"{sha[:2]}/{sha[2:4]}/{sha}" in members.getnames()

    path_of(sha).unlink()  # the store lost the file (a disk replaced, a folder wiped)
    result = run(app, "restore", str(tmp_path / "sao-luu.sqlite3"), "--force")
    assert result.exit_code == 0, result.output
    assert "Đã phục hồi" in result.output and "tệp số hóa" in result.output
    assert "CẢNH BÁO" not in result.output
    stored = db.session.scalar(select(StoredFile).where(StoredFile.sha256 == sha))
    assert read_verified(stored) == data
    for kept in sqlite_only.parent.glob(f"{sqlite_only.name}.before-restore-*"):
        kept.unlink()


def test_an_archive_with_a_foreign_or_altered_member_restores_only_the_sound_files(app, tmp_path):
    import io
    import tarfile

    from app.digitisation.backup_files import restore_archive

    good = b"%PDF-1.7 sound"
    import hashlib
    digest = hashlib.sha256(good).hexdigest()
    archive = tmp_path / "x.files.tar"
    with tarfile.open(archive, "w") as out:
        for name, data in ((f"{digest[:2]}/{digest[2:4]}/{digest}", good),
                           (f"{digest[:2]}/{digest[2:4]}/{'0' * 64}", b"altered"),
                           ("../../etc/cron.d/evil", b"* * * * * root true")):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            out.addfile(info, io.BytesIO(data))
    root = tmp_path / "files"
    restored, refused = restore_archive(archive, root)
    assert restored == 1 and len(refused) == 2
    assert [p.name for p in root.rglob("*") if p.is_file()] == [digest]
    assert not (tmp_path.parent / "etc").exists()
