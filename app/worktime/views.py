"""The working calendar page: a year of working days for a unit, and the administrator's overrides."""
import calendar as month_grid

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import extract, or_, select

from app.auth.permissions import admin_required
from app.bounds import calendar_year, query_value, record_id
from app.extensions import db
from app.forms_vi import options
from app.units.scope import get_visible_unit_or_404, visible, visible_unit_ids, visible_units
from app.worktime.clock import calendar_for, local_now
from app.worktime.forms import DayOverrideForm
from app.worktime.models import DayOverride

bp = Blueprint("worktime", __name__, url_prefix="/calendar")


def _year_arg(default: int) -> int:
    return query_value(request.args, "year", calendar_year, default=default)


@bp.get("/")
@login_required
def calendar_view():
    unit = get_visible_unit_or_404(query_value(request.args, "unit_id", record_id, default=current_user.unit_id))
    year = _year_arg(local_now().year)
    working_calendar = calendar_for(unit)
    overrides = db.session.scalars(
        select(DayOverride)
        .where(extract("year", DayOverride.day) == year)
        .where(or_(DayOverride.unit_id.is_(None), DayOverride.unit_id.in_(visible_unit_ids())))
        .order_by(DayOverride.day)
    ).all()
    # The overrides that shape this unit's calendar: general ones and those of it or its ancestors.
    override_days = {row.day for row in overrides if row.unit_id is None or f"/{row.unit_id}/" in unit.path}
    months = []
    for month in range(1, 13):
        weeks = month_grid.Calendar(firstweekday=0).monthdatescalendar(year, month)
        months.append((month, [[(day if day.month == month else None) for day in week] for week in weeks]))
    days_off = sorted(day for day in working_calendar.days_off if day.year == year and day.weekday() < 5)
    form = DayOverrideForm()
    form.unit_id.choices = options(_override_unit_choices())
    return render_template(
        "worktime/calendar.html", unit=unit, year=year, months=months, calendar=working_calendar,
        overrides=overrides, override_days=override_days, days_off=days_off, form=form,
        units=db.session.scalars(visible_units()).all(), office_hours=str(working_calendar.office_hours),
    )


def _override_unit_choices() -> list[tuple[int, str]]:
    # Only an administrator at the top of the tree may declare a day for every unit.
    choices = [(0, "Tất cả đơn vị")] if current_user.unit.parent_id is None else []
    return choices + [(unit.id, f"{'— ' * unit.depth}{unit.name}") for unit in db.session.scalars(visible_units())]


@bp.post("/overrides")
@admin_required
def override_add():
    form = DayOverrideForm()
    form.unit_id.choices = options(_override_unit_choices())
    if not form.validate_on_submit():
        for field in form:
            for error in field.errors:
                flash(f"{field.label.text}: {error}", "error")
        return redirect(url_for("worktime.calendar_view"), code=303)
    unit_id = form.unit_id.data or None
    row = db.session.scalar(select(DayOverride).where(
        DayOverride.day == form.day.data,
        DayOverride.unit_id.is_(None) if unit_id is None else DayOverride.unit_id == unit_id))
    if row is None:
        row = DayOverride(day=form.day.data, unit_id=unit_id)
        db.session.add(row)
    row.is_working = form.is_working.data == "1"
    row.note = form.note.data
    db.session.commit()
    flash(f"Đã ghi {form.day.data:%d/%m/%Y} là {'ngày làm việc' if row.is_working else 'ngày nghỉ'}.", "success")
    return redirect(url_for("worktime.calendar_view", year=form.day.data.year,
                            unit_id=unit_id or current_user.unit_id), code=303)


@bp.post("/overrides/<int:override_id>/delete")
@admin_required
def override_delete(override_id: int):
    row = db.session.get(DayOverride, override_id)
    if row is None:
        abort(404)
    if row.unit_id is None:
        if current_user.unit.parent_id is not None:
            abort(403)
    else:
        row = db.session.scalar(visible(select(DayOverride).where(DayOverride.id == override_id),
                                        DayOverride.unit_id))
        if row is None:
            abort(404)
    day = row.day
    db.session.delete(row)
    db.session.commit()
    flash(f"Đã bỏ điều chỉnh ngày {day:%d/%m/%Y}.", "success")
    return redirect(url_for("worktime.calendar_view", year=day.year), code=303)
