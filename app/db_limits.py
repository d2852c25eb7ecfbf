"""The database's limits as the desk sees them: no request waits long on the database, and when it is
away or too slow the user reads why in Vietnamese (503), never a traceback or a hung page.

- **Statement timeout per request kind** (`app/db_budget.py`: pages, papers, exports; config.py's
  `DB_PAGE_TIMEOUT_MS`, `DB_PAPER_TIMEOUT_MS`, `DB_EXPORT_TIMEOUT_MS`). PostgreSQL: `SET LOCAL
  statement_timeout` at the start of each transaction of a request; SQLite: a progress handler that
  interrupts the statement past its deadline. Commands and background jobs run without one.
- **No answer at all** (a partition: the cable, a switch, a frozen host — packets dropped, not
  refused): each wait of psycopg for the server is bounded by the statement's budget plus
  `DB_ANSWER_GRACE_MS`; the connection is then closed (its state is unknown) and the pool drops it.
  Connecting is bounded by `DB_CONNECT_TIMEOUT`, a free pooled connection by `DB_POOL_TIMEOUT`.
- **A breaker** per process and database: after such a timeout the other requests fail at once (503)
  for `DB_BREAKER_COOLDOWN_MS`, then one request at a time tries again, so that a dozen threads do
  not each wait out the same dead database while the users' requests queue behind them.
- **The slow query in the log**: its SQL text and its parameters' shape (types and lengths, never
  the values: they hold names and CCCD numbers), its request kind, budget and path.
"""
import logging
import sqlite3
import time
from contextlib import suppress
from contextvars import ContextVar
from dataclasses import dataclass

import psycopg
from flask import Flask, Response, current_app, render_template, request
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import InterfaceError, OperationalError, SQLAlchemyError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

from app.db_budget import Breaker, Budgets, RequestKind, parameter_shape, request_kind
from app.extensions import db, login_manager
from app.htmx import is_fragment_request

log = logging.getLogger(__name__)

UNAVAILABLE_TITLE = "Hệ thống tạm gián đoạn"
UNAVAILABLE_MESSAGE = ("Không kết nối được cơ sở dữ liệu. Thao tác vừa rồi có thể chưa được lưu: vui lòng thử "
                       "lại sau ít phút và kiểm tra lại. Nếu lỗi kéo dài, hãy báo bộ phận kỹ thuật.")
TIMEOUT_TITLE = "Yêu cầu chạy quá lâu"


def timeout_message(kind: RequestKind, budget_ms: int) -> str:
    return (f"Cơ sở dữ liệu chưa trả lời xong trong {budget_ms / 1000:g} giây dành cho một {kind.label} nên "
            "thao tác đã được dừng; không có gì bị thay đổi. Vui lòng thử lại sau ít phút, hoặc thu hẹp "
            "phạm vi (kỳ, đơn vị, bộ lọc). Nếu lỗi lặp lại, hãy báo bộ phận kỹ thuật.")


@dataclass(frozen=True)
class _RequestLimit:
    kind: RequestKind
    budget_ms: int
    answer_s: float  # the longest psycopg waits for one answer of the server
    path: str


# The limit of the request this thread (or context) is serving; None in commands and background jobs.
_current: ContextVar[_RequestLimit | None] = ContextVar("motcua_db_limit", default=None)


# The 503 pages -------------------------------------------------------------------------------------

def unavailable_response(title: str = UNAVAILABLE_TITLE, message: str = UNAVAILABLE_MESSAGE) -> Response:
    """The 503 page (an alert for htmx), drawn without touching the database again."""
    with suppress(SQLAlchemyError):
        db.session.rollback()
    # The page must not reach for the database again (the signed-in user would be reloaded from it,
    # or refreshed after the rollback): it is drawn as for a visitor.
    login_manager._update_request_context_with_user()
    context = {"status": 503, "title": title, "message": message}
    headers = {"Retry-After": "30"}
    if is_fragment_request():
        # Into the page's alert area whatever the request targeted (base.html lets htmx swap 503).
        headers |= {"HX-Retarget": "#htmx-alert", "HX-Reswap": "innerHTML", "HX-Push-Url": "false"}
        body = render_template("errors/_alert.html", **context)
    else:
        body = render_template("errors/error.html", **context)
    return current_app.response_class(body, status=503, headers=headers)


