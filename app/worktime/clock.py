"""The app's clock and each unit's working calendar (the pure calendar takes both as arguments)."""
from datetime import datetime
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import or_, select

from app.extensions import db
from app.units.models import Unit
from app.worktime.deadlines import OfficeHours, WorkingCalendar
from app.worktime.models import DayOverride
from app.worktime import vietnam
from app.worktime.official import calendar_decisions


def local_now() -> datetime:
    """Now, as naive wall-clock time in the configured zone (Asia/Ho_Chi_Minh): how we store times."""
    zone = ZoneInfo(current_app.config["TIMEZONE"])
    return datetime.now(zone).replace(tzinfo=None, microsecond=0)


def office_hours() -> OfficeHours:
    return OfficeHours.parse(current_app.config["OFFICE_HOURS"])


def calendar_for(unit: Unit | None) -> WorkingCalendar:
    """The working calendar of `unit`: national holidays, then the official decisions (the confirmed ones
    win over the package), then general overrides, then the overrides of the unit and of the units above
    it (nearest last, so that it wins)."""
    ancestor_ids = [int(part) for part in unit.path.strip("/").split("/")] if unit else []
    rows = db.session.scalars(
        select(DayOverride).where(
            or_(DayOverride.unit_id.is_(None), DayOverride.unit_id.in_(ancestor_ids))
        )
    ).all()
    depth = {unit_id: index for index, unit_id in enumerate(ancestor_ids)}
    rows.sort(key=lambda row: -1 if row.unit_id is None else depth[row.unit_id])
    overrides = [vietnam.DayOverride(day=row.day, is_working=row.is_working) for row in rows]
    return vietnam.build_calendar(office_hours(), overrides, official=calendar_decisions(db.session))
