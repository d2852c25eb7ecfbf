"""`AuditEntry`, the append-only log of sign-ins, dossier changes and downloads, and its guards."""
from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String, event
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from app.auth.models import User
from app.extensions import db
from app.units.models import Unit

USERNAME_LENGTH = 64
TARGET_LENGTH = 200
DETAIL_LENGTH = 1000
# An IPv6 address in text is at most 45 characters (IPv4-mapped form).
IP_LENGTH = 45


class AuditKind(StrEnum):
    LOGIN = "login"
    LOGIN_FAILED = "login_failed"
    LOGOUT = "logout"
    DOSSIER_CREATED = "dossier_created"
    DOSSIER_CHANGED = "dossier_changed"
    EXPORT = "export"
    IMPORT = "import"
    USER_CHANGED = "user_changed"
    CALENDAR_CHANGED = "calendar_changed"
    REPORT_WRITTEN = "report_written"
    REPORT_SUBMITTED = "report_submitted"

    @property
    def label(self) -> str:
        return KIND_LABELS[self]


KIND_LABELS = {
    AuditKind.LOGIN: "Đăng nhập",
    AuditKind.LOGIN_FAILED: "Đăng nhập không thành công",
    AuditKind.LOGOUT: "Đăng xuất",
    AuditKind.DOSSIER_CREATED: "Tiếp nhận hồ sơ",
    AuditKind.DOSSIER_CHANGED: "Thao tác trên hồ sơ",
    AuditKind.EXPORT: "Tải xuống tệp",
    AuditKind.IMPORT: "Nhập sổ theo dõi hồ sơ",
    AuditKind.USER_CHANGED: "Thay đổi tài khoản",
    AuditKind.CALENDAR_CHANGED: "Xác nhận lịch làm việc",
    AuditKind.REPORT_WRITTEN: "Viết nội dung báo cáo",
    AuditKind.REPORT_SUBMITTED: "Gửi báo cáo cấp trên",
}


class AppendOnlyViolation(RuntimeError):
    """Raised when code tries to change or remove an audit entry."""


class AuditEntry(db.Model):
    """One thing a person did: signed in (or failed to), signed out, registered or changed a dossier,
    downloaded a file, imported a register from the command line, changed an account.

    Append-only: the app writes a row once and never updates or deletes it — an audit log that its
    subjects could edit would prove nothing. The ORM refuses both (see the listeners below); only a
    database administrator can remove rows (retention), outside the app.

    `unit_id` is the unit the entry concerns — the user's unit for sign-ins, the dossier's unit for
    dossier changes, the exported unit for downloads — so the log is scoped like everything else
    (`app/units/scope.py`). It is empty only for a failed sign-in with an unknown username.
    """

    __tablename__ = "audit_entries"
    __scope_column__ = "unit_id"
    __table_args__ = (
        # The page: one subtree's entries, newest first.
        Index("ix_audit_entries_unit_at", "unit_id", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Wall-clock time of Asia/Ho_Chi_Minh, naive, like every time in the app (`local_now`).
    at: Mapped[datetime] = mapped_column(index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # As typed (NFC, cut to USERNAME_LENGTH): a failed sign-in may name no account at all.
    username: Mapped[str] = mapped_column(String(USERNAME_LENGTH), default="")
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    kind: Mapped[AuditKind] = mapped_column(String(20))
    target: Mapped[str] = mapped_column(String(TARGET_LENGTH), default="")  # dossier code, file name…
    detail: Mapped[str] = mapped_column(String(DETAIL_LENGTH), default="")
    ip_address: Mapped[str | None] = mapped_column(String(IP_LENGTH))

    user: Mapped[User | None] = relationship()
    unit: Mapped[Unit | None] = relationship()

    @property
    def kind_label(self) -> str:
        try:
            return AuditKind(self.kind).label
        except ValueError:
            return self.kind


@event.listens_for(AuditEntry, "before_update")
def _refuse_update(mapper, connection, target) -> None:
    raise AppendOnlyViolation("Nhật ký chỉ được ghi thêm, không được sửa.")


@event.listens_for(AuditEntry, "before_delete")
def _refuse_delete(mapper, connection, target) -> None:
    raise AppendOnlyViolation("Nhật ký chỉ được ghi thêm, không được xóa.")


@event.listens_for(Session, "do_orm_execute")
def _refuse_bulk_change(orm_execute_state) -> None:
    """`update(AuditEntry)` / `delete(AuditEntry)` bypass the mapper events above: refuse them too.
    A plain table statement (`audit_entries.delete()`, which the tests use to empty the database)
    names no mapper and passes."""
    if not (orm_execute_state.is_update or orm_execute_state.is_delete):
        return
    mapper = orm_execute_state.bind_mapper
    if mapper is not None and mapper.class_ is AuditEntry:
        raise AppendOnlyViolation("Nhật ký chỉ được ghi thêm, không được sửa hay xóa.")