def is_statement_timeout(error: BaseException) -> bool:
    """The database stopped a statement past its budget (PostgreSQL 57014, SQLite's interrupt)."""
    original = getattr(error, "orig", error)
    if isinstance(original, psycopg.errors.QueryCanceled):
        return True
    return isinstance(original, sqlite3.OperationalError) and str(original) == "interrupted"


def _database_error(error):
    limit = _current.get()
    if limit is not None and is_statement_timeout(error):
        # Logged with its statement by _log_timeout (the engine's handle_error); here only the answer.
        return unavailable_response(TIMEOUT_TITLE, timeout_message(limit.kind, limit.budget_ms))
    current_app.logger.error("Cơ sở dữ liệu không dùng được (%s %s): %s", request.method, request.path,
                             (str(error).splitlines() or [type(error).__name__])[0])
    return unavailable_response()


# Per request ---------------------------------------------------------------------------------------

def _begin_request() -> None:
    config = current_app.config
    kind = request_kind(request.path)
    budget_ms = current_app.extensions["motcua_db_budgets"].for_kind(kind)
    _current.set(_RequestLimit(kind, budget_ms, (budget_ms + config["DB_ANSWER_GRACE_MS"]) / 1000, request.path))


def _end_request(_error) -> None:
    _current.set(None)


# PostgreSQL ----------------------------------------------------------------------------------------

class DeadlineConnection(psycopg.Connection):
    """A psycopg connection whose every wait for the server, inside a request, ends by the request's
    limit, and which fails at once while its database's breaker is open.

    psycopg waits for an answer as long as the socket stays open; behind a dropped network the kernel
    keeps it open for minutes. statement_timeout cannot help: it runs on the server, out of reach."""

    breaker: Breaker | None = None

    def wait(self, gen, interval=None, timeout=None):  # noqa: D401 — psycopg's signature
        limit = _current.get()
        breaker = self.breaker
        kwargs = {} if interval is None else {"interval": interval}
        if limit is None or breaker is None:
            return super().wait(gen, timeout=timeout, **kwargs)
        if not breaker.allows(time.monotonic()):
            gen.close()
            self.pgconn.finish()  # its state is unknown; the pool drops a closed connection
            raise psycopg.OperationalError("cơ sở dữ liệu đang không trả lời (ngắt nhanh, chưa thử lại)")
        bound = limit.answer_s if timeout is None else min(timeout, limit.answer_s)
        try:
            answer = super().wait(gen, timeout=bound, **kwargs)
        except Exception as error:
            # psycopg's own timeout is private (psycopg.errors._WaitTimeout): matched by its name.
            if type(error).__name__ == "_WaitTimeout":
                self.pgconn.finish()  # half a conversation: the connection cannot be used again
                breaker.failed(time.monotonic())
                raise psycopg.OperationalError(
                    f"cơ sở dữ liệu không trả lời trong {bound:g} giây (mạng hoặc máy chủ cơ sở dữ liệu)") from None
            if self.pgconn.status == psycopg.pq.ConnStatus.BAD:
                if breaker.is_open:  # a probe that found the database still away
                    breaker.failed(time.monotonic())
            else:
                breaker.succeeded()  # the server answered, with an error of the query's own
            raise
        breaker.succeeded()
        return answer


def _install_postgresql(app: Flask, engine: Engine) -> None:
    breaker = Breaker(cooldown=app.config["DB_BREAKER_COOLDOWN_MS"] / 1000,
                      probe_limit=app.config["DB_CONNECT_TIMEOUT"] + 1.0)
    connection_class = type("DeadlineConnection", (DeadlineConnection,), {"breaker": breaker})
    app.extensions["motcua_db_breaker"] = breaker

    @event.listens_for(engine, "do_connect")
    def _connect(dialect, connection_record, cargs, cparams):
        if _current.get() is not None and not breaker.allows(time.monotonic()):
            raise psycopg.OperationalError("cơ sở dữ liệu đang không trả lời (ngắt nhanh, chưa thử lại)")
        try:
            connection = connection_class.connect(*cargs, **cparams)
        except psycopg.OperationalError as error:
            # A timeout opens the breaker (no one else should wait for it too); a refusal is quick
            # anyway, and only keeps it open if it was open (a probe while PostgreSQL is still down).
            if isinstance(error, psycopg.errors.ConnectionTimeout) or breaker.is_open:
                breaker.failed(time.monotonic())
            raise
        breaker.succeeded()
        return connection

    @event.listens_for(engine, "begin")
    def _statement_timeout(connection):
        limit = _current.get()
        if limit is not None:
            # SET LOCAL: for this transaction only, so a pooled connection carries nothing to the next one.
            connection.exec_driver_sql("SELECT set_config('statement_timeout', %(ms)s, true)",
                                       {"ms": f"{limit.budget_ms}ms"})


