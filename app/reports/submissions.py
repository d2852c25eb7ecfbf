"""The chair's sections of a period's report (append-only revisions) and its submission to the higher unit
("chốt số liệu"): writing, submitting, and what the higher unit sees of its units' submissions."""
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from app.audit.recording import record
from app.audit.models import AuditKind
from app.auth.models import User
from app.extensions import db
from app.reports.models import SECTION_TEXT_LENGTH, ReportSection, ReportSectionRevision, ReportSubmission
from app.reports.submission_rules import (FigureChange, SubmissionState, can_submit, figure_changes,
                                          submission_deadline, submission_state)
from app.stats import periods
from app.stats.figures import Counts, children_report
from app.stats.periods import ROMAN, PeriodKind
from app.units.models import Unit
from app.vntext import nfc_lines
from app.worktime.clock import calendar_for


class ReportClosed(ValueError):
    """The report cannot be written or submitted (already submitted, period running, sections missing)."""


def _period_filter(model, unit: Unit, kind: str, year: int, number: int):
    return (model.unit_id == unit.id, model.period_kind == kind, model.year == year, model.number == number)


def submission_for(unit: Unit, kind: str, year: int, number: int) -> ReportSubmission | None:
    return db.session.scalar(select(ReportSubmission).where(*_period_filter(ReportSubmission, unit, kind, year,
                                                                            number)))


def latest_sections(unit: Unit, kind: str, year: int, number: int) -> dict[str, str]:
    """The text in force of each section: its newest revision (one query)."""
    newest = (select(func.max(ReportSectionRevision.id))
              .where(*_period_filter(ReportSectionRevision, unit, kind, year, number))
              .group_by(ReportSectionRevision.section))
    rows = db.session.execute(select(ReportSectionRevision.section, ReportSectionRevision.text)
                              .where(ReportSectionRevision.id.in_(newest)))
    return {section: text for section, text in rows}


def section_history(unit: Unit, kind: str, year: int, number: int, limit: int = 200) -> list[ReportSectionRevision]:
    """Every saved version of the period's sections, newest first, with their authors."""
    return db.session.scalars(
        select(ReportSectionRevision).where(*_period_filter(ReportSectionRevision, unit, kind, year, number))
        .options(selectinload(ReportSectionRevision.author))
        .order_by(ReportSectionRevision.id.desc()).limit(limit)).all()


def clean_text(text: str) -> str:
    """NFC, each line cleaned and kept, no invisible characters (so that saving the same text changes nothing)."""
    return nfc_lines(text)


def save_sections(unit: Unit, kind: str, year: int, number: int, texts: dict[str, str], user: User,
                  now: datetime) -> list[ReportSection]:
    """A new revision of each section whose text changed; an audit entry naming them. Returns the changed
    sections (none: nothing written). The caller commits. Refused once the period's report was submitted."""
    if submission_for(unit, kind, year, number) is not None:
        raise ReportClosed("Báo cáo kỳ này đã gửi cấp trên: nội dung không sửa được nữa.")
    current = latest_sections(unit, kind, year, number)
    changed = []
    for section in ReportSection:
        if section.value not in texts:
            continue
        text = clean_text(texts[section.value])
        if len(text) > SECTION_TEXT_LENGTH:
            raise ReportClosed(f"Phần “{section.label}” dài quá {SECTION_TEXT_LENGTH:,} ký tự.".replace(",", "."))
        if text != current.get(section.value, ""):
            changed.append(section)
            db.session.add(ReportSectionRevision(unit_id=unit.id, period_kind=kind, year=year, number=number,
                                                 section=section.value, text=text, author_id=user.id, at=now))
    if changed:
        record(AuditKind.REPORT_WRITTEN, user=user, unit_id=unit.id, target=period_target(kind, year, number),
               detail="Sửa: " + ", ".join(section.label for section in changed))
    return changed


def period_target(kind: str, year: int, number: int) -> str:
    return f"Báo cáo {'quý' if kind == 'quarter' else 'tháng'} {number}/{year}"


def deadline_of(unit: Unit, period_end: date, working_days: int) -> date:
    return submission_deadline(period_end, working_days, calendar_for(unit))


def submit(report, user: User, now: datetime, working_days: int) -> ReportSubmission:
    """Freeze `report` (built live, `app.reports.quarterly.build_report`) as submitted by `user` now.

    Refused while the period runs, when a section is empty, or when it was submitted already (two clicks
    at once: the unique key lets one through). Commits."""
    from app.reports.quarterly import snapshot

    if report.submission is not None or submission_for(report.unit, report.kind, report.year, report.quarter):
        raise ReportClosed("Báo cáo kỳ này đã gửi cấp trên.")
    if not can_submit(report.period.end, now.date()):
        raise ReportClosed(f"Kỳ báo cáo chưa kết thúc (đến hết {report.period.end:%d/%m/%Y}): chưa chốt số liệu được.")
    if report.missing_sections:
        raise ReportClosed("Chưa viết: " + ", ".join(report.missing_sections) + ".")
    submission = ReportSubmission(
        unit_id=report.unit.id, period_kind=report.kind, year=report.year, number=report.quarter,
        start_on=report.period.start, end_on=report.period.end,
        due_on=deadline_of(report.unit, report.period.end, working_days), submitted_at=now,
        submitted_by_id=user.id, report_number=report.number, figures=snapshot(report),
        sections={section: text for section, _, text in report.section_list})
    db.session.add(submission)
    record(AuditKind.REPORT_SUBMITTED, user=user, unit_id=report.unit.id,
           target=period_target(report.kind, report.year, report.quarter),
           detail=f"Chốt số liệu: tiếp nhận {report.report.total.received}, đã giải quyết "
                  f"{report.report.total.resolved}, đang giải quyết {report.report.total.pending}"
                  + (" (gửi muộn)" if submission.is_late else ""))
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise ReportClosed("Báo cáo kỳ này đã gửi cấp trên.") from None
    return submission


