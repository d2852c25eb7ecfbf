"""Unit administration, the calendar page and its overrides, the home page, the demo data."""
from datetime import date, datetime

from sqlalchemy import func, select

from app.auth.models import Role, User
from app.demo.cli import DEMO_PASSWORD, demo_users
from app.extensions import db
from app.units.models import Unit
from app.worktime.clock import calendar_for
from app.worktime.deadlines import TimeUnit, due_at
from app.worktime.models import DayOverride


def test_an_administrator_adds_a_ward_under_their_district(client, world, login_as):
    login_as(world.users["admin_district"])
    response = client.post("/units/new", data={"code": "000.01.02.H99", "name": "Phường  Mới",
                                               "kind": "ward", "parent_id": str(world.district.id)})
    assert response.status_code == 303
    ward = db.session.scalar(select(Unit).where(Unit.code == "000.01.02.H99"))
    assert ward.name == "Phường Mới"
    assert ward.path == f"{world.district.path}{ward.id}/" and ward.is_within(world.city)


def test_a_ward_cannot_be_put_under_a_ward(client, world, login_as):
    login_as(world.users["admin_city"])
    response = client.post("/units/new", data={"code": "000.09.09.H99", "name": "Phường Sai",
                                               "kind": "ward", "parent_id": str(world.ward_b.id)})
    assert response.status_code == 422
    assert db.session.scalar(select(func.count()).where(Unit.code == "000.09.09.H99")) == 0


def test_moving_a_ward_moves_it_out_of_the_old_districts_scope(client, world, login_as):
    login_as(world.users["admin_city"])
    response = client.post(f"/units/{world.ward_a.id}/edit", data={
        "code": world.ward_a.code, "name": world.ward_a.name, "kind": "ward", "parent_id": str(world.city.id)})
    assert response.status_code == 303
    login_as(world.users["officer_district"])
    assert client.get(f"/units/{world.ward_a.id}/offerings").status_code == 404


def test_a_unit_code_must_be_unique(client, world, login_as):
    login_as(world.users["admin_city"])
    response = client.post("/units/new", data={"code": world.ward_b.code, "name": "Trùng mã",
                                               "kind": "ward", "parent_id": str(world.city.id)})
    assert response.status_code == 422
    assert "Mã định danh này đã có." in response.get_data(as_text=True)


def test_an_administrator_creates_a_user_who_can_then_sign_in(client, world, login_as):
    login_as(world.user("admin", "a"))
    response = client.post("/users/new", data={
        "username": "Motcua.Moi", "full_name": "Lê Thị Mới", "role": "clerk",
        "unit_id": str(world.ward_a.id), "password": "mat-khau-moi-1", "is_active": "y"})
    assert response.status_code == 303
    client.post("/logout")
    assert client.post("/login", data={"username": "motcua.moi", "password": "mat-khau-moi-1"}).status_code == 302


def test_an_administrator_cannot_lock_themselves_out(client, world, login_as):
    admin = world.user("admin", "a")
    login_as(admin)
    response = client.post(f"/users/{admin.id}/edit", data={
        "username": admin.username, "full_name": admin.full_name, "role": "clerk",
        "unit_id": str(admin.unit_id), "password": "", "is_active": "y"})
    assert response.status_code == 422
    assert db.session.get(User, admin.id).role == Role.ADMIN


def test_a_day_declared_off_for_a_ward_moves_its_due_dates_and_no_one_elses(client, world, login_as):
    login_as(world.users["admin_city"])
    response = client.post("/calendar/overrides", data={
        "day": "2026-12-01", "is_working": "0", "unit_id": str(world.ward_a.id), "note": "Quyết định của UBND"})
    assert response.status_code == 303
    received = datetime(2026, 11, 30, 10, 0)  # Monday
    assert due_at(calendar_for(world.ward_a), received, 1, TimeUnit.WORKING_DAYS) == datetime(2026, 12, 2, 10, 0)
    assert due_at(calendar_for(world.ward_b), received, 1, TimeUnit.WORKING_DAYS) == datetime(2026, 12, 1, 10, 0)


