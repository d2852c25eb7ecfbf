"""The official calendar in the app: `flask calendar load-official`, the calendar page's sources, an
administrator confirming a pending holiday or an estimated year, and "(dự kiến)" on due dates."""
import re
import shutil
from datetime import date, datetime

import pytest
from sqlalchemy import func, select

from app import create_app
from app.audit.models import AuditEntry, AuditKind
from app.catalog.models import Offering
from app.dossiers.operations import Applicant, Intake, register_dossier
from app.extensions import db
from app.worktime.clock import calendar_for
from app.worktime.models import OfficialDay
from config import TestConfig
from conftest import PASSWORD, birth_registration_in_each_ward

CULTURE_DAY = date(2026, 11, 24)


def official_rows() -> int:
    return db.session.scalar(select(func.count()).select_from(OfficialDay))


def test_load_official_fills_the_table_once_and_a_second_run_changes_nothing(app):
    with app.app_context():
        db.session.execute(OfficialDay.__table__.delete())
        db.session.commit()
        runner = app.test_cli_runner()
        first = runner.invoke(args=["calendar", "load-official"])
        assert first.exit_code == 0, first.output
        assert "thêm 59, cập nhật 0, giữ nguyên 0" in first.output
        rows = db.session.execute(select(OfficialDay.day, OfficialDay.status, OfficialDay.document)
                                  .order_by(OfficialDay.day)).all()
        second = runner.invoke(args=["calendar", "load-official"])
        assert "thêm 0, cập nhật 0, giữ nguyên 59" in second.output
        assert db.session.execute(select(OfficialDay.day, OfficialDay.status, OfficialDay.document)
                                  .order_by(OfficialDay.day)).all() == rows
        assert (date(2026, 1, 2), "confirmed", "12729/VPCP-KGVX") in rows


def test_the_tests_and_every_calendar_start_with_the_shipped_decisions(world):
    assert official_rows() == 59
    assert not calendar_for(world.ward_a).is_working_day(date(2026, 1, 2))
    assert calendar_for(world.ward_a).is_working_day(date(2026, 1, 10))
    assert calendar_for(world.ward_a).is_working_day(CULTURE_DAY)


def test_the_calendar_page_shows_each_days_source(client, world, login_as):
    login_as(world.user("clerk", "a"))
    page = client.get("/calendar/?year=2026").get_data(as_text=True)
    sources = page[page.index('id="day-sources"'):]
    assert re.search(r"02/01/2026</td><td>[^<]+</td>\s*<td>Nghỉ</td>\s*<td>12729/VPCP-KGVX ngày 25/12/2025", sources)
    assert re.search(r"10/01/2026</td><td>[^<]+</td>\s*<td>Làm bù</td>\s*<td>12729/VPCP-KGVX ngày 25/12/2025", sources)
    assert "9441/TB-BNV ngày 16/10/2025" in sources
    assert "theo Bộ luật Lao động 2019 điều 112" in sources
    assert re.search(r"24/11/2026</td><td>[^<]+</td>\s*<td>Làm việc \(chờ xác nhận nghỉ\)</td>\s*<td><span class=\"badge bad\">chờ xác nhận", sources)
    assert 'id="estimated-year"' not in page
    assert "Xác nhận là ngày nghỉ" not in page, "a clerk gets no confirm button"


def test_a_year_without_a_decision_is_marked_estimated(client, world, login_as):
    login_as(world.user("clerk", "a"))
    page = client.get("/calendar/?year=2027").get_data(as_text=True)
    assert 'id="estimated-year"' in page and "Chưa có quyết định chính thức" in page
    assert re.search(r"08/02/2027</td><td>[^<]+</td>\s*<td>Nghỉ</td>\s*<td><span class=\"badge warn\">dự kiến", page)


def test_an_administrator_confirms_24_november_and_it_becomes_a_day_off(client, world, login_as):
    admin = world.users["admin_city"]
    login_as(admin)
    page = client.get("/calendar/?year=2026").get_data(as_text=True)
    assert "Xác nhận là ngày nghỉ" in page
    response = client.post("/calendar/official/confirm", data={
        "year": "2026", "day": "24/11/2026", "document": "Nghị quyết số 99/2026/QH16", "document_date": "01/10/2026"})
    assert response.status_code == 303
    row = db.session.scalar(select(OfficialDay).where(OfficialDay.day == CULTURE_DAY))
    assert (row.status, row.source, row.document, row.document_date, row.confirmed_by_id) == (
        "confirmed", "quản trị viên", "Nghị quyết số 99/2026/QH16", date(2026, 10, 1), admin.id)
    assert not calendar_for(world.ward_a).is_working_day(CULTURE_DAY)
    [entry] = db.session.scalars(select(AuditEntry).where(AuditEntry.kind == AuditKind.CALENDAR_CHANGED)).all()
    assert entry.username == admin.username and "24/11/2026" in entry.detail and "99/2026/QH16" in entry.detail
    page = client.get("/calendar/?year=2026").get_data(as_text=True)
    assert "xác nhận của quản trị viên: Nghị quyết số 99/2026/QH16 ngày 01/10/2026" in page
    # Loading the shipped file again does not undo the confirmation.
    app_runner = client.application.test_cli_runner()
    app_runner.invoke(args=["calendar", "load-official"])
    db.session.expire_all()
    assert db.session.scalar(select(OfficialDay.status).where(OfficialDay.day == CULTURE_DAY)) == "confirmed"


