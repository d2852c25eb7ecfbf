"""A full disk while an export is written: the answer is a Vietnamese message, never a traceback; the data
and any earlier export file are left as they were. (A failed receipt PDF: tests/web/test_receipt_pdf.py.)"""
import errno
from datetime import date, datetime
from decimal import Decimal

import openpyxl
import pytest

from app.catalog.models import Offering, OnlineKind
from app.dossiers.cli import dossiers_cli
from app.dossiers.operations import Applicant, Intake, register_dossier
from app.extensions import db
from app.worktime.deadlines import OfficeHours, TimeUnit
from app.worktime.vietnam import build_calendar
from checks import database_contents
from conftest import make_procedure


@pytest.fixture
def served(app, monkeypatch):
    """As in production: an exception reaches the app's error pages instead of the test."""
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)
    return app


def _disk_full(*args, **kwargs):
    raise OSError(errno.ENOSPC, "No space left on device")


@pytest.fixture
def dossiers(world):
    procedure = make_procedure("9.000999", "Thủ tục thử")
    offering = Offering(unit=world.ward_a, procedure=procedure, active_from=date(2025, 1, 1),
                        online_kind=OnlineKind.NONE)
    offering.set_committed_time(Decimal(3), TimeUnit.WORKING_DAYS)
    db.session.add(offering)
    db.session.flush()
    for day in (3, 4, 5):
        register_dossier(Intake(offering=offering, applicant=Applicant("Nguyễn Văn Thử", "001099012345"),
                                channel="direct", online_kind=None, received_at=datetime(2026, 3, day, 9, 0)),
                         build_calendar(OfficeHours()), None, "pause", datetime(2026, 3, day, 9, 0))
    db.session.commit()
    return world


@pytest.mark.parametrize("file_format", ["xlsx", "csv"])
def test_a_full_disk_while_the_figures_are_exported_answers_a_vietnamese_error_page(served, client, dossiers,
                                                                                     login_as, monkeypatch,
                                                                                     file_format):
    login_as(dossiers.users["officer_city"])
    target = "app.stats.exports.as_xlsx" if file_format == "xlsx" else "app.stats.exports.as_csv"
    monkeypatch.setattr(target, _disk_full)
    before = database_contents()
    response = client.get(f"/units/{dossiers.city.id}/figures.{file_format}?period=year&year=2026")
    page = response.get_data(as_text=True)
    assert response.status_code == 507
    assert "Traceback" not in page and "OSError" not in page
    assert "Máy chủ hết chỗ lưu" in page and "Đĩa của máy chủ đã đầy" in page
    assert database_contents() == before


def test_a_full_disk_while_a_workbook_is_saved_answers_a_vietnamese_error_page(served, client, dossiers, login_as,
                                                                               monkeypatch):
    login_as(dossiers.users["officer_city"])
    monkeypatch.setattr(openpyxl.Workbook, "save", _disk_full)
    before = database_contents()
    response = client.get(f"/units/{dossiers.city.id}/comparison.xlsx?period=year&year=2026")
    assert response.status_code == 507
    assert "Traceback" not in response.get_data(as_text=True)
    assert database_contents() == before


def _export_with_a_full_disk(app, tmp_path, monkeypatch):
    """Export once, then again with the disk full half way: (the earlier file's bytes, the CLI result, path)."""
    path = tmp_path / "register.csv"
    result = app.test_cli_runner().invoke(dossiers_cli, ["export", str(path)])
    assert result.exit_code == 0, result.output
    earlier = path.read_bytes()
    real_writerow = __import__("csv").writer

    class FillsTheDisk:
        def __init__(self, out):
            self.writer, self.rows = real_writerow(out), 0

        def writerow(self, row):
            self.rows += 1
            if self.rows == 3:
                _disk_full()
            return self.writer.writerow(row)

    monkeypatch.setattr("app.dossiers.register_export.csv.writer", FillsTheDisk)
    return earlier, app.test_cli_runner().invoke(dossiers_cli, ["export", str(path)]), path


def test_a_full_disk_during_the_register_export_leaves_the_earlier_file_and_no_part_file(app, dossiers, tmp_path,
                                                                                         monkeypatch):
    before = database_contents()
    earlier, result, path = _export_with_a_full_disk(app, tmp_path, monkeypatch)
    assert result.exit_code != 0
    assert path.read_bytes() == earlier
    assert sorted(p.name for p in tmp_path.iterdir()) == ["register.csv"]
    assert database_contents() == before


def test_a_full_disk_during_the_register_export_is_told_in_vietnamese(app, dossiers, tmp_path, monkeypatch):
    _, result, _ = _export_with_a_full_disk(app, tmp_path, monkeypatch)
    assert result.exit_code == 1
    assert not isinstance(result.exception, OSError)
    assert "Không ghi được" in result.output


def test_a_full_disk_during_a_backup_keeps_the_earlier_backup_and_says_so(app, dossiers, tmp_path, monkeypatch):
    from app.backup import BackupError, backup_sqlite

    source = db.engine.url.database
    if db.engine.dialect.name != "sqlite":
        pytest.skip("the SQLite backup")
    out = tmp_path / "motcua.bak"
    backup_sqlite(__import__("pathlib").Path(source), out)
    earlier = out.read_bytes()
    monkeypatch.setattr("app.backup.os.fsync", _disk_full)
    with pytest.raises(BackupError):
        backup_sqlite(__import__("pathlib").Path(source), out)
    assert out.read_bytes() == earlier
