"""The unit's Decision 766 page: `/units/<id>/766?month=YYYY-MM` — the month's score and groups, the 12-month trend,
the criteria that lost points with the records behind each, and for a higher unit its units ranked."""
import re
from datetime import date

from flask import abort, render_template, request
from flask_login import login_required
from markupsafe import Markup

from app.bounds import OutOfBounds, check_day
from app.stats.chart import score_trend_chart
from app.stats.index_service import RubricNotFound, figure_text
from app.stats.par_index import rank_label
from app.stats.par_results import percent_text
from app.stats.qd766 import DRILL_DOWN_LABELS
from app.stats.qd766_service import drill_down, rank_children_month, score_month, trend
from app.stats.views import stats_bp
from app.units.models import UnitKind
from app.units.scope import get_visible_unit_or_404
from app.worktime.clock import local_now

_MONTH = re.compile(r"(\d{4})-(\d{2})")


def parse_month(text: str, default: tuple[int, int]) -> tuple[int, int]:
    """"YYYY-MM" within the years the app keeps; the default when blank; OutOfBounds otherwise."""
    text = (text or "").strip()
    if not text:
        return default
    match = _MONTH.fullmatch(text[:7]) if len(text) == 7 else None
    if match is None or not 1 <= int(match[2]) <= 12:
        raise OutOfBounds(f"«{text[:20]}» không phải tháng dạng YYYY-MM.")
    year, month = int(match[1]), int(match[2])
    check_day(date(year, month, 1), "Tháng")
    return year, month


@stats_bp.get("/units/<int:unit_id>/766")
@login_required
def qd766_unit(unit_id: int):
    unit = get_visible_unit_or_404(unit_id)
    today = local_now().date()
    try:
        year, month = parse_month(request.args.get("month", ""), (today.year, today.month))
    except OutOfBounds as error:
        abort(400, str(error))
    month_value = f"{year}-{month:02d}"
    try:
        result = score_month(unit, year, month)
    except RubricNotFound:
        return render_template("stats/qd766_unit.html", unit=unit, result=None, year=year, month_value=month_value)
    months = trend(unit, year, month)
    points = [(f"{item.month:02d}/{item.year}" if item else "", item.score.percent if item else None)
              for item in months]
    drill_downs = {}
    for item in result.lost():
        if item.drill_down and item.drill_down not in drill_downs:
            drill_downs[item.drill_down] = drill_down(unit, item.drill_down, result.first, result.last)
    ranking = rank_children_month(unit, year, month) if unit.kind != UnitKind.WARD else []
    return render_template(
        "stats/qd766_unit.html", unit=unit, result=result, year=year, month_value=month_value,
        chart=Markup(score_trend_chart(points, "Điểm chỉ số 766 (%) 12 tháng", f"Điểm chỉ số 766 của {unit.name}")),
        trend=points, lost=result.lost(), drill_downs=drill_downs, drill_labels=DRILL_DOWN_LABELS,
        ranking=ranking, percent_text=percent_text, figure_text=figure_text, rank_label=rank_label)
