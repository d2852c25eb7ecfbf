"""Writing the audit log: sign-ins (called by the auth views), dossier changes (a session hook on every
new `DossierEvent`), downloads (an `after_request` hook) and account changes."""
import getpass
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from urllib.parse import unquote

from flask import Flask, Response, has_request_context, request
from flask_login import current_user
from sqlalchemy import event, inspect, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session
from werkzeug.http import parse_options_header

from app.audit.models import DETAIL_LENGTH, IP_LENGTH, TARGET_LENGTH, USERNAME_LENGTH, AuditEntry, AuditKind
from app.auth.models import Role, User
from app.db_limits import unavailable_response
from app.dossiers.lifecycle import DossierState
from app.dossiers.models import Dossier, DossierEvent
from app.extensions import db
from app.jinja_filters import format_datetime
from app.units.models import Unit
from app.vntext import nfc
from app.worktime.clock import local_now

log = logging.getLogger(__name__)


def _cut(text: str | None, length: int) -> str:
    return nfc(text)[:length]


def _client_ip() -> str | None:
    # Behind the office's reverse proxy this is the proxy unless the app trusts X-Forwarded-For
    # (werkzeug's ProxyFix), like the login throttling.
    if not has_request_context() or not request.remote_addr:
        return None  # a command or a script, not a request
    return request.remote_addr[:IP_LENGTH]


_SIMULATED_HISTORY = "audit_simulated_history"


@contextmanager
def simulated_history(session: Session) -> Iterator[None]:
    """While `session` writes a made-up past (the demo), its dossier entries carry the simulated time of
    each event instead of the moment of loading: a chair reading the demo's log sees a year of work."""
    session.info[_SIMULATED_HISTORY] = True
    try:
        yield
    finally:
        session.info.pop(_SIMULATED_HISTORY, None)


def new_entry(kind: AuditKind, *, user: User | None = None, username: str | None = None,
              unit_id: int | None = None, target: str = "", detail: str = "",
              at: datetime | None = None) -> AuditEntry:
    """An entry stamped now (or `at`) with the request's address; `username` defaults to the user's."""
    if username is None:
        username = user.username if user is not None else ""
    if unit_id is None and user is not None:
        unit_id = user.unit_id
    return AuditEntry(at=at or local_now(), user_id=user.id if user is not None else None,
                      username=_cut(username, USERNAME_LENGTH), unit_id=unit_id, kind=kind,
                      target=_cut(target, TARGET_LENGTH), detail=_cut(detail, DETAIL_LENGTH),
                      ip_address=_client_ip())


def record(kind: AuditKind, **fields) -> AuditEntry:
    """Add an entry to the current session, to be committed with the caller's transaction."""
    entry = new_entry(kind, **fields)
    db.session.add(entry)
    return entry


# Sign-ins ---------------------------------------------------------------------------------------

def record_login(user: User) -> AuditEntry:
    return record(AuditKind.LOGIN, user=user)


def record_login_failed(username_typed: str, user: User | None) -> AuditEntry:
    """A wrong password or an unknown (or locked) account: the name as typed, the account if it exists."""
    detail = "" if user is None else ("Tài khoản đã khóa" if not user.is_active else "Sai mật khẩu")
    return record(AuditKind.LOGIN_FAILED, user=user, username=username_typed,
                  detail=detail or "Không có tài khoản này")


def record_logout(user: User) -> AuditEntry:
    return record(AuditKind.LOGOUT, user=user)


# Accounts ---------------------------------------------------------------------------------------

ACCOUNT_FIELDS = {"username": "tên đăng nhập", "full_name": "họ tên", "role": "vai trò", "unit_id": "đơn vị",
                  "is_active": "trạng thái", "password_hash": "mật khẩu"}


def record_account_change(actor: User, account: User, created: bool) -> AuditEntry | None:
    """Call before the commit: the entry names the fields that changed (never their values for the password).
    Nothing is recorded when a form was saved without changes."""
    if created:
        detail = f"Tạo tài khoản ({Role(account.role).label})"
    else:
        state = inspect(account)
        changed = [label for name, label in ACCOUNT_FIELDS.items() if state.attrs[name].history.has_changes()]
        if not changed:
            return None
        detail = "Sửa " + ", ".join(changed)
    return record(AuditKind.USER_CHANGED, user=actor, unit_id=account.unit_id, target=account.username,
                  detail=detail)


# Dossier changes ----------------------------------------------------------------------------------

def _state_label(value: str | None) -> str:
    try:
        return DossierState(value).label if value else ""
    except ValueError:
        return value


