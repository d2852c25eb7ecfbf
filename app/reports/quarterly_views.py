"""The quarterly report as a PDF, opened in a new tab from a unit's dashboard (the same paper as
`flask report pdf`)."""
import logging

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import func, select
from weasyprint.urls import FatalURLFetchingError

from app.bounds import MAX_ID, bounded_int, calendar_year, query_value
from app.extensions import db
from app.reports.jobs import enqueue_once
from app.reports.quarterly import (ReportPeriodError, build_quarterly_report, filename, quarter_of,
                                   render_quarterly_pdf)
from app.units.scope import get_visible_unit_or_404, subtree_unit_ids
from app.worktime.clock import local_now

quarterly_bp = Blueprint("quarterly", __name__)
log = logging.getLogger(__name__)
# A ward's or a small district's report renders in the request (about 0.5 s); from this many units in the
# subtree it is printed in the background.
IN_BACKGROUND_FROM_UNITS = 10


@quarterly_bp.get("/units/<int:unit_id>/report-q.pdf")
@login_required
def report_pdf(unit_id: int):
    """?year=YYYY&quarter=1..4[&number=12]; without year and quarter, the reporting quarter of today."""
    unit = get_visible_unit_or_404(unit_id)
    today = local_now().date()
    cutoff_day = current_app.config["REPORT_CUTOFF_DAY"]
    year, quarter = quarter_of(today, cutoff_day)
    year = query_value(request.args, "year", calendar_year, default=year)
    # Only bounded to an int here: build_quarterly_report explains a quarter that is not 1–4.
    quarter = query_value(request.args, "quarter", bounded_int, -MAX_ID, MAX_ID, "Quý", default=quarter)
    units = db.session.scalar(select(func.count()).select_from(subtree_unit_ids(unit).subquery()))
    if units >= IN_BACKGROUND_FROM_UNITS:
        # A unit with many below it: printed in the background like the register (app/reports/jobs.py).
        number = request.args.get("number", "")[:20]
        job = enqueue_once("quarterly", unit.id, {"year": year, "quarter": quarter, "number": number}, units,
                           f"bao-cao-quy-{quarter}-{year}-{unit.code}.pdf", current_user.id)
        return redirect(url_for("papers.job", job_id=job.id), code=303)
    try:
        report = build_quarterly_report(unit, year, quarter, today, cutoff_day, request.args.get("number", ""))
    except ReportPeriodError as error:
        return render_template("errors/error.html", status=422, title="Không lập được báo cáo quý",
                               message=str(error)), 422
    try:
        pdf = render_quarterly_pdf(report)
    except (Exception, FatalURLFetchingError):
        log.exception("Không in được báo cáo quý %s/%s của %s", quarter, year, unit.code)
        return render_template(
            "errors/error.html", status=503, title="Chưa in được báo cáo quý",
            message="Bản in báo cáo đang bị lỗi; số liệu không bị ảnh hưởng. Vui lòng thử lại sau ít phút.",
        ), 503
    return pdf, 200, {
        "Content-Type": "application/pdf",
        "Content-Disposition": f'inline; filename="{filename(report)}"',
    }
