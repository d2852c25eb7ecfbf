"""Fixtures: one app per session on the migrated schema, emptied after each test; a small world of units
and users of every role; `login_as`."""
import os
import shutil
import tempfile
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

# A file, not memory: a second app in a test (other settings) and the browser tests' live server
# must see the same database. TEST_DATABASE_URL=postgresql://... runs everything on PostgreSQL.
os.environ.setdefault("TEST_DATABASE_URL", f"sqlite:///{tempfile.mkdtemp(prefix='motcua-test-')}/test.sqlite3")

import pytest
from flask import has_app_context
from flask_migrate import upgrade
from sqlalchemy import text

from app import create_app
from app.auth.models import Role, User
from app.catalog.models import Offering, OnlineKind, Procedure
from app.extensions import db
from app.units.models import Unit, UnitKind
from app.worktime.deadlines import TimeUnit
from app.worktime.official import load_official
from config import BASE_DIR

SHARED_DATA = BASE_DIR.parent / "shared" / "data"
PASSWORD = "mat-khau-thu"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


def _rebuild_schema() -> None:
    """Drop everything and apply the migrations, so tests run on the schema production gets."""
    db.drop_all()
    with db.engine.begin() as connection:
        connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
        connection.execute(text("DROP TABLE IF EXISTS dossier_names"))  # SQLite's text index, not in the metadata
    upgrade(directory=str(BASE_DIR / "migrations"))
    load_official(db.session)  # the shipped calendar decisions, as `make run` loads them


@pytest.fixture(scope="session")
def app():
    app = create_app("test")
    with app.app_context():
        _rebuild_schema()
    yield app


@pytest.fixture(autouse=True)
def _empty_tables(request):
    yield
    if "app" not in request.fixturenames:
        return  # pure unit tests never touch the database
    app = request.getfixturevalue("app")
    if has_app_context():
        # End the test's own session first: an idle transaction holding locks would make the DELETEs
        # below (or another run's DROP TABLE on a shared PostgreSQL) wait for ever.
        db.session.remove()
    with app.app_context():
        db.session.rollback()
        for table in reversed(db.metadata.sorted_tables):
            if table.name == "official_days":
                # Keep the shipped calendar decisions (reloading them is cheaper than re-inserting): drop
                # only what an administrator confirmed, then restore every shipped row as the file says.
                db.session.execute(table.delete().where(table.c.confirmed_by_id.is_not(None)))
            else:
                db.session.execute(table.delete())
        db.session.commit()
        load_official(db.session)  # every test starts with the shipped calendar decisions


@pytest.fixture
def portal_file() -> Path:
    path = SHARED_DATA / "tthc-cap-xa.jsonl"
    if not path.exists():
        pytest.skip(f"{path} is not there (shared/ sits beside the checkout)")
    return path


def make_unit(code: str, name: str, kind: UnitKind, parent: Unit | None = None) -> Unit:
    unit = Unit(code=code, name=name, kind=kind, parent=parent)
    db.session.add(unit)
    db.session.flush()
    unit.refresh_path()
    return unit


def make_user(username: str, role: Role, unit: Unit, full_name: str = "Người Dùng Thử") -> User:
    user = User(username=username, full_name=full_name, role=role, unit=unit)
    user.set_password(PASSWORD)
    db.session.add(user)
    db.session.flush()
    return user


def make_procedure(code: str, name: str | None = None, field: str = "Hộ tịch", value=5,
                   unit: TimeUnit | None = TimeUnit.WORKING_DAYS, needs_review: bool = False) -> Procedure:
    """A procedure with a statutory time (value None: a time the portal did not give readably)."""
    procedure = Procedure(code=code, name=name or f"Thủ tục thử {code}", field=field, needs_review=needs_review)
    procedure.set_statutory_time(Decimal(value) if value is not None else None, unit if value is not None else None)
    procedure.refresh_search_key()
    db.session.add(procedure)
    db.session.flush()
    return procedure


