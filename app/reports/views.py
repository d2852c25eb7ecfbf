"""The papers as PDFs, opened in a new tab: a dossier's receipt, supplement request, refusal, apology,
notice of stopping and control slip, and a unit's register (PDF and XLSX) for a range of receipt dates."""
import logging

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from weasyprint.urls import FatalURLFetchingError

from app.bounds import query_value, record_id
from app.dossiers.lifecycle import Action, DossierState
from app.dossiers.models import Dossier, DossierEvent, Outcome
from app.dossiers.regime import uses_new_forms
from app.extensions import db
from app.reports.control import StepEvent, control_rows, due_in_force
from app.reports.forms import RegisterDatesForm, RegisterRangeForm
from app.reports.jobs import enqueue
from app.reports.kept import kept_pdf
from app.reports.letterhead import Signer, committee_signer, document_date, working_time_label
from app.reports.papers import Paper, has_form, legal_basis, paper_title, register_book_number, register_legal_basis
from app.reports.pdf import FONT_FAMILY, render_pdf
from app.reports.qr import qr_svg
from app.reports.register import MAX_PDF_ROWS, register_count, register_lines, register_xlsx
from app.units.models import Unit, UnitKind
from app.units.scope import get_visible_or_404, get_visible_unit_or_404, visible_units
from app.worktime.clock import calendar_for, local_now
from app.worktime.deadlines import crosses_estimated_days, working_time_between

reports_bp = Blueprint("reports", __name__)
log = logging.getLogger(__name__)

# What reports/_paper_macros.html needs in every template (the quarterly report's too).
reports_bp.add_app_template_filter(document_date, "document_date")
reports_bp.add_app_template_global(Signer, "Signer")
reports_bp.add_app_template_global(committee_signer, "committee_signer")

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _pdf_response(template: str, filename: str, failure: str, saved_note: str, keep_as=None, **context):
    """Render `template` to an inline PDF, or a friendly 503 page when WeasyPrint fails.

    The dossier (or register) is saved already: a paper that fails to print must not look like lost data.
    `keep_as` (dossier id, paper kind, dossier version): the paper is laid out once per version and kept
    (`app/reports/kept.py`).
    """
    try:
        html = render_template(template, font_family=FONT_FAMILY, **context)
        pdf = kept_pdf(*keep_as, html, render=render_pdf) if keep_as else render_pdf(html)
    except (Exception, FatalURLFetchingError):
        log.exception("%s (%s)", failure, filename)
        return render_template("errors/error.html", status=503, title=failure,
                               message=f"{saved_note} Vui lòng thử in lại sau ít phút."), 503
    return pdf, 200, {"Content-Type": "application/pdf", "Content-Disposition": f'inline; filename="{filename}"'}


def _dossier_pdf(dossier: Dossier, paper: Paper, template: str, prefix: str, on, *, by_committee: bool = False,
                 keep: bool = False, issuer: Unit | None = None, **context):
    """A dossier's paper dated `on`: its form (by the day of receipt), title, header and the desk's name (by `on`).

    The desk issues its slips under its own name below the committee's; the committee issues the apology
    and the notice of stopping (Decree 30/2020/NĐ-CP: a paper names the body that issues it).
    """
    unit, new_forms = issuer or dossier.unit, dossier.has_new_forms
    letterhead = unit.committee_letterhead if by_committee else unit.desk_letterhead(on.date())
    title = paper_title(paper, new_forms)
    return _pdf_response(
        template, f"{prefix}-{dossier.code}.pdf", f"Chưa in được {paper.title[0].lower()}{paper.title[1:]}",
        f"Hồ sơ {dossier.code} đã được lưu; chỉ có bản in bị lỗi.",
        keep_as=(dossier.id, prefix, dossier.version) if keep else None, dossier=dossier, legal_line=legal_basis(paper, new_forms), title=title, new_forms=new_forms,
        letterhead=letterhead, on=on, desk=unit.desk_name(on.date()), committee=unit.committee_name, **context,
    )


@reports_bp.get("/dossiers/<int:dossier_id>/receipt.pdf")
@login_required
def receipt(dossier_id: int):
    """The receipt and appointment (Giấy tiếp nhận hồ sơ và hẹn trả kết quả), A5."""
    dossier = get_visible_or_404(Dossier, dossier_id)
    # The QR code opens the public lookup with the code filled in (issue 6); the PIN, printed beside it, is
    # typed by the citizen and sent by POST, so that it is never in an address or a browser's history (issue 15).
    lookup_url = url_for("lookup.lookup", code=dossier.code, _external=True)
    book, number = register_book_number(dossier.code)
    # A due date counted across days the calendar only estimates is printed "(dự kiến)".
    due_estimated = crosses_estimated_days(calendar_for(dossier.unit), dossier.received_at, dossier.due_at)
    # Received for another unit (Decree 118/2025): the receiving desk issues it; it names the resolving
    # unit and the desk where the citizen collects the result, at the appointment that includes the hand-over.
    return _dossier_pdf(dossier, Paper.RECEIPT, "reports/receipt.html", "tiep-nhan", dossier.received_at, keep=True,
                        issuer=dossier.desk_unit, qr_code=Markup(qr_svg(lookup_url)), register_book=book,
                        register_number=number, due_estimated=due_estimated,
                        return_desk=dossier.return_unit.desk_name(dossier.received_at.date()))