def live_changes(submission: ReportSubmission, live: Counts) -> list[FigureChange]:
    """How the live totals of the submitted period moved since (a dossier corrected afterwards)."""
    from app.reports.quarterly import totals_json

    return figure_changes(submission.figures["total"], totals_json(live))


@dataclass
class ChildSubmission:
    """A unit directly below, for the higher unit's page: its submission (or none) and its state."""

    unit: Unit
    submission: ReportSubmission | None
    state: SubmissionState
    live: Counts
    changes: list[FigureChange]


def children_submissions(parent: Unit, kind: str, year: int, number: int, start: date, end: date, today: date,
                         working_days: int) -> tuple[date, list[ChildSubmission]]:
    """Each unit directly below `parent` with its submission of the period and the live totals (one grouped
    query for all of them, one for the submissions). The deadline is read on the parent's calendar."""
    deadline = deadline_of(parent, end, working_days)
    live = children_report(parent, start, min(end, today))
    submissions = {row.unit_id: row for row in db.session.scalars(
        select(ReportSubmission).where(ReportSubmission.unit_id.in_([child.id for child, _ in live]),
                                       ReportSubmission.period_kind == kind, ReportSubmission.year == year,
                                       ReportSubmission.number == number)
        .options(selectinload(ReportSubmission.submitted_by)))} if live else {}
    rows = []
    for child, counts in live:
        submission = submissions.get(child.id)
        state = submission_state(end, submission.due_on if submission else deadline, today,
                                 submission.submitted_at.date() if submission else None)
        rows.append(ChildSubmission(child, submission, state, counts,
                                    live_changes(submission, counts) if submission else []))
    return deadline, rows


def submitted_counts(unit_ids: list[int], start: date, end: date) -> dict[int, tuple[ReportSubmission, Counts]]:
    """The submitted totals of these units for exactly the days [start, end], by unit id (one query): what
    the comparison of a closed period reads instead of the live figures."""
    from app.reports.quarterly import counts_from_json

    if not unit_ids:
        return {}
    rows = db.session.scalars(select(ReportSubmission).where(
        ReportSubmission.unit_id.in_(unit_ids), ReportSubmission.start_on == start, ReportSubmission.end_on == end))
    return {row.unit_id: (row, counts_from_json(row.figures["total"])) for row in rows}


def last_ended_period(kind: str, today, cutoff_day: int) -> tuple[int, int]:
    """(year, number) of the latest reporting month or quarter that has ended by `today`: the report that
    waits to be signed and sent."""
    running = periods.containing(today, PeriodKind(kind), cutoff_day)
    ended = periods.containing(running.start - timedelta(days=1), PeriodKind(kind), cutoff_day)
    month = ended.end.month
    return ended.end.year, month if kind == PeriodKind.MONTH.value else (month - 1) // 3 + 1



@dataclass
class WaitingReport:
    """A report of the chair's unit that waits to be signed and sent: its period ended, not submitted."""

    kind: str
    year: int
    number: int
    name: str  # "quý IV năm 2026"
    deadline: date
    state: SubmissionState


def reports_waiting(unit: Unit, today: date, cutoff_day: int, working_days: int) -> list[WaitingReport]:
    """The last ended reporting month and quarter of `unit` whose report was not submitted (at most two
    rows, two small queries): the chair's home page lists them."""
    from app.reports.quarterly import REPORT_KINDS

    waiting = []
    for kind in (PeriodKind.QUARTER.value, PeriodKind.MONTH.value):
        year, number = last_ended_period(kind, today, cutoff_day)
        if submission_for(unit, kind, year, number) is not None:
            continue
        period = (periods.month if kind == PeriodKind.MONTH.value else periods.quarter)(year, number, cutoff_day)
        deadline = deadline_of(unit, period.end, working_days)
        label = ROMAN[number] if kind == PeriodKind.QUARTER.value else str(number)
        waiting.append(WaitingReport(kind, year, number, f"{REPORT_KINDS[kind]} {label} năm {year}", deadline,
                                     submission_state(period.end, deadline, today, None)))
    return waiting


@dataclass
class SubmissionSummary:
    """For a higher unit's home page: how its units stand with the last ended quarter's report."""

    kind: str
    year: int
    number: int
    name: str
    deadline: date
    units: int
    submitted: int
    late: int  # not submitted past the deadline, or submitted after it


def last_quarter_summary(parent: Unit, today: date, cutoff_day: int, working_days: int) -> SubmissionSummary:
    kind = PeriodKind.QUARTER.value
    year, number = last_ended_period(kind, today, cutoff_day)
    period = periods.quarter(year, number, cutoff_day)
    deadline, rows = children_submissions(parent, kind, year, number, period.start, period.end, today, working_days)
    return SubmissionSummary(kind, year, number, f"quý {ROMAN[number]} năm {year}", deadline, len(rows),
                             sum(row.submission is not None for row in rows), sum(row.state.is_bad for row in rows))
