"""Home page: the desk's lists (overdue, due today, …), today's working status, offerings, catalog."""
from datetime import timedelta

from flask import Blueprint, current_app, render_template
from flask_login import current_user, login_required
from sqlalchemy import func, select

from app.auth.models import Role
from app.catalog.models import Procedure
from app.catalog.queries import offering_summary
from app.dossiers.queries import DESK_LISTS, DeskClock, SearchFilters, deadlines_of, desk_counts, dossier_search
from app.extensions import db
from app.dossiers.ontime import deadline_at
from app.home.waiting import (apologies_to_approve, handed_to, manual_criteria_to_enter, results_to_approve,
                              scores_to_confirm, watch_list)
from app.reports.submissions import last_quarter_summary, reports_waiting
from app.stats.figures import report_06
from app.units.scope import subtree_unit_ids
from app.worktime.clock import calendar_for, local_now
from app.worktime.deadlines import TimeUnit, due_at, effective_receipt

bp = Blueprint("home", __name__)
DESK_LIST_LENGTH = 5


@bp.get("/")
@login_required
def index():
    now = local_now()
    unit = current_user.unit
    working_calendar = calendar_for(unit)
    upcoming_days_off = sorted(
        day for day in working_calendar.days_off
        if now.date() <= day <= now.date() + timedelta(days=120) and day.weekday() < 5
    )[:6]
    clock = DeskClock.at(now, working_calendar)
    desk_lists = {
        name: db.session.scalars(
            dossier_search(SearchFilters(desk_list=name, sort="due_asc"), clock).limit(DESK_LIST_LENGTH)).all()
        for name in DESK_LISTS
    }
    procedures, needs_review = db.session.execute(
        select(func.count(), func.count().filter(Procedure.needs_review.is_(True)))
    ).one()
    is_chair = current_user.role == Role.CHAIR
    oversees = current_user.role in (Role.OFFICER, Role.ADMIN) and bool(unit.children)
    month_start = now.date().replace(day=1)
    is_specialist = current_user.role == Role.SPECIALIST
    handed = handed_to(current_user) if is_specialist else {}
    return render_template(
        "home/index.html",
        is_chair=is_chair, oversees=oversees, is_specialist=is_specialist, handed=handed,
        # Each held dossier against its own step's due time (the specialist's share of the time).
        step_deadlines={dossier.id: deadline_at(working_calendar, now, dossier.step_due_at, None)
                        for dossier in handed.get("holding", []) if dossier.step_due_at},
        results_to_approve=results_to_approve(unit) if is_chair else [],
        apologies=apologies_to_approve(unit) if is_chair else [],
        criteria_to_enter=manual_criteria_to_enter(unit, now.year) if is_chair else [],
        reports_waiting=reports_waiting(unit, now.date(), current_app.config["REPORT_CUTOFF_DAY"],
                                        current_app.config["REPORT_SUBMIT_DAYS"]) if is_chair else [],
        submissions=last_quarter_summary(unit, now.date(), current_app.config["REPORT_CUTOFF_DAY"],
                                         current_app.config["REPORT_SUBMIT_DAYS"]) if oversees else None,
        scores_to_confirm=scores_to_confirm(unit) if oversees else [],
        month=report_06(unit, month_start, now.date()) if is_chair else None,
        watch=watch_list(unit, clock) if oversees else [],
        now=now, unit=unit,
        is_working_day=working_calendar.is_working_day(now.date()),
        receipt_now=effective_receipt(working_calendar, now),
        due_in_three_days=due_at(working_calendar, now, 3, TimeUnit.WORKING_DAYS),
        upcoming_days_off=upcoming_days_off,
        summary=offering_summary(subtree_unit_ids(unit), now.date()),
        procedures=procedures, needs_review=needs_review,
        desk_counts=desk_counts(clock), desk_lists=desk_lists, desk_labels=DESK_LISTS,
        deadlines=deadlines_of([dossier for rows in desk_lists.values() for dossier in rows], now),
    )