def test_an_administrator_confirms_an_estimated_year(client, world, login_as):
    login_as(world.users["admin_city"])
    assert date(2027, 2, 8) in calendar_for(world.ward_a).estimated_days
    response = client.post("/calendar/official/confirm", data={"year": "2027", "document": "9999/VPCP-KGVX",
                                                               "document_date": "20/11/2026"})
    assert response.status_code == 303
    calendar = calendar_for(world.ward_a)
    assert not any(day.year == 2027 for day in calendar.estimated_days)
    assert not calendar.is_working_day(date(2027, 2, 8))
    assert calendar.is_working_day(date(2027, 11, 24)), "a pending holiday is not confirmed with the year"
    page = client.get("/calendar/?year=2027").get_data(as_text=True)
    assert 'id="estimated-year"' not in page and "9999/VPCP-KGVX ngày 20/11/2026" in page


@pytest.mark.parametrize("data, message", [
    ({"year": "2026", "day": "24/11/2026", "document": ""}, "Ghi số, ký hiệu văn bản"),
    ({"year": "2026", "day": "25/11/2026", "document": "X"}, "không chờ xác nhận"),
    ({"year": "2026", "document": "X"}, "không có ngày dự kiến"),
    ({"year": "3000", "document": "X"}, "Năm từ 2000 đến 2100"),
    ({"year": "2026", "day": "32/13/2026", "document": "X"}, "Ngày: Ngày không hợp lệ (dd/mm/yyyy)."),
])
def test_a_confirmation_that_makes_no_sense_is_refused_with_a_message(client, world, login_as, data, message):
    login_as(world.users["admin_city"])
    before = db.session.execute(select(OfficialDay.day, OfficialDay.status)).all()
    response = client.post("/calendar/official/confirm", data=data, follow_redirects=True)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert db.session.execute(select(OfficialDay.day, OfficialDay.status)).all() == before


def test_only_a_top_level_administrator_confirms_the_national_calendar(client, world, login_as):
    login_as(world.user("admin", "a"))
    response = client.post("/calendar/official/confirm", data={"year": "2026", "day": "24/11/2026", "document": "X"},
                           follow_redirects=True)
    assert "Chỉ quản trị viên cấp cao nhất" in response.get_data(as_text=True)
    assert calendar_for(world.ward_a).is_working_day(CULTURE_DAY)
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)
                             .where(AuditEntry.kind == AuditKind.CALENDAR_CHANGED)) == 0


class CsrfConfig(TestConfig):
    WTF_CSRF_ENABLED = True


def test_a_confirmation_without_the_csrf_token_is_refused(app, world):
    client = create_app(CsrfConfig).test_client()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', client.get("/login").get_data(as_text=True))
    assert client.post("/login", data={"username": "admin.city", "password": PASSWORD,
                                       "csrf_token": token.group(1)}).status_code == 302
    forged = client.post("/calendar/official/confirm", data={"year": "2026", "day": "24/11/2026", "document": "X"})
    assert forged.status_code == 400
    assert db.session.scalar(select(OfficialDay.status).where(OfficialDay.day == CULTURE_DAY)) == "pending"


def _dossier(world, received_at: datetime):
    offering = db.session.scalar(select(Offering).where(Offering.unit_id == world.ward_a.id))
    if offering is None:
        offering = birth_registration_in_each_ward(world)[world.ward_a.id]
    intake = Intake(offering=offering, channel="direct", online_kind=None, received_at=received_at,
                    applicant=Applicant("Nguyễn Thị Ánh", "001190012345", "0912345678", "Số 5 phố Quang Trung", ""),
                    documents=[])
    dossier = register_dossier(intake, calendar_for(world.ward_a), world.user("clerk", "a"), "pause", received_at)
    db.session.commit()
    return dossier


def test_a_due_date_across_an_estimated_tet_reads_du_kien_on_the_dossier_page(client, world, login_as):
    dossier = _dossier(world, datetime(2027, 2, 3, 10, 0))  # one working day, across Tết 2027 (estimated)
    assert dossier.due_at == datetime(2027, 2, 11, 10, 0)
    login_as(world.user("clerk", "a"))
    page = client.get(f"/dossiers/{dossier.id}").get_data(as_text=True)
    assert re.search(r"10:00 11/02/2027 <span class=\"badge warn\"[^>]*>\(dự kiến\)</span>", page)


def test_a_due_date_over_decided_days_reads_no_estimate(client, world, login_as):
    dossier = _dossier(world, datetime(2025, 12, 31, 10, 0))
    assert dossier.due_at == datetime(2026, 1, 5, 10, 0)  # 1/1 and 2/1/2026 off, then the weekend
    login_as(world.user("clerk", "a"))
    assert "(dự kiến)" not in client.get(f"/dossiers/{dossier.id}").get_data(as_text=True)


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils is not installed")
def test_the_receipt_prints_du_kien_after_an_estimated_due_date(client, world, login_as, tmp_path):
    from test_receipt_pdf import normalised, pdf_text

    estimated = _dossier(world, datetime(2027, 2, 3, 10, 0))
    login_as(world.user("clerk", "a"))
    text = normalised(pdf_text(client.get(f"/dossiers/{estimated.id}/receipt.pdf").data, tmp_path))
    assert "ngày 11/02/2027 (dự kiến)" in text
    decided = _dossier(world, datetime(2026, 11, 23, 9, 0))
    text = normalised(pdf_text(client.get(f"/dossiers/{decided.id}/receipt.pdf").data, tmp_path))
    assert "(dự kiến)" not in text
