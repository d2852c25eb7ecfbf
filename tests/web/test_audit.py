"""The audit log: sign-ins, dossier changes and downloads each leave one entry; the page shows each
user their own subtree's entries, newest first, in Vietnamese; entries can never be changed."""
import unicodedata
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import delete, event, func, select, update

from app.audit.models import AppendOnlyViolation, AuditEntry, AuditKind
from app.auth.models import Role
from app.catalog.models import Offering, OnlineKind
from app.dossiers.lifecycle import Action
from app.dossiers.models import Dossier
from app.dossiers.operations import ActionInput, Applicant, Intake, apply_action, register_dossier
from app.extensions import db
from app.units.models import UnitKind
from app.worktime.deadlines import OfficeHours, TimeUnit
from app.worktime.vietnam import build_calendar
from conftest import PASSWORD, make_procedure, make_unit, make_user

RECEIVED = "03/11/2025 09:00"  # a Monday in the past: the intake refuses future times


@pytest.fixture
def offerings(world):
    """The same procedure offered by ward A and ward B."""
    procedure = make_procedure("1.001193", "Đăng ký khai sinh", value=3)
    result = {}
    for ward in (world.ward_a, world.ward_b):
        offering = Offering(unit=ward, procedure=procedure, active_from=date(2024, 1, 1), online_kind=OnlineKind.NONE)
        offering.set_committed_time(Decimal(3), TimeUnit.WORKING_DAYS)
        db.session.add(offering)
        result[ward.id] = offering
    db.session.commit()
    return result


def entries(**where) -> list[AuditEntry]:
    db.session.expire_all()
    stmt = select(AuditEntry).filter_by(**where).order_by(AuditEntry.id)
    return db.session.scalars(stmt).all()


def register(offering: Offering, actor=None) -> Dossier:
    intake = Intake(offering=offering, applicant=Applicant("Nguyễn Văn An", "001085012345"), channel="direct",
                    online_kind=None, received_at=datetime(2025, 11, 3, 9, 0))
    dossier = register_dossier(intake, build_calendar(OfficeHours()), actor, "pause", datetime(2025, 11, 3, 9, 0))
    db.session.commit()
    return dossier


def add_entry(unit, target: str, kind=AuditKind.LOGIN, at=datetime(2026, 3, 5, 8, 7), user=None) -> AuditEntry:
    entry = AuditEntry(at=at, user_id=user.id if user else None, username=user.username if user else "",
                       unit_id=unit.id if unit else None, kind=kind, target=target, detail="", ip_address="10.0.0.1")
    db.session.add(entry)
    return entry


# Recording ----------------------------------------------------------------------------------------

def test_a_failed_sign_in_a_sign_in_and_a_sign_out_leave_one_entry_each(client, world):
    clerk = world.user("clerk", "a")
    assert client.post("/login", data={"username": " Clerk.A ", "password": "sai-mat-khau"}).status_code == 422
    [failed] = entries(kind=AuditKind.LOGIN_FAILED)
    assert (failed.user_id, failed.unit_id, failed.username) == (clerk.id, world.ward_a.id, "Clerk.A")
    assert failed.detail == "Sai mật khẩu" and failed.ip_address == "127.0.0.1"

    assert client.post("/login", data={"username": clerk.username, "password": PASSWORD}).status_code == 302
    [login] = entries(kind=AuditKind.LOGIN)
    assert (login.user_id, login.unit_id, login.username) == (clerk.id, world.ward_a.id, "clerk.a")

    assert client.post("/logout").status_code == 302
    [logout] = entries(kind=AuditKind.LOGOUT)
    assert (logout.user_id, logout.unit_id) == (clerk.id, world.ward_a.id)
    assert len(entries()) == 3
    assert login.at <= logout.at


def test_a_failed_sign_in_with_an_unknown_name_keeps_the_name_as_typed_in_nfc(client, world):
    typed = unicodedata.normalize("NFD", "Nguyễn.Không.Có") + "x" * 100
    assert client.post("/login", data={"username": typed, "password": "mat-khau-bat-ky"}).status_code == 422
    assert entries() == []  # longer than any username: the form refused it before any attempt
    typed = unicodedata.normalize("NFD", "Khách.Lạ")
    client.post("/login", data={"username": typed, "password": "mat-khau-bat-ky"})
    [failed] = entries()
    assert failed.kind == AuditKind.LOGIN_FAILED and failed.user_id is None and failed.unit_id is None
    assert failed.username == "Khách.Lạ" and unicodedata.is_normalized("NFC", failed.username)