def test_a_wards_own_override_wins_over_a_general_one(world):
    db.session.add_all([
        DayOverride(day=date(2026, 12, 5), unit_id=None, is_working=True, note="Làm bù chung"),
        DayOverride(day=date(2026, 12, 5), unit=world.ward_a, is_working=False, note="Phường nghỉ"),
    ])
    db.session.commit()
    assert calendar_for(world.ward_b).is_working_day(date(2026, 12, 5))
    assert not calendar_for(world.ward_a).is_working_day(date(2026, 12, 5))


def test_the_calendar_page_shows_the_years_days_off(client, world, login_as):
    login_as(world.user("clerk", "a"))
    page = client.get("/calendar/?year=2025").get_data(as_text=True)
    assert "Lịch làm việc năm 2025" in page
    for day in ("27/01/2025", "31/01/2025", "02/05/2025", "01/09/2025", "02/09/2025"):
        assert day in page
    assert client.get("/calendar/?year=1800").status_code == 400  # bounds: years 2000–2100


def test_the_home_page_tells_the_clerk_whether_today_is_a_working_day(client, world, login_as):
    login_as(world.user("clerk", "a"))
    page = client.get("/").get_data(as_text=True)
    assert "Hôm nay" in page and ("Ngày làm việc" in page or "Ngày nghỉ" in page)


def test_the_demo_load_makes_units_users_of_every_role_and_a_catalog_marked_as_demo(app, client):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo", "load"])
    assert first.exit_code == 0 and "Đã nạp dữ liệu mẫu" in first.output and DEMO_PASSWORD in first.output
    again = runner.invoke(args=["demo", "load", "--if-empty"])
    assert "không nạp" in again.output
    units = db.session.scalars(select(Unit)).all()
    assert len(units) >= 3 and all(unit.is_demo for unit in units)
    assert {user.role for user in db.session.scalars(select(User))} == set(Role)
    username = next(name for name, _, role, _ in demo_users() if role == Role.CHAIR)
    client.post("/login", data={"username": username, "password": DEMO_PASSWORD})
    home = client.get("/").get_data(as_text=True)
    assert "DỮ LIỆU MẪU" in home
    offerings = client.get(f"/units/{db.session.scalar(select(User).where(User.username == username)).unit_id}/offerings")
    assert "rút ngắn" in offerings.get_data(as_text=True)


def test_an_administrator_sets_the_names_the_papers_print(client, world, login_as):
    login_as(world.users["admin_city"])
    page = client.get(f"/units/{world.ward_a.id}/edit").get_data(as_text=True)
    assert "Tên cơ quan in trên văn bản" in page and "ỦY BAN NHÂN DÂN / PHƯỜNG ÁNH DƯƠNG" in page  # the default
    response = client.post(f"/units/{world.ward_a.id}/edit", data={
        "code": world.ward_a.code, "name": world.ward_a.name, "kind": "ward", "parent_id": str(world.district.id),
        "official_name": "Ủy ban nhân dân\r\n\r\nphường Ánh Dương ", "centre_name": " Trung tâm Phục vụ hành chính công phường Ánh Dương mới"})
    assert response.status_code == 303
    db.session.refresh(world.ward_a)
    assert world.ward_a.official_name == "Ủy ban nhân dân\nphường Ánh Dương"
    assert world.ward_a.committee_letterhead.issuer_lines == ("ỦY BAN NHÂN DÂN", "PHƯỜNG ÁNH DƯƠNG")
    assert world.ward_a.desk_name(date(2026, 12, 5)) == "Trung tâm Phục vụ hành chính công phường Ánh Dương mới"


def test_a_name_to_print_on_too_many_lines_is_refused(client, world, login_as):
    login_as(world.users["admin_city"])
    response = client.post(f"/units/{world.ward_a.id}/edit", data={
        "code": world.ward_a.code, "name": world.ward_a.name, "kind": "ward", "parent_id": str(world.district.id),
        "official_name": "A\nB\nC\nD", "centre_name": "x" * 201})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "nhiều nhất 3 dòng" in page and "Không được dài quá 200 ký tự" in page
