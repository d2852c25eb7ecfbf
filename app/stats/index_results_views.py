"""The published PAR index results of a higher unit (kết quả công bố chỉ số CCHC): the page, the
announcement PDF and the XLSX. Officers and administrators of the unit or above it; a ward reads its own
line on its index page."""
import logging

from flask import Response, render_template, request
from weasyprint.urls import FatalURLFetchingError

from app.auth.models import Role
from app.auth.permissions import roles_required
from app.stats.index_results_files import render_results_pdf, results_filename, results_xlsx
from app.stats.index_service import published_results, rubric_years, rubrics_of_year
from app.stats.index_views import index_bp
from app.stats.par_results import change_text, percent_text
from app.units.scope import get_visible_unit_or_404
from app.worktime.clock import local_now

log = logging.getLogger(__name__)

DEFAULT_RUBRIC = "par-xa"  # the whole index, when the year has it
MIN_YEAR, MAX_YEAR = 2000, 2100
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _arguments():
    """(year, rubric code or None, rubrics of the year, problem or None) from ?year=&rubric=."""
    today = local_now().date()
    problem = None
    year = request.args.get("year", type=int)
    if "year" in request.args and (year is None or not MIN_YEAR <= year <= MAX_YEAR):
        problem = f"Năm phải là số từ {MIN_YEAR} đến {MAX_YEAR}."
        year = None
    year = year or today.year
    rubrics = rubrics_of_year(year)
    codes = [rubric.code for rubric in rubrics]
    code = request.args.get("rubric") or (DEFAULT_RUBRIC if DEFAULT_RUBRIC in codes else None)
    if code not in codes:
        if "rubric" in request.args and problem is None:
            problem = f"Năm {year} không có bộ tiêu chí {request.args['rubric'][:40]}."
        code = codes[0] if codes else None
    return today, year, code, rubrics, problem


def _results_or_error(unit_id: int):
    unit = get_visible_unit_or_404(unit_id)
    today, year, code, _rubrics, problem = _arguments()
    if problem or code is None:
        message = problem or f"Năm {year} chưa có bộ tiêu chí chấm điểm."
        return None, (render_template("errors/error.html", status=422, title="Chưa lập được kết quả công bố",
                                      message=message), 422)
    return (published_results(unit, year, code, today), today), None


@index_bp.get("/units/<int:unit_id>/index/results")
@roles_required(Role.OFFICER, Role.ADMIN)
def results(unit_id: int):
    """?year=YYYY&rubric=CODE: every unit directly below, ranked within its block, and each block's figures."""
    unit = get_visible_unit_or_404(unit_id)
    today, year, code, rubrics, problem = _arguments()
    found = published_results(unit, year, code, today) if code else None
    years = sorted(set(rubric_years()) | {today.year, year}, reverse=True)
    return render_template("stats/index_results.html", unit=unit, year=year, years=years, rubrics=rubrics,
                           rubric_code=code, found=found, problem=problem, percent_text=percent_text,
                           change_text=change_text), (
        422 if problem else 200)


@index_bp.get("/units/<int:unit_id>/index/results.pdf")
@roles_required(Role.OFFICER, Role.ADMIN)
def results_pdf(unit_id: int):
    """The announcement (thông báo) to sign; ?number= fills in its number."""
    found, error = _results_or_error(unit_id)
    if error:
        return error
    results_found, today = found
    try:
        pdf = render_results_pdf(results_found, today, request.args.get("number", "")[:20])
    except (Exception, FatalURLFetchingError):
        log.exception("Không in được kết quả chỉ số %s năm %s", results_found.parent.code, results_found.year)
        return render_template(
            "errors/error.html", status=503, title="Chưa in được thông báo kết quả chỉ số",
            message="Bản in đang bị lỗi; điểm số không bị ảnh hưởng. Vui lòng thử lại sau ít phút.",
        ), 503
    return pdf, 200, {"Content-Type": "application/pdf",
                      "Content-Disposition": f'inline; filename="{results_filename(results_found, "pdf")}"'}


@index_bp.get("/units/<int:unit_id>/index/results.xlsx")
@roles_required(Role.OFFICER, Role.ADMIN)
def results_xlsx_download(unit_id: int):
    found, error = _results_or_error(unit_id)
    if error:
        return error
    results_found, _today = found
    response = Response(results_xlsx(results_found), mimetype=XLSX_MIMETYPE)
    response.headers["Content-Disposition"] = f'attachment; filename="{results_filename(results_found, "xlsx")}"'
    return response
