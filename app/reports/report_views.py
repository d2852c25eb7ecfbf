"""A period's report, written and submitted: the report page of a unit (figures, the chair's sections and
their history, the submission), saving the sections, submitting ("chốt số liệu"), the PDF and the Word
file, and the higher unit's page of its units' submissions. The content is `app.reports.quarterly`'s."""
import logging
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import func, select
from weasyprint.urls import FatalURLFetchingError

from app.auth.models import Role
from app.auth.permissions import roles_required
from app.bounds import OutOfBounds, bounded_int, calendar_year, query_value
from app.extensions import db
from app.reports.docx_report import DOCX_MIMETYPE, render_report_docx
from app.reports.jobs import enqueue_once
from app.reports.models import ReportSection, ReportSectionRevision, ReportSubmission
from app.reports.quarterly import (REPORT_KINDS, QuarterlyReport, ReportPeriodError, build_report, filename,
                                   render_quarterly_pdf, report_period)
from app.reports import quarterly_views
from app.reports.submission_rules import can_submit, submission_state
from app.reports.submissions import (ReportClosed, children_submissions, deadline_of, last_ended_period,
                                     live_changes, save_sections, section_history, submit)
from app.stats import periods
from app.stats.figures import report_06
from app.stats.periods import PeriodKind
from app.units.models import Unit
from app.units.scope import get_visible_unit_or_404, subtree_unit_ids
from app.worktime.clock import local_now

report_bp = Blueprint("report", __name__)
log = logging.getLogger(__name__)


def may_write(unit: Unit) -> bool:
    """Only the chair of the unit itself writes and submits its report (DOMAIN.md "People": the chair
    reviews figures and signs reports)."""
    return current_user.role == Role.CHAIR and current_user.unit_id == unit.id


def _cutoff_day() -> int:
    return current_app.config["REPORT_CUTOFF_DAY"]


def _submit_days() -> int:
    return current_app.config["REPORT_SUBMIT_DAYS"]


def _requested_period(values) -> tuple[str, int, int]:
    """kind, year, number from a query string or a form; the last ended quarter by default. OutOfBounds
    (a Vietnamese message) for anything unreadable."""
    kind = values.get("kind", PeriodKind.QUARTER.value)
    if kind not in REPORT_KINDS:
        raise OutOfBounds("Chỉ lập báo cáo tháng hoặc quý.")
    year, number = last_ended_period(kind, local_now().date(), _cutoff_day())
    year = query_value(values, "year", calendar_year, default=year)
    number = query_value(values, "number", bounded_int, 1, 12 if kind == PeriodKind.MONTH.value else 4,
                         "Tháng" if kind == PeriodKind.MONTH.value else "Quý", default=number)
    return kind, year, number


def _period_args(report: QuarterlyReport) -> dict:
    return {"kind": report.kind, "year": report.year, "number": report.quarter}


def _error(title: str, message: str, status: int = 422):
    return render_template("errors/error.html", status=status, title=title, message=message), status


def _build(unit: Unit, values, **kwargs) -> QuarterlyReport:
    kind, year, number = _requested_period(values)
    return build_report(unit, kind, year, number, local_now().date(), _cutoff_day(), **kwargs)


@report_bp.get("/units/<int:unit_id>/report")
@login_required
def report_page(unit_id: int):
    unit = get_visible_unit_or_404(unit_id)
    today = local_now().date()
    try:
        report = _build(unit, request.args)
    except (OutOfBounds, ReportPeriodError) as error:
        return _error("Không lập được báo cáo", str(error))
    submission = report.submission
    changes = []
    if submission is not None:
        changes = live_changes(submission, report_06(unit, report.period.start, report.end).total)
    deadline = submission.due_on if submission else deadline_of(unit, report.period.end, _submit_days())
    state = submission_state(report.period.end, deadline, today,
                             submission.submitted_at.date() if submission else None)
    history = section_history(unit, report.kind, report.year, report.quarter)
    return render_template(
        "reports/report_page.html", unit=unit, r=report, submission=submission, changes=changes,
        deadline=deadline, state=state, history=history, may_write=may_write(unit) and submission is None,
        may_submit=may_write(unit) and submission is None and can_submit(report.period.end, today),
        period_over=can_submit(report.period.end, today),
        sections=list(ReportSection), period_args=_period_args(report), kinds=REPORT_KINDS,
        years=list(range(today.year, today.year - 6, -1)), has_children=bool(unit.children),
    )


@report_bp.post("/units/<int:unit_id>/report/sections")
@roles_required(Role.CHAIR)
def sections_save(unit_id: int):
    unit = get_visible_unit_or_404(unit_id)
    if not may_write(unit):
        abort(403)
    try:
        kind, year, number = _requested_period(request.form)
    except OutOfBounds as error:
        return _error("Không lưu được nội dung báo cáo", str(error))
    texts = {section.value: request.form[section.value] for section in ReportSection if section.value in request.form}
    try:
        changed = save_sections(unit, kind, year, number, texts, current_user, local_now())
    except ReportClosed as error:
        db.session.rollback()
        flash(str(error), "error")
    else:
        db.session.commit()
        if changed:
            flash("Đã lưu: " + ", ".join(section.label for section in changed) + ".", "success")
        else:
            flash("Nội dung không thay đổi: không lưu thêm bản nào.", "info")
    return redirect(url_for("report.report_page", unit_id=unit.id, kind=kind, year=year, number=number), code=303)