# SQLite ----------------------------------------------------------------------------------------------

_PROGRESS_STEPS = 10_000  # virtual-machine steps between two looks at the clock (well under 1 % of the time)


def _install_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _progress_handler(dbapi_connection, connection_record):
        deadline = connection_record.info["motcua_deadline"] = [None]

        def past_deadline() -> int:
            # Non-zero interrupts the running statement: sqlite3.OperationalError("interrupted").
            return 1 if deadline[0] is not None and time.monotonic() > deadline[0] else 0

        dbapi_connection.set_progress_handler(past_deadline, _PROGRESS_STEPS)

    @event.listens_for(engine, "before_cursor_execute")
    def _start_clock(connection, cursor, statement, parameters, context, executemany):
        deadline = connection.info.get("motcua_deadline")
        if deadline is not None:
            limit = _current.get()
            deadline[0] = None if limit is None else time.monotonic() + limit.budget_ms / 1000

    def _stop_clock(connection):
        # COMMIT and ROLLBACK run on the virtual machine too: never interrupt them.
        deadline = connection.info.get("motcua_deadline")
        if deadline is not None:
            deadline[0] = None

    event.listen(engine, "commit", _stop_clock)
    event.listen(engine, "rollback", _stop_clock)


# Both ------------------------------------------------------------------------------------------------

def _install_logging(app: Flask, engine: Engine) -> None:
    slow_s = app.config["DB_SLOW_QUERY_MS"] / 1000

    @event.listens_for(engine, "handle_error")
    def _log_timeout(context):
        limit = _current.get()
        if limit is None or not is_statement_timeout(context.original_exception):
            return
        log.warning("Câu truy vấn bị dừng sau %d ms (%s %s): %s — tham số: %s", limit.budget_ms, limit.kind.value,
                    limit.path, " ".join((context.statement or "").split())[:2000],
                    parameter_shape(context.parameters))

    @event.listens_for(engine, "before_cursor_execute")
    def _started(connection, cursor, statement, parameters, context, executemany):
        connection.info["motcua_started"] = time.monotonic()

    @event.listens_for(engine, "after_cursor_execute")
    def _finished(connection, cursor, statement, parameters, context, executemany):
        started = connection.info.pop("motcua_started", None)
        if started is not None and time.monotonic() - started > slow_s:
            limit = _current.get()
            log.warning("Câu truy vấn chậm %.0f ms (%s): %s — tham số: %s", (time.monotonic() - started) * 1000,
                        limit.path if limit else "ngoài yêu cầu", " ".join(statement.split())[:2000],
                        parameter_shape(parameters))


def register(app: Flask) -> None:
    """Called by create_app after the extensions: the hooks on this app's engine, the per-request
    limit (before any other before_request reaches the database), the error pages."""
    config = app.config
    app.extensions["motcua_db_budgets"] = Budgets(config["DB_PAGE_TIMEOUT_MS"], config["DB_PAPER_TIMEOUT_MS"],
                                                  config["DB_EXPORT_TIMEOUT_MS"])
    with app.app_context():
        engine = db.engine
    if engine.dialect.name == "postgresql":
        _install_postgresql(app, engine)
    elif engine.dialect.name == "sqlite":
        _install_sqlite(engine)
    _install_logging(app, engine)
    app.before_request_funcs.setdefault(None, []).insert(0, _begin_request)
    # Teardowns run last-registered first: this one runs after Flask-SQLAlchemy's, whose rollback and
    # return of the connection to the pool must still be bounded by the request's limit.
    app.teardown_appcontext_funcs.insert(0, _end_request)
    # Not every DBAPIError: a broken constraint or a wrong query is a bug, for the 500 page and its log.
    for error_class in (OperationalError, InterfaceError, PoolTimeoutError):
        app.register_error_handler(error_class, _database_error)
