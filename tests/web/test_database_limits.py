"""A slow query or a silent database cannot take the server: each request's statements are stopped at
the budget of its kind (pages, papers, exports) with a Vietnamese 503 and a log line that shows the
parameters' shape, never their values; a database that does not answer at all (packets dropped) costs
one request about 2 s and the next ones nothing, until it is back."""
import logging
import socket
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from app import create_app
from app.extensions import db
from config import BASE_DIR, TestConfig, engine_options
from conftest import PASSWORD

sys.path.insert(0, str(BASE_DIR / "bench"))
from _relay import Relay  # noqa: E402  (the relay bench/faults.py cuts)

APPLICANT = "Nguyễn Văn An"  # a value that must never reach the log


def limited_app(url: str | None = None, **settings):
    """An app of its own (a route can only be added before its first request) with these limits."""
    url = url or TestConfig.SQLALCHEMY_DATABASE_URI
    config = type("Limited", (TestConfig,), {"SQLALCHEMY_DATABASE_URI": url,
                                             "SQLALCHEMY_ENGINE_OPTIONS": engine_options(url), **settings})
    return create_app(config)


def slow_statement():
    """A statement that runs until stopped, whatever the database, with a personal value bound to it."""
    if db.engine.dialect.name == "postgresql":
        return text("SELECT pg_sleep(30), length(:name)"), {"name": APPLICANT}
    return (text("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < :n) "
                 "SELECT count(*), length(:name) FROM c"), {"n": 10**12, "name": APPLICANT})


def add_slow_routes(app) -> None:
    def slow():
        statement, parameters = slow_statement()
        db.session.execute(statement, parameters).all()
        return "xong"

    app.add_url_rule("/_slow", "slow_page", slow)
    app.add_url_rule("/_slow.xlsx", "slow_export", slow)
    app.add_url_rule("/_slow.pdf", "slow_paper", slow)
    app.add_url_rule("/_timeout", "statement_timeout",
                     lambda: db.session.execute(text("SHOW statement_timeout")).scalar_one())


@pytest.fixture
def slow_app(app):
    limited = limited_app(DB_PAGE_TIMEOUT_MS=300, DB_PAPER_TIMEOUT_MS=400, DB_EXPORT_TIMEOUT_MS=500)
    add_slow_routes(limited)
    return limited  # each request pushes its own app context, torn down (session removed) at its end


@pytest.mark.parametrize(("path", "budget", "kind"), [("/_slow", "0.3", "trang"),
                                                      ("/_slow.pdf", "0.4", "giấy tờ PDF"),
                                                      ("/_slow.xlsx", "0.5", "tệp xuất")])
def test_a_slow_statement_is_stopped_at_the_budget_of_its_kind(slow_app, caplog, path, budget, kind):
    caplog.set_level(logging.WARNING, logger="app.db_limits")
    started = time.monotonic()
    response = slow_app.test_client().get(path)
    elapsed = time.monotonic() - started
    page = response.get_data(as_text=True)
    assert response.status_code == 503 and response.headers["Retry-After"] == "30"
    assert "Yêu cầu chạy quá lâu" in page
    assert f"trong {budget} giây dành cho một {kind}" in page and "không có gì bị thay đổi" in page
    assert "Traceback" not in page and "pg_sleep" not in page and "RECURSIVE" not in page
    assert float(budget) <= elapsed < float(budget) + 1.5
    [line] = [r.getMessage() for r in caplog.records if "bị dừng sau" in r.getMessage()]
    assert f"bị dừng sau {int(float(budget) * 1000)} ms" in line and path in line
    assert "str[13]" in line  # the shape of the applicant's name…
    assert APPLICANT not in line and "Nguy" not in line  # …never the name


def test_an_htmx_request_gets_the_timeout_as_an_alert(slow_app):
    response = slow_app.test_client().get("/_slow", headers={"HX-Request": "true"})
    assert response.status_code == 503 and response.headers["HX-Retarget"] == "#htmx-alert"
    assert "Yêu cầu chạy quá lâu" in response.get_data(as_text=True)


def test_the_app_works_on_after_a_statement_was_stopped(slow_app, world):
    client = slow_app.test_client()
    assert client.get("/_slow").status_code == 503
    response = client.post("/login", data={"username": "clerk.a", "password": PASSWORD})
    assert response.status_code == 302


def test_the_limit_is_the_transactions_own_and_commands_have_none(slow_app):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("statement_timeout is PostgreSQL's; SQLite's deadline lives in the progress handler")
    assert slow_app.test_client().get("/_timeout").get_data(as_text=True) == "300ms"
    # The same pooled connection, outside a request: SET LOCAL ended with the request's transaction.
    with slow_app.app_context():
        assert db.session.execute(text("SHOW statement_timeout")).scalar_one() == "0"
        db.session.rollback()


# A database that does not answer ------------------------------------------------------------------

@pytest.fixture
def black_hole():
    """A port whose kernel completes the TCP handshake and then nothing: no accept, no answer, no refusal."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    yield sock.getsockname()[1]
    sock.close()


def test_a_database_that_never_answers_costs_one_request_2_s_and_the_next_nothing(app, black_hole):
    silent = limited_app(f"postgresql+psycopg://motcua@127.0.0.1:{black_hole}/motcua")
    client = silent.test_client()
    sign_in = {"username": "clerk.a", "password": PASSWORD}
    started = time.monotonic()
    first = client.post("/login", data=sign_in)
    first_took = time.monotonic() - started
    assert first.status_code == 503 and "Hệ thống tạm gián đoạn" in first.get_data(as_text=True)
    assert first_took < 3.0  # connect_timeout: 2 s
    started = time.monotonic()
    second = client.post("/login", data=sign_in)
    assert second.status_code == 503 and time.monotonic() - started < 0.5  # the breaker: at once
    assert client.get("/login").status_code == 200  # what needs no database still works


@pytest.fixture
def relay(app):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("the relay stands between the app and PostgreSQL")
    url = db.engine.url
    relay = Relay(url.host or "127.0.0.1", url.port or 5432).start()
    yield relay, url.set(host="127.0.0.1", port=relay.port).render_as_string(hide_password=False)
    relay.close()


def test_a_partition_answers_503_within_3_s_fails_fast_then_recovers_within_1_s(relay, world):
    relay, url = relay
    partitioned = limited_app(url)
    client = partitioned.test_client()
    sign_in = {"username": "clerk.a", "password": PASSWORD}
    assert client.post("/login", data=sign_in).status_code == 302  # the pool holds a connection now
    assert client.get("/").status_code == 200

    relay.partition()
    started = time.monotonic()
    first = client.get("/")  # the pooled connection's pre-ping hears nothing
    assert first.status_code == 503 and time.monotonic() - started < 3.0
    started = time.monotonic()
    assert client.get("/").status_code == 503 and time.monotonic() - started < 0.5
    time.sleep(0.6)  # past the breaker's cooldown: one request tries again, and waits its 2 s
    started = time.monotonic()
    assert client.get("/").status_code == 503 and time.monotonic() - started < 3.0

    relay.heal()
    back = time.monotonic()
    deadline = back + 5
    while client.get("/").status_code != 200:
        assert time.monotonic() < deadline, "no recovery"
        time.sleep(0.05)
    assert time.monotonic() - back < 1.0