@report_bp.post("/units/<int:unit_id>/report/submit")
@roles_required(Role.CHAIR)
def report_submit(unit_id: int):
    unit = get_visible_unit_or_404(unit_id)
    if not may_write(unit):
        abort(403)
    try:
        report = _build(unit, request.form, report_number=request.form.get("report_number", "")[:20], live=True)
    except (OutOfBounds, ReportPeriodError) as error:
        return _error("Không gửi được báo cáo", str(error))
    if request.form.get("confirm") != "1":
        flash("Hãy đánh dấu ô xác nhận đã đọc lại báo cáo trước khi gửi.", "error")
        return redirect(url_for("report.report_page", unit_id=unit.id, **_period_args(report)), code=303)
    try:
        submission = submit(report, current_user, local_now(), _submit_days())
    except ReportClosed as error:
        flash(str(error), "error")
    else:
        flash(f"Đã chốt số liệu và gửi báo cáo {report.period_name} lên cấp trên"
              + (" (quá hạn gửi)." if submission.is_late else "."), "success")
    return redirect(url_for("report.report_page", unit_id=unit.id, **_period_args(report)), code=303)


def _subtree_size(unit: Unit) -> int:
    return db.session.scalar(select(func.count()).select_from(subtree_unit_ids(unit).subquery()))


@report_bp.get("/units/<int:unit_id>/report.pdf")
@login_required
def report_pdf(unit_id: int):
    """The report as an A4 PDF; a unit with many units below it prints in the background."""
    unit = get_visible_unit_or_404(unit_id)
    number_text = request.args.get("report_number", "")[:20]
    try:
        kind, year, number = _requested_period(request.args)
        report = None
        units = _subtree_size(unit)
        if units >= quarterly_views.IN_BACKGROUND_FROM_UNITS:
            # Checks the period first (a 422 now rather than a failed job later), without counting anything.
            _check_period(kind, year, number)
            version = _content_version(unit, kind, year, number)
            job = enqueue_once("quarterly", unit.id, {"kind": kind, "year": year, "quarter": number,
                                                      "number": number_text, "version": version},
                               units, f"bao-cao-{kind}-{number}-{year}-{unit.code}.pdf", current_user.id)
            return redirect(url_for("papers.job", job_id=job.id), code=303)
        report = build_report(unit, kind, year, number, local_now().date(), _cutoff_day(), number_text)
    except (OutOfBounds, ReportPeriodError) as error:
        return _error("Không lập được báo cáo", str(error))
    try:
        pdf = render_quarterly_pdf(report)
    except (Exception, FatalURLFetchingError):
        log.exception("Không in được báo cáo %s %s/%s của %s", kind, number, year, unit.code)
        return _error("Chưa in được báo cáo", "Bản in báo cáo đang bị lỗi; số liệu không bị ảnh hưởng. "
                      "Vui lòng thử lại sau ít phút.", 503)
    return pdf, 200, {"Content-Type": "application/pdf",
                      "Content-Disposition": f'inline; filename="{filename(report)}"'}


def _check_period(kind: str, year: int, number: int) -> None:
    period = report_period(kind, year, number, _cutoff_day())
    if period.start > local_now().date():
        raise ReportPeriodError(f"{period.label} chưa bắt đầu (từ {period.start:%d/%m/%Y}).")


def _content_version(unit: Unit, kind: str, year: int, number: int) -> str:
    """Changes when the chair saves a section or submits: a background paper asked for again after that is
    printed anew, not reused."""
    revision = db.session.scalar(select(func.max(ReportSectionRevision.id)).where(
        ReportSectionRevision.unit_id == unit.id, ReportSectionRevision.period_kind == kind,
        ReportSectionRevision.year == year, ReportSectionRevision.number == number)) or 0
    submitted = db.session.scalar(select(ReportSubmission.id).where(
        ReportSubmission.unit_id == unit.id, ReportSubmission.period_kind == kind, ReportSubmission.year == year,
        ReportSubmission.number == number)) or 0
    return f"{revision}-{submitted}"


@report_bp.get("/units/<int:unit_id>/report.docx")
@login_required
def report_docx(unit_id: int):
    """The same report as an editable Word file (the ward office edits it before signing)."""
    unit = get_visible_unit_or_404(unit_id)
    try:
        report = _build(unit, request.args, report_number=request.args.get("report_number", "")[:20])
    except (OutOfBounds, ReportPeriodError) as error:
        return _error("Không lập được báo cáo", str(error))
    return render_report_docx(report), 200, {
        "Content-Type": DOCX_MIMETYPE, "Content-Disposition": f'attachment; filename="{filename(report, "docx")}"'}


@report_bp.get("/units/<int:unit_id>/submissions")
@roles_required(Role.CHAIR, Role.OFFICER, Role.ADMIN)
def submissions_page(unit_id: int):
    """For a higher unit: which units below it submitted the period's report, when, which are late, and how
    their live figures moved since."""
    unit = get_visible_unit_or_404(unit_id)
    today = local_now().date()
    try:
        kind, year, number = _requested_period(request.args)
        period = report_period(kind, year, number, _cutoff_day())
    except (OutOfBounds, ReportPeriodError) as error:
        return _error("Không xem được tình hình gửi báo cáo", str(error))
    deadline, rows = children_submissions(unit, kind, year, number, period.start, period.end, today, _submit_days())
    return render_template(
        "reports/submissions.html", unit=unit, rows=rows, deadline=deadline, period=period, kind=kind, year=year,
        number=number, kinds=REPORT_KINDS, years=list(range(today.year, today.year - 6, -1)),
        period_name=f"{REPORT_KINDS[kind]} {number if kind == 'month' else periods.ROMAN[number]} năm {year}",
        submitted=sum(row.submission is not None for row in rows),
        late=sum(row.state.is_bad for row in rows), changed=sum(bool(row.changes) for row in rows),
    )