def _step_events(dossier: Dossier) -> list[StepEvent]:
    """The dossier's events with their actors, in one query, as the control-slip logic takes them."""
    events = db.session.scalars(select(DossierEvent).where(DossierEvent.dossier_id == dossier.id)
                                .options(joinedload(DossierEvent.actor)).order_by(DossierEvent.id)).all()
    return [StepEvent(at=e.at, action=e.action, from_office=e.from_office, to_office=e.to_office,
                      actor=e.actor.full_name if e.actor else "", note=e.note, details=e.details or {})
            for e in events]


@reports_bp.get("/dossiers/<int:dossier_id>/supplement.pdf")
@login_required
def supplement(dossier_id: int):
    """The supplement request / guidance slip for the latest supplement period, or `?period=<id>`, A5."""
    dossier = get_visible_or_404(Dossier, dossier_id)
    periods = dossier.supplements
    if not periods:
        abort(404)
    period_id = query_value(request.args, "period", record_id)
    period = periods[-1] if period_id is None else next((p for p in periods if p.id == period_id), None)
    if period is None:
        abort(404)
    # The n-th request event goes with the n-th period: both are appended together, in order.
    requests = [e for e in dossier.events if e.action == Action.REQUEST_SUPPLEMENT]
    index = periods.index(period)
    request_event = requests[index] if index < len(requests) else None
    return _dossier_pdf(dossier, Paper.SUPPLEMENT, "reports/supplement.html", "yeu-cau-bo-sung", period.requested_at,
                        period=period, request_event=request_event, period_number=index + 1)


@reports_bp.get("/dossiers/<int:dossier_id>/refusal.pdf")
@login_required
def refusal(dossier_id: int):
    """The refusal slip of a dossier finished with outcome refused, A5."""
    dossier = get_visible_or_404(Dossier, dossier_id)
    if dossier.outcome != Outcome.REFUSED:
        abort(404)
    finish_event = next((e for e in reversed(dossier.events) if e.action in (Action.FINISH, Action.APPROVE_RESULT)), None)
    return _dossier_pdf(dossier, Paper.REFUSAL, "reports/refusal.html", "tu-choi", dossier.resolved_at,
                        finish_event=finish_event)


@reports_bp.get("/dossiers/<int:dossier_id>/apology.pdf")
@login_required
def apology(dossier_id: int):
    """The apology and new appointment, A5; marked as a draft until the chair approves it."""
    dossier = get_visible_or_404(Dossier, dossier_id)
    if dossier.apology is None:
        abort(404)
    apology = dossier.apology
    original_due_at = due_in_force(_step_events(dossier), apology.requested_at, dossier.due_at)
    # Circular 03/2025/TT-VPCP form 04 asks for the extension: the office time from the due time to the new one.
    extension = working_time_between(calendar_for(dossier.unit), original_due_at, apology.new_due_at)
    return _dossier_pdf(dossier, Paper.APOLOGY, "reports/apology.html", "xin-loi",
                        apology.approved_at or apology.requested_at, by_committee=True, apology=apology,
                        original_due_at=original_due_at,
                        extension=working_time_label(extension.total_seconds() / 3600))


@reports_bp.get("/dossiers/<int:dossier_id>/stopping.pdf")
@login_required
def stopping(dossier_id: int):
    """The notice of stopping a dossier (Circular 03/2025/TT-VPCP; no such form before 1 Jul 2025), A5."""
    dossier = get_visible_or_404(Dossier, dossier_id)
    if dossier.state != DossierState.STOPPED or not has_form(Paper.STOPPING, dossier.has_new_forms):
        abort(404)
    return _dossier_pdf(dossier, Paper.STOPPING, "reports/stopping.html", "dung-xu-ly", dossier.resolved_at,
                        by_committee=True)


@reports_bp.get("/dossiers/<int:dossier_id>/control.pdf")
@login_required
def control(dossier_id: int):
    """The control slip: one row per hand-off with its result (app/reports/control.py), A4 portrait."""
    dossier = get_visible_or_404(Dossier, dossier_id)
    rows = control_rows(_step_events(dossier), dossier.due_at, dossier.counted_in_hours, dossier.applicant_name)
    return _dossier_pdf(dossier, Paper.CONTROL, "reports/control.html", "kiem-soat", local_now(), rows=rows)