def test_registering_a_dossier_and_acting_on_it_through_the_pages_leaves_one_entry_each(
        client, world, login_as, offerings):
    clerk = world.user("clerk", "a")
    login_as(clerk)
    response = client.post("/dossiers/new", data={
        "offering_id": str(offerings[world.ward_a.id].id), "applicant_name": "Nguyễn Thị Ánh",
        "applicant_id_number": "001190012345", "applicant_phone": "0912345678", "applicant_address": "Số 5",
        "applicant_email": "", "channel": "direct", "online_kind": "", "sets_count": "1", "received_at": RECEIVED})
    assert response.status_code == 303, response.get_data(as_text=True)
    dossier = db.session.scalar(select(Dossier))
    assert client.post(f"/dossiers/{dossier.id}/act", data={"action": "hand_over", "version": "1"}).status_code == 303

    [created] = entries(kind=AuditKind.DOSSIER_CREATED)
    [changed] = entries(kind=AuditKind.DOSSIER_CHANGED)
    for entry in (created, changed):
        assert (entry.user_id, entry.username, entry.unit_id, entry.target) == (
            clerk.id, "clerk.a", world.ward_a.id, dossier.code)
        assert entry.ip_address == "127.0.0.1"
    assert created.detail == f"Hạn trả kết quả {dossier.due_at:%H:%M %d/%m/%Y}"
    assert changed.detail == "Chuyển xử lý: Đã tiếp nhận → Đang xử lý"


def test_a_refused_action_leaves_no_entry(client, world, login_as, offerings):
    dossier = register(offerings[world.ward_a.id])
    login_as(world.user("clerk", "a"))
    response = client.post(f"/dossiers/{dossier.id}/act", data={"action": "return_result", "version": "1"})
    assert response.status_code == 422
    assert entries(kind=AuditKind.DOSSIER_CHANGED) == []


def test_operations_outside_a_request_are_logged_and_a_rolled_back_change_leaves_no_entry(app, world, offerings):
    """The hook sits on the session, not on the views: a script, an importer or a future view that
    appends an event cannot forget the log, and a rolled-back change leaves no entry."""
    clerk = world.user("clerk", "b")
    dossier = register(offerings[world.ward_b.id], actor=clerk)
    apply_action(dossier, Action.HAND_OVER, ActionInput(to_office="Tư pháp"), clerk, build_calendar(OfficeHours()),
                 datetime(2025, 11, 3, 10, 0), expected_version=1)
    db.session.flush()  # the entry is written with the event…
    db.session.rollback()  # …and goes with it
    assert [(e.kind, e.unit_id, e.user_id, e.ip_address) for e in entries()] == [
        (AuditKind.DOSSIER_CREATED, world.ward_b.id, clerk.id, None)]


