"""While the database is down the desk gets a Vietnamese 503 page (a small notice for htmx), never a
traceback, and works again by itself once the database is back."""
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.pool import NullPool

from app import create_app
from app.backup import backup_sqlite
from app.extensions import db
from config import TestConfig
from conftest import PASSWORD


def app_on(url: str):
    return create_app(type("DatabaseElsewhere", (TestConfig,), {"SQLALCHEMY_DATABASE_URI": url}))


# Nothing listens on port 1: the connection is refused at once, as when PostgreSQL is stopped.
UNREACHABLE_POSTGRESQL = "postgresql+psycopg://motcua@127.0.0.1:1/motcua"


@pytest.fixture
def database_down(app):
    down = app_on(UNREACHABLE_POSTGRESQL)
    with down.app_context():
        yield down


def assert_unavailable_page(response) -> str:
    page = response.get_data(as_text=True)
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "30"
    assert "Hệ thống tạm gián đoạn" in page and "Không kết nối được cơ sở dữ liệu" in page
    assert "Traceback" not in page and "psycopg" not in page and "OperationalError" not in page
    return page


def test_signing_in_while_postgresql_is_down_answers_503_in_vietnamese(database_down):
    client = database_down.test_client()
    assert client.get("/login").status_code == 200  # the form itself needs no database
    page = assert_unavailable_page(client.post("/login", data={"username": "clerk.a", "password": PASSWORD}))
    assert "<html" in page


def test_a_signed_in_clerk_gets_the_page_drawn_as_for_a_visitor(world):
    clerk_id = world.user("clerk", "a").get_id()  # "<id>.<session token>", as a session holds it
    down = app_on(UNREACHABLE_POSTGRESQL)
    with down.app_context():
        # A good session cookie, as the clerk's browser holds: loading the user is what fails.
        signed = down.session_interface.get_signing_serializer(down).dumps({"_user_id": clerk_id, "_fresh": True})
        client = down.test_client()
        client.set_cookie("session", signed)
        page = assert_unavailable_page(client.get("/dossiers/"))
    assert "Đăng xuất" not in page  # the menu would need the user, hence the database


def test_an_htmx_request_gets_a_notice_for_the_pages_alert_area(database_down):
    client = database_down.test_client()
    response = client.post("/login", data={"username": "clerk.a", "password": PASSWORD},
                           headers={"HX-Request": "true"})
    notice = assert_unavailable_page(response)
    assert "<html" not in notice and 'role="alert"' in notice
    assert response.headers["HX-Retarget"] == "#htmx-alert"
    assert response.headers["HX-Reswap"] == "innerHTML"
    assert response.headers["HX-Push-Url"] == "false"


def test_the_base_page_has_the_alert_area_and_lets_htmx_swap_503(client):
    page = client.get("/login").get_data(as_text=True)
    assert 'id="htmx-alert"' in page
    assert '{"code": "503", "swap": true' in page


def test_the_app_answers_again_once_the_database_is_back(app, world, tmp_path):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("the database is brought back by copying a SQLite file")
    missing = tmp_path / "not-yet" / "motcua.sqlite3"
    revived = app_on(f"sqlite:///{missing}")
    with revived.app_context():
        client = revived.test_client()
        sign_in = {"username": "clerk.a", "password": PASSWORD}
        assert_unavailable_page(client.post("/login", data=sign_in))
        missing.parent.mkdir()
        backup_sqlite(Path(make_url(app.config["SQLALCHEMY_DATABASE_URI"]).database), missing)
        assert client.post("/login", data=sign_in).status_code == 302  # no restart


def test_the_app_reconnects_by_itself_after_postgresql_drops_its_connections(app, client, world, login_as):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL's restart is what the pool's pre-ping is for")
    login_as(world.user("clerk", "a"))  # the pool now holds connections to the server
    # A restart ends every server process of the database; this ends them from outside the pool.
    outside = create_engine(db.engine.url, poolclass=NullPool)
    with outside.connect() as connection:
        ended = connection.execute(text(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()")).scalar_one()
    outside.dispose()
    assert ended >= 1
    assert client.get("/").status_code == 200


def test_a_connection_cut_as_the_request_ends_is_one_line_in_the_log_not_an_error(app, monkeypatch, caplog):
    """The teardown of each request's app context closes the session; when PostgreSQL cuts the
    connection just then, the answer has gone out already: a warning without a stack, no exception."""
    remove = db.session.remove
    calls = []

    def cut_once():
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError("ROLLBACK", {}, Exception("terminating connection due to administrator command"))
        remove()

    monkeypatch.setattr(db.session, "remove", cut_once)
    with app.app_context():  # a request's own context, torn down at its end
        pass

    assert calls
    [warning] = [record for record in caplog.records if "bị ngắt khi kết thúc" in record.getMessage()]
    assert "terminating connection" in warning.getMessage() and warning.exc_info is None