def _entry_for_event(session: Session, dossier_event: DossierEvent) -> AuditEntry:
    dossier = dossier_event.dossier
    if dossier is None and dossier_event.dossier_id is not None:
        dossier = session.get(Dossier, dossier_event.dossier_id)
    actor = dossier_event.actor
    if actor is None and dossier_event.actor_id is not None:
        actor = session.get(User, dossier_event.actor_id)
    unit_id = None
    if dossier is not None:
        # A new dossier knows its unit only through the relationship until it is flushed.
        unit_id = dossier.unit_id if dossier.unit_id is not None else dossier.unit.id
    created = dossier_event.action == "receive"
    try:
        action = dossier_event.action_label
    except ValueError:  # an action this code does not know yet: its name, rather than no entry
        action = dossier_event.action
    if created:
        detail = f"Hạn trả kết quả {format_datetime(dossier.due_at)}" if dossier is not None else ""
    else:
        detail = f"{action}: {_state_label(dossier_event.from_state)} → {_state_label(dossier_event.to_state)}"
    # The moment the change reached the app, not the event's business time: a clerk may record today a
    # dossier received by post yesterday. Only a simulated history stamps its entries with its own clock.
    at = dossier_event.at if session.info.get(_SIMULATED_HISTORY) else None
    return new_entry(AuditKind.DOSSIER_CREATED if created else AuditKind.DOSSIER_CHANGED,
                     user=actor, unit_id=unit_id, target=dossier.code if dossier is not None else "", detail=detail,
                     at=at)


def _record_dossier_events(session: Session, flush_context, instances) -> None:
    """Every change to a dossier appends a `DossierEvent` in its transaction: one entry per new event,
    flushed with it, so that no view — present or future — can change a dossier unlogged."""
    new_events = [obj for obj in session.new if isinstance(obj, DossierEvent)]
    if not new_events:
        return
    with session.no_autoflush:
        session.add_all([_entry_for_event(session, dossier_event) for dossier_event in new_events])


# Imports ------------------------------------------------------------------------------------------

def command_line_user() -> str:
    """Who ran a command on the server, as the audit log names them: "dòng lệnh (login name)"."""
    try:
        name = getpass.getuser()
    except (KeyError, OSError):  # no login name in the environment nor in the password database
        name = "?"
    return f"dòng lệnh ({name})"


def record_register_import(unit_id: int, file_name: str, created: int) -> AuditEntry:
    """A register imported with `flask dossiers import`: one entry per unit, in the import's transaction.

    The import writes its dossiers and their events in bulk, past the per-event hook below."""
    return record(AuditKind.IMPORT, username=command_line_user(), unit_id=unit_id, target=file_name,
                  detail=f"Thêm {created} hồ sơ từ sổ theo dõi hồ sơ")


# Downloads ----------------------------------------------------------------------------------------

def download_name(content_disposition: str) -> str:
    """The file name of a `Content-Disposition` header (RFC 6266: `filename*` wins over `filename`)."""
    _, options = parse_options_header(content_disposition)
    name = options.get("filename*") or options.get("filename") or ""
    if name.lower().startswith("utf-8''"):
        name = unquote(name[7:])
    return name


def _download_unit_id(session: Session, view_args: dict) -> tuple[int | None, str]:
    """The unit a download concerns, and the dossier's code if it is one dossier's paper."""
    if view_args.get("unit_id") is not None:
        unit_id = session.scalar(select(Unit.id).where(Unit.id == view_args["unit_id"]))
        if unit_id is not None:
            return unit_id, ""
    if view_args.get("dossier_id") is not None:
        row = session.execute(select(Dossier.unit_id, Dossier.code).where(Dossier.id == view_args["dossier_id"])).first()
        if row is not None:
            return row.unit_id, row.code
    return current_user.unit_id, ""


def _record_download(response: Response) -> Response:
    """One entry per file handed to a signed-in user (CSV, XLSX, PDF, evidence), committed before the file
    goes out: a download whose entry cannot be written is not delivered (the user gets the 503 page).

    Runs after the view has built its answer and before gunicorn sends a byte of it. The entry is written
    in its own short transaction: a download changes nothing, so there is no transaction of the view to
    join, and the view's session may hold a failed transaction of its own.
    """
    disposition = response.headers.get("Content-Disposition")
    if response.status_code != 200 or not disposition or request.endpoint in (None, "static"):
        return response
    if not current_user.is_authenticated:
        return response
    try:
        with Session(db.engine) as session:
            unit_id, dossier_code = _download_unit_id(session, request.view_args or {})
            query = request.query_string.decode("utf-8", "replace")
            detail = request.endpoint + (f"?{unquote(query)}" if query else "")
            if dossier_code:
                detail += f" · {dossier_code}"
            session.add(new_entry(AuditKind.EXPORT, user=current_user._get_current_object(), unit_id=unit_id,
                                  target=download_name(disposition), detail=detail))
            session.commit()
    except SQLAlchemyError as error:
        # Whatever the database did (unreachable, timed out, refused the row): no entry, no file.
        reason = (str(error).splitlines() or [type(error).__name__])[0]
        log.error("Không ghi được nhật ký tải tệp %s, tệp không được gửi: %s", request.path, reason)
        response.close()  # a file opened by send_file
        return unavailable_response()
    return response


def register(app: Flask) -> None:
    """The session hook (once per process: it is global to SQLAlchemy's sessions) and the download hook."""
    if not event.contains(Session, "before_flush", _record_dossier_events):
        event.listen(Session, "before_flush", _record_dossier_events)
    app.after_request(_record_download)
