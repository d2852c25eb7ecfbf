"""The audit page's query: the user's subtree, filters, newest first, a page at a time by keyset."""
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from flask_login import current_user
from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import selectinload

from app.audit.models import AuditEntry, AuditKind
from app.auth.models import Role
from app.bounds import check_day, record_id
from app.extensions import db
from app.units.scope import visible_unit_ids

CURSOR_FORMAT = "%Y%m%d%H%M%S"


@dataclass(frozen=True)
class Cursor:
    """The last entry shown: the next page starts strictly after it in (at, id) descending order."""

    at: datetime
    id: int

    def encode(self) -> str:
        return f"{self.at.strftime(CURSOR_FORMAT)}-{self.id}"

    @classmethod
    def decode(cls, text: str | None) -> "Cursor | None":
        """None for a missing or malformed cursor (the first page)."""
        stamp, _, ident = (text or "").partition("-")
        try:
            return cls(check_day(datetime.strptime(stamp, CURSOR_FORMAT)), record_id(ident))
        except ValueError:
            return None


@dataclass(frozen=True)
class AuditFilters:
    kind: str = ""
    username: str = ""
    from_on: date | None = None  # inclusive
    to_on: date | None = None  # inclusive


@dataclass
class AuditPage:
    entries: list[AuditEntry]
    next_cursor: Cursor | None  # None on the last page


def _scoped(stmt: Select) -> Select:
    """The user's subtree. A failed sign-in with an unknown name concerns no unit: only an
    administrator of a top unit (the whole server) sees those."""
    scope = AuditEntry.unit_id.in_(visible_unit_ids())
    if current_user.role == Role.ADMIN and current_user.unit.parent_id is None:
        scope = or_(scope, AuditEntry.unit_id.is_(None))
    return stmt.where(scope)


def _filtered(stmt: Select, filters: AuditFilters) -> Select:
    if filters.kind:
        stmt = stmt.where(AuditEntry.kind == filters.kind)
    if filters.username:
        stmt = stmt.where(func.lower(AuditEntry.username).contains(filters.username.lower(), autoescape=True))
    if filters.from_on:
        stmt = stmt.where(AuditEntry.at >= datetime.combine(filters.from_on, time.min))
    if filters.to_on:
        stmt = stmt.where(AuditEntry.at < datetime.combine(filters.to_on + timedelta(days=1), time.min))
    return stmt


def audit_page(filters: AuditFilters, after: Cursor | None, per_page: int) -> AuditPage:
    """One page of entries, newest first; their users and units come in one more statement each
    (joined into the page query, they made SQLite sort the whole joined log before the limit).

    Keyset, not offset: the log only grows, and "older than the last row seen" skips nothing, so a
    late page reads no more rows than the first where the index (unit_id, at) gives the order.
    """
    stmt = _filtered(_scoped(select(AuditEntry)), filters)
    if after is not None:
        stmt = stmt.where(or_(AuditEntry.at < after.at, and_(AuditEntry.at == after.at, AuditEntry.id < after.id)))
    stmt = (stmt.options(selectinload(AuditEntry.user), selectinload(AuditEntry.unit))
            .order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(per_page + 1))
    rows = db.session.scalars(stmt).all()
    more = len(rows) > per_page
    rows = rows[:per_page]
    return AuditPage(rows, Cursor(rows[-1].at, rows[-1].id) if more else None)


KIND_CHOICES = [(kind.value, kind.label) for kind in AuditKind]
