"""Calendar overrides an administrator maintains on top of the national holidays."""
from datetime import date

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
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