def test_a_figures_export_and_a_receipt_each_leave_one_entry_for_their_unit(client, world, login_as, offerings):
    dossier = register(offerings[world.ward_a.id])
    other = register(offerings[world.ward_b.id])
    login_as(world.users["officer_district"])
    response = client.get(f"/units/{world.ward_a.id}/figures.xlsx?period=year&year=2025")
    assert response.status_code == 200
    response = client.get(f"/dossiers/{dossier.id}/receipt.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert client.get(f"/dossiers/{other.id}/receipt.pdf").status_code == 404  # out of scope: nothing sent

    figures, receipt = entries(kind=AuditKind.EXPORT)
    officer = world.users["officer_district"]
    assert (figures.user_id, figures.unit_id) == (officer.id, world.ward_a.id)
    assert figures.target == f"bao-cao-06_{world.ward_a.code}_20241215-20251214.xlsx"
    assert figures.detail == "stats.figures_export?period=year&year=2025"
    assert (receipt.user_id, receipt.unit_id) == (officer.id, world.ward_a.id)
    assert receipt.target == f"tiep-nhan-{dossier.code}.pdf"
    assert receipt.detail == f"reports.receipt · {dossier.code}"
    assert len(entries()) == 2 + 2 + 1  # two registrations, two downloads, one sign-in


def test_pages_that_are_not_downloads_leave_no_entry(client, world, login_as):
    login_as(world.user("chair", "a"))
    assert client.get(f"/units/{world.ward_a.id}/figures?period=year&year=2025").status_code == 200
    assert client.get("/audit").status_code == 200
    assert [e.kind for e in entries()] == [AuditKind.LOGIN]


def test_an_account_change_names_the_fields_changed(client, world, login_as):
    admin = world.user("admin", "a")
    login_as(admin)
    clerk = world.user("clerk", "a")
    response = client.post(f"/users/{clerk.id}/edit", data={
        "username": clerk.username, "full_name": clerk.full_name, "role": "chair", "unit_id": str(world.ward_a.id),
        "password": "", "is_active": "y"})
    assert response.status_code == 303
    [change] = entries(kind=AuditKind.USER_CHANGED)
    assert (change.user_id, change.unit_id, change.target, change.detail) == (
        admin.id, world.ward_a.id, "clerk.a", "Sửa vai trò")


# Append-only -------------------------------------------------------------------------------------

def test_an_entry_cannot_be_changed_or_deleted_through_the_orm(app, world):
    entry = add_entry(world.ward_a, "HS-1")
    db.session.commit()

    entry.detail = "sửa lại cho đẹp"
    with pytest.raises(AppendOnlyViolation):
        db.session.commit()
    db.session.rollback()

    db.session.delete(entry)
    with pytest.raises(AppendOnlyViolation):
        db.session.commit()
    db.session.rollback()

    for statement in (update(AuditEntry).values(detail="x"), delete(AuditEntry)):
        with pytest.raises(AppendOnlyViolation):
            db.session.execute(statement)
        db.session.rollback()
    assert [(e.target, e.detail) for e in entries()] == [("HS-1", "")]


# The page ----------------------------------------------------------------------------------------

@pytest.fixture
def logged(world):
    """One entry in ward A, one in ward B, one with no unit (an unknown name that failed to sign in)."""
    add_entry(world.ward_a, "HS-PHUONG-A", user=world.user("clerk", "a"))
    add_entry(world.ward_b, "HS-XA-B", user=world.user("clerk", "b"))
    add_entry(None, "TEN-LA", kind=AuditKind.LOGIN_FAILED)
    db.session.commit()


@pytest.mark.parametrize("username, sees", [
    ("chair_a", {"HS-PHUONG-A"}),
    ("chair_b", {"HS-XA-B"}),
    ("officer_district", {"HS-PHUONG-A"}),
    ("officer_city", {"HS-PHUONG-A", "HS-XA-B"}),
    ("admin_a", {"HS-PHUONG-A"}),
    ("admin_city", {"HS-PHUONG-A", "HS-XA-B", "TEN-LA"}),
])
def test_each_user_sees_the_entries_of_their_own_subtree(client, world, login_as, logged, username, sees):
    login_as(world.users[username])
    page = client.get("/audit?kind=").get_data(as_text=True)
    shown = {text for text in ("HS-PHUONG-A", "HS-XA-B", "TEN-LA") if text in page}
    assert shown == sees


def test_a_clerk_may_not_read_the_log(client, world, login_as, logged):
    login_as(world.user("clerk", "a"))
    assert client.get("/audit").status_code == 403
    assert 'href="/audit"' not in client.get("/").get_data(as_text=True)


def test_the_page_is_in_vietnamese_with_dd_mm_yyyy_times_newest_first(client, world, login_as):
    add_entry(world.ward_a, "HS-CU", at=datetime(2026, 3, 5, 8, 7), user=world.user("clerk", "a"))
    add_entry(world.ward_a, "HS-MOI", at=datetime(2026, 3, 6, 14, 30), user=world.user("clerk", "a"),
              kind=AuditKind.EXPORT)
    db.session.commit()
    login_as(world.user("chair", "a"))
    page = client.get("/audit?kind=&user=clerk").get_data(as_text=True).replace("&nbsp;", " ")
    assert "<title>Nhật ký truy cập và thao tác" in page and "<h1>Nhật ký truy cập và thao tác</h1>" in page
    assert "05/03/2026 08:07" in page and "06/03/2026 14:30" in page
    assert page.index("HS-MOI") < page.index("HS-CU")
    for text in ("Tải xuống tệp", "Đăng nhập", "Nguyễn Thị Một Cửa", "Phường Ánh Dương", "Thời gian", "Người dùng"):
        assert text in page
    assert 'aria-current="page"' in page and ">Nhật ký</a>" in page


def test_the_filters_narrow_by_kind_user_and_dates(client, world, login_as):
    clerk, chair = world.user("clerk", "a"), world.user("chair", "a")
    add_entry(world.ward_a, "T-CLERK-0301", at=datetime(2026, 3, 1, 9, 0), user=clerk)
    add_entry(world.ward_a, "T-CLERK-0302", at=datetime(2026, 3, 2, 23, 59), user=clerk, kind=AuditKind.EXPORT)
    add_entry(world.ward_a, "T-CHAIR-0303", at=datetime(2026, 3, 3, 0, 0), user=chair, kind=AuditKind.EXPORT)
    db.session.commit()
    login_as(chair)

    def shown(query):
        response = client.get(f"/audit?{query}")
        page = response.get_data(as_text=True)
        return response.status_code, {t for t in ("T-CLERK-0301", "T-CLERK-0302", "T-CHAIR-0303") if t in page}

    assert shown("kind=export") == (200, {"T-CLERK-0302", "T-CHAIR-0303"})
    assert shown("user=CLERK") == (200, {"T-CLERK-0301", "T-CLERK-0302"})
    assert shown("date_from=02/03/2026&date_to=02/03/2026") == (200, {"T-CLERK-0302"})  # both days inclusive
    assert shown("date_from=2026-03-03") == (200, {"T-CHAIR-0303"})
    status, seen = shown("date_from=31/02/2026&kind=login")
    assert (status, seen) == (422, {"T-CLERK-0301"})  # the bad date is left out, the kind still applies
    page = client.get("/audit?date_from=03/03/2026&date_to=01/03/2026").get_data(as_text=True)
    assert "Ngày kết thúc phải từ ngày bắt đầu trở đi." in page
    assert "Ngày không hợp lệ (dd/mm/yyyy)." in client.get("/audit?date_to=hôm+qua").get_data(as_text=True)


def test_pages_go_from_newest_to_oldest_without_gaps_or_repeats(client, world, login_as):
    clerk = world.user("clerk", "a")
    start = datetime(2026, 1, 1, 8, 0)
    # Pairs share a second: the keyset must order by id within the same time.
    for number in range(120):
        add_entry(world.ward_a, f"N{number:03d}.", at=start + timedelta(seconds=number // 2), user=clerk)
    db.session.commit()
    login_as(world.user("chair", "a"))
    url, seen, sizes = "/audit", [], []
    while url:
        page = client.get(url).get_data(as_text=True)
        found = [int(chunk[:3]) for chunk in page.split(">N")[1:] if chunk[:3].isdigit()]
        seen += found
        sizes.append(len(found))
        marker = 'rel="next"'
        url = None
        if marker in page:
            href = page[:page.index(marker)].rsplit('href="', 1)[1].split('"')[0]
            url = href.replace("&amp;", "&")
    assert sizes == [49, 50, 21]  # the first page opens with the chair's own sign-in, the newest entry
    assert seen == list(range(119, -1, -1))


def test_a_page_of_fifty_entries_takes_as_many_statements_as_a_page_of_one(client, world, login_as):
    """Users and units are loaded with the entries, not one query per row."""
    login_as(world.users["officer_city"])

    def statements_for_page() -> int:
        statements = []

        def record(conn, cursor, statement, *args):
            statements.append(statement)

        event.listen(db.engine, "before_cursor_execute", record)
        try:
            assert client.get("/audit").status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", record)
        return len(statements)

    one = statements_for_page()  # the officer's own sign-in
    for number in range(60):
        ward = make_unit(f"000.00.{number + 10:02d}.H97", f"Phường Số {number}", UnitKind.WARD, world.city)
        user = make_user(f"nguoi.{number}", Role.CLERK, ward)
        add_entry(ward, f"HS-{number}", user=user)
    db.session.commit()
    fifty = statements_for_page()
    assert fifty == one
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == 61


@pytest.fixture
def audit_writes_fail(app):
    """The database refuses a download's audit entry (as PostgreSQL going away at that moment would):
    a DBAPI error raised by the driver's own class, so SQLAlchemy wraps it as for a real failure."""
    engine = db.engine

    def refuse(cursor, statement, parameters, context):
        values = parameters.values() if isinstance(parameters, dict) else parameters
        if statement.lstrip().upper().startswith("INSERT INTO AUDIT_ENTRIES") and AuditKind.EXPORT in values:
            raise engine.dialect.loaded_dbapi.OperationalError("server closed the connection unexpectedly")

    # In place of the driver's execute: its error is wrapped and handled as the driver's own would be.
    event.listen(engine, "do_execute", refuse)
    yield
    event.remove(engine, "do_execute", refuse)


@pytest.mark.parametrize("path", ["/dossiers/{dossier_id}/receipt.pdf",
                                  "/units/{unit_id}/figures.xlsx?period=year&year=2025"])
def test_a_download_whose_entry_cannot_be_written_is_not_delivered(client, world, login_as, offerings,
                                                                   audit_writes_fail, path, caplog):
    dossier = register(offerings[world.ward_a.id])
    login_as(world.user("chair", "a"))
    response = client.get(path.format(dossier_id=dossier.id, unit_id=world.ward_a.id))
    page = response.get_data(as_text=True)
    assert response.status_code == 503 and response.mimetype == "text/html"
    assert "Content-Disposition" not in response.headers
    assert "Hệ thống tạm gián đoạn" in page and "%PDF" not in page
    assert entries(kind=AuditKind.EXPORT) == []
    assert any("Không ghi được nhật ký tải tệp" in r.getMessage() for r in caplog.records)


def test_the_same_download_is_delivered_once_its_entry_is_written(client, world, login_as, offerings):
    dossier = register(offerings[world.ward_a.id])
    login_as(world.user("chair", "a"))
    response = client.get(f"/dossiers/{dossier.id}/receipt.pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    [entry] = entries(kind=AuditKind.EXPORT)
    assert entry.target == f"tiep-nhan-{dossier.code}.pdf"
