"""The database's limits as the desk sees them: the Vietnamese 503 page when PostgreSQL is away."""
from contextlib import suppress

from flask import Flask, Response, current_app, render_template, request
from sqlalchemy.exc import InterfaceError, OperationalError, SQLAlchemyError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

from app.extensions import db, login_manager
from app.htmx import is_fragment_request

UNAVAILABLE_TITLE = "Hệ thống tạm gián đoạn"
UNAVAILABLE_MESSAGE = ("Không kết nối được cơ sở dữ liệu. Thao tác vừa rồi có thể chưa được lưu: vui lòng thử "
                       "lại sau ít phút và kiểm tra lại. Nếu lỗi kéo dài, hãy báo bộ phận kỹ thuật.")


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


def _database_unavailable(error):
    current_app.logger.error("Cơ sở dữ liệu không dùng được (%s %s): %s", request.method, request.path,
                             str(error).splitlines()[0])
    return unavailable_response()


def register(app: Flask) -> None:
    """PostgreSQL restarting, unreachable or out of connections: the 503 page, never a traceback. The
    pool's pre-ping brings the app back by itself once the database answers."""
    # Not every DBAPIError: a broken constraint or a wrong query is a bug, for the 500 page and its log.
    for error_class in (OperationalError, InterfaceError, PoolTimeoutError):
        app.register_error_handler(error_class, _database_unavailable)
