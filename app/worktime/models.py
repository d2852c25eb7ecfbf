"""Calendar overrides an administrator maintains on top of the national holidays."""
from datetime import date, datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.auth.models import User
from app.units.models import Unit


class DayOverride(db.Model):
    """A day declared off or working, for every unit (unit_id NULL) or for one unit.

    The yearly government decisions on extra days off and make-up Saturdays, or a local decision,
    can be entered here when the `holidays` package lacks them; an override wins over the package,
    and a unit's own override wins over a general one (DOMAIN.md "The clock").
    """

    __tablename__ = "day_overrides"
    __table_args__ = (UniqueConstraint("day", "unit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    is_working: Mapped[bool]
    note: Mapped[str] = mapped_column(String(300), default="")

    unit: Mapped[Unit | None] = relationship()


class OfficialDay(db.Model):
    """One day of a government decision on days off and make-up working days (DOMAIN.md "Official
    calendar decisions"): loaded from `app/worktime/official_calendar.json` by `flask calendar
    load-official`, or confirmed by an administrator on the calendar page.

    `status` "confirmed" counts on the calendar; "pending" waits for an administrator (a holiday not law
    yet). `source` "văn bản" carries `document` and `document_date`; "báo chí" means only press reports
    were found (no number); "quản trị viên" an administrator's confirmation, `document` being what they cited.
    """

    __tablename__ = "official_days"

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(unique=True)
    year: Mapped[int] = mapped_column(index=True)
    is_working: Mapped[bool]
    status: Mapped[str] = mapped_column(String(10))
    source: Mapped[str] = mapped_column(String(20))
    document: Mapped[str] = mapped_column(String(120), default="")
    document_date: Mapped[date | None]
    issuer: Mapped[str] = mapped_column(String(120), default="")
    description: Mapped[str] = mapped_column(String(300), default="")
    note: Mapped[str] = mapped_column(String(300), default="")
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    confirmed_at: Mapped[datetime | None]

    confirmed_by: Mapped[User | None] = relationship()

    @property
    def confirmed(self) -> bool:
        return self.status == "confirmed"

    @property
    def source_text(self) -> str:
        """The source as the calendar page shows it: "6519/VPCP-KGVX ngày 11/07/2018", "báo chí", …"""
        if self.document:
            dated = f" ngày {self.document_date:%d/%m/%Y}" if self.document_date else ""
            prefix = "xác nhận của quản trị viên: " if self.source == "quản trị viên" else ""
            return f"{prefix}{self.document}{dated}"
        return self.source