def birth_registration_in_each_ward(world: "World", online_kind: OnlineKind = OnlineKind.PARTIAL) -> dict[int, Offering]:
    """"Đăng ký khai sinh" offered by ward A and ward B, one working day each: ward id → offering."""
    procedure = make_procedure("1.001193", "Đăng ký khai sinh", value=3)
    offerings = {}
    for ward in (world.ward_a, world.ward_b):
        offerings[ward.id] = Offering(unit=ward, procedure=procedure, active_from=date(2024, 1, 1),
                                      online_kind=online_kind)
        offerings[ward.id].set_committed_time(Decimal(1), TimeUnit.WORKING_DAYS)
    db.session.add_all(offerings.values())
    db.session.flush()
    return offerings


@dataclass
class World:
    city: Unit
    district: Unit
    ward_a: Unit
    ward_b: Unit
    users: dict[str, User]

    def user(self, role: str, where: str = "a") -> User:
        return self.users[f"{role}_{where}"]


@pytest.fixture
def world(app) -> World:
    """City → district → ward A, and ward B straight under the city; a user of every role in each place
    that role lives (clerks, chairs and specialists in wards; officers and admins in the city and the district)."""
    city = make_unit("000.00.00.H99", "Thành phố Thử", UnitKind.CITY)
    district = make_unit("000.01.00.H99", "Quận Thử", UnitKind.DISTRICT, city)
    ward_a = make_unit("000.01.01.H99", "Phường Ánh Dương", UnitKind.WARD, district)
    ward_b = make_unit("000.00.02.H99", "Xã Bình Minh", UnitKind.WARD, city)
    users = {}
    for where, unit in (("a", ward_a), ("b", ward_b)):
        users[f"clerk_{where}"] = make_user(f"clerk.{where}", Role.CLERK, unit, "Nguyễn Thị Một Cửa")
        users[f"chair_{where}"] = make_user(f"chair.{where}", Role.CHAIR, unit, "Trần Văn Chủ Tịch")
        users[f"admin_{where}"] = make_user(f"admin.{where}", Role.ADMIN, unit)
        users[f"specialist_{where}"] = make_user(f"specialist.{where}", Role.SPECIALIST, unit, "Lê Văn Chuyên Môn")
        users[f"specialist_{where}"].office = "Công chức Tư pháp – Hộ tịch"
    users["officer_district"] = make_user("officer.district", Role.OFFICER, district)
    users["admin_district"] = make_user("admin.district", Role.ADMIN, district)
    users["officer_city"] = make_user("officer.city", Role.OFFICER, city)
    users["admin_city"] = make_user("admin.city", Role.ADMIN, city)
    db.session.commit()
    return World(city, district, ward_a, ward_b, users)


@pytest.fixture
def login_as(client):
    def login(user: User):
        client.post("/logout")
        response = client.post("/login", data={"username": user.username, "password": PASSWORD})
        assert response.status_code == 302, response.get_data(as_text=True)
        return client

    return login


# Browser tests: Playwright driving Debian's chromium against the app served by live_server.
def pytest_collection_modifyitems(config, items):
    if shutil.which("chromium"):
        return
    skip = pytest.mark.skip(reason="Debian's chromium is not installed (apt-get install chromium); CI installs it")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            # The machine has no network: keep chromium from trying to reach Google's services.
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run"],
        )
        yield browser
        browser.close()


@pytest.fixture
def _pool_emptied_before_fork(app):
    """live_server forks the app: a pooled PostgreSQL connection shared by two processes breaks.
    (SQLite's connections are files reopened by the child; closing them in the parent would drop its locks.)"""
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            db.engine.dispose(close=False)


@pytest.fixture
def page(browser, _pool_emptied_before_fork, live_server):
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="vi-VN",
                                  timezone_id="Asia/Ho_Chi_Minh", base_url=live_server.url())
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()