def _register_units() -> list[Unit]:
    """The units whose register the user may open: the wards (desks) of their subtree."""
    return db.session.scalars(visible_units().where(Unit.kind == UnitKind.WARD)).all()


@reports_bp.get("/register")
@login_required
def register_page():
    """The register's range picker; once filled, how many dossiers it holds and the PDF / XLSX links."""
    units = _register_units()
    form = RegisterRangeForm(request.args)
    form.unit_id.choices = [(unit.id, unit.name) for unit in units]
    if form.unit_id.data is None and units:
        own = next((unit for unit in units if unit.id == current_user.unit_id), units[0])
        form.unit_id.data = own.id
    count = unit = None
    status = 200
    if request.args:
        if form.validate():
            unit = next(unit for unit in units if unit.id == form.unit_id.data)
            count = register_count(unit, form.first_day.data, form.last_day.data)
        else:
            status = 422
    else:
        today = local_now().date()
        form.first_day.data, form.last_day.data = today.replace(day=1), today
    return render_template("reports/register_page.html", form=form, units=units, unit=unit, count=count,
                           max_pdf_rows=MAX_PDF_ROWS), status


def _register_range(unit_id: int, data=None):
    """The unit (404 outside the user's subtree) and the valid dates of the request, or an error answer."""
    unit = get_visible_unit_or_404(unit_id)
    form = RegisterDatesForm(request.args if data is None else data)
    if not form.validate():
        errors = "; ".join(error for field in form for error in field.errors)
        return unit, None, (render_template("errors/error.html", status=400, title="Khoảng ngày không hợp lệ",
                                            message=f"Sổ theo dõi hồ sơ: {errors}"), 400)
    return unit, form, None


def _register_titles(unit: Unit, first_day, last_day) -> list[str]:
    """The workbook's title rows: the desk that keeps the register today, the title, the range."""
    return [unit.desk_name(local_now().date()).upper(), "SỔ THEO DÕI HỒ SƠ",
            f"Hồ sơ tiếp nhận từ ngày {first_day:%d/%m/%Y} đến ngày {last_day:%d/%m/%Y}"]


def _register_legal_line(first_day, last_day) -> str:
    return register_legal_basis(uses_new_forms(first_day), uses_new_forms(last_day))


def register_paper_context(unit: Unit, lines, first_day, last_day) -> dict:
    """What `reports/register.html` needs besides the font (`app.reports.jobs` renders it)."""
    printed_at = local_now()
    return {"unit": unit, "lines": lines, "first_day": first_day, "last_day": last_day,
            "legal_line": _register_legal_line(first_day, last_day), "printed_at": printed_at,
            "letterhead": unit.desk_letterhead(printed_at.date()), "desk": unit.desk_name(printed_at.date())}


@reports_bp.post("/units/<int:unit_id>/register/print")
@login_required
def register_print(unit_id: int):
    """Start printing the register of `first_day`–`last_day` (form fields): a background job, whose page
    shows its progress and then the PDF (app/reports/jobs.py). A register runs to hundreds of pages: it
    is never rendered inside the request."""
    unit, form, error = _register_range(unit_id, request.form)
    if error:
        return error
    first_day, last_day = form.first_day.data, form.last_day.data
    count = register_count(unit, first_day, last_day)
    if count > MAX_PDF_ROWS:
        xlsx_url = url_for("reports.register_xlsx", unit_id=unit.id, first_day=f"{first_day:%d/%m/%Y}",
                           last_day=f"{last_day:%d/%m/%Y}")
        return render_template(
            "reports/register_too_long.html", unit=unit, count=count, max_pdf_rows=MAX_PDF_ROWS, xlsx_url=xlsx_url,
            first_day=first_day, last_day=last_day), 422
    job = enqueue("register", unit.id, {"first_day": first_day.isoformat(), "last_day": last_day.isoformat()},
                  count, f"so-theo-doi-{unit.code}-{first_day:%Y%m%d}-{last_day:%Y%m%d}.pdf", current_user.id)
    return redirect(url_for("papers.job", job_id=job.id), code=303)


@reports_bp.get("/units/<int:unit_id>/register.xlsx", endpoint="register_xlsx")
@login_required
def register_xlsx_view(unit_id: int):
    """The same register as an Excel workbook, for ranges of any size."""
    unit, form, error = _register_range(unit_id)
    if error:
        return error
    first_day, last_day = form.first_day.data, form.last_day.data
    titles = _register_titles(unit, first_day, last_day) + [_register_legal_line(first_day, last_day)]
    data = register_xlsx(register_lines(unit, first_day, last_day), titles)
    filename = f"so-theo-doi-{unit.code}-{first_day:%Y%m%d}-{last_day:%Y%m%d}.xlsx"
    return data, 200, {"Content-Type": XLSX_MIMETYPE, "Content-Disposition": f'attachment; filename="{filename}"'}
