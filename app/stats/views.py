"""Pages of the figures: a unit's dashboard (with the period picker), the comparison of its child units,
and the CSV/XLSX downloads of both tables. Every number comes from the engine (`report_06`,
`children_report`); this module only chooses periods, ranks and lays out."""
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from flask import Blueprint, current_app, redirect, request, url_for
from flask_login import current_user, login_required
from markupsafe import Markup
from sqlalchemy import func, select

from app.bounds import OutOfBounds, bounded_int, calendar_year, parse_day, query_value
from app.dossiers.models import Dossier
from app.dossiers.queries import DeskClock, SearchFilters, deadlines_of, desk_list_condition, dossier_search
from app.extensions import db
from app.htmx import is_fragment_request, render_page_or_fragment
from app.reports.quarterly import INDEX_RUBRIC, quarter_of
from app.reports.submissions import live_changes, submitted_counts
from app.stats import periods
from app.stats.chart import ChartMonth, UnitBar, comparison_chart, volume_rate_chart
from app.stats.exports import FiguresTable, download
from app.jinja_filters import format_number
from app.stats.figures import Counts, Report06, children_report, monthly_flows, ratio, report_06, satisfaction
from app.stats.index_service import RubricNotFound, offering_summaries_by_child, rank_children
from app.stats.par_index import competition_ranks, rank_label
from app.stats.periods import ROMAN, Period, PeriodKind
from app.stats.table06 import CSV_HEADER, report_06_rows
from app.units.models import Unit
from app.units.scope import get_visible_unit_or_404, subtree_unit_ids, visible
from app.vntext import fold
from app.worktime.clock import calendar_for, local_now

stats_bp = Blueprint("stats", __name__)

OVERDUE_LIST_LENGTH = 10
CHART_MONTHS = 12
EARLIEST_YEAR = 2015

PERIOD_KINDS = {
    PeriodKind.MONTH: "Tháng",
    PeriodKind.QUARTER: "Quý",
    PeriodKind.HALF_YEAR: "6 tháng",
    PeriodKind.YEAR: "Năm",
    PeriodKind.CUSTOM: "Khoảng ngày tự chọn",
}
NUMBER_CHOICES = {
    PeriodKind.MONTH: [(n, f"Tháng {n}") for n in range(1, 13)],
    PeriodKind.QUARTER: [(n, f"Quý {ROMAN[n]}") for n in range(1, 5)],
    PeriodKind.HALF_YEAR: [(1, "6 tháng đầu năm"), (2, "6 tháng cuối năm")],
}
NAMED = {PeriodKind.MONTH: periods.month, PeriodKind.QUARTER: periods.quarter, PeriodKind.HALF_YEAR: periods.half_year}


@dataclass(frozen=True)
class PeriodChoice:
    """The period the picker asked for, and the days the figures cover: the period's days up to today
    (an open period's pending dossiers are counted as of today, not as of a future end)."""

    period: Period
    year: int
    number: int | None
    end: date  # last day counted, inclusive: period.end, or today while the period runs
    error: str = ""

    @property
    def kind(self) -> str:
        return self.period.kind.value

    @property
    def start(self) -> date:
        return self.period.start

    @property
    def is_running(self) -> bool:
        return self.end < self.period.end

    @property
    def args(self) -> dict[str, str]:
        """The query string that selects this period again (for links, exports, sorting)."""
        if self.period.kind == PeriodKind.CUSTOM:
            return {"period": self.kind, "from": self.start.isoformat(), "to": self.period.end.isoformat()}
        args = {"period": self.kind, "year": str(self.year)}
        if self.number is not None:
            args["number"] = str(self.number)
        return args


def _reporting_year(day: date, cutoff_day: int) -> int:
    """The year whose reporting period `day` lies in (from 15/12 on, next year's with a cutoff of 15)."""
    return periods.containing(day, PeriodKind.YEAR, cutoff_day).end.year


def _number_of(period: Period, kind: PeriodKind) -> int | None:
    """Which month, quarter or half of its year a named period is (from its last day, as in its label)."""
    month = period.end.month  # the last month: "Tháng 12" with a cutoff of 15 ends on 14/12
    return {PeriodKind.MONTH: month, PeriodKind.QUARTER: (month - 1) // 3 + 1,
            PeriodKind.HALF_YEAR: 1 if month <= 6 else 2}.get(kind)


def choose_period(args, today: date, cutoff_day: int) -> PeriodChoice:
    """The period of the picker's query string; anything unreadable falls back to the running reporting
    month, with a message. A month, quarter or half-year number that does not fit the kind (after the
    kind was switched) becomes that kind's latest period of the year that has started."""
    default = periods.containing(today, PeriodKind.MONTH, cutoff_day)
    default_choice = PeriodChoice(default, default.end.year, _number_of(default, PeriodKind.MONTH),
                                  min(default.end, today))

    def fallback(message: str) -> PeriodChoice:
        return PeriodChoice(default, default_choice.year, default_choice.number, default_choice.end, message)

    kind_text = args.get("period", "")
    if not kind_text:
        return default_choice
    try:
        kind = PeriodKind(kind_text)
    except ValueError:
        return fallback("Không có loại kỳ này; đang xem tháng hiện tại.")

    if kind == PeriodKind.CUSTOM:
        start_text, end_text = args.get("from", "").strip(), args.get("to", "").strip()
        if not start_text and not end_text:
            start, end = today.replace(day=1), today
        else:
            try:
                start, end = parse_day(start_text), parse_day(end_text)
            except ValueError:
                return fallback("Ngày không hợp lệ (dd/mm/yyyy). Đang xem tháng hiện tại.")
        if end < start:
            return fallback("Ngày kết thúc trước ngày bắt đầu. Đang xem tháng hiện tại.")
        if start > today:
            return fallback("Khoảng ngày chưa bắt đầu. Đang xem tháng hiện tại.")
        period = periods.custom(start, end)
        return PeriodChoice(period, start.year, None, min(end, today))

    last_year = _reporting_year(today, cutoff_day)
    try:
        year = query_value(args, "year", calendar_year, default=last_year)
        number = query_value(args, "number", bounded_int, 1, 12, "Số kỳ")
    except OutOfBounds:
        return fallback(f"Năm phải từ {EARLIEST_YEAR} đến {last_year}. Đang xem tháng hiện tại.")
    if not EARLIEST_YEAR <= year <= last_year:
        return fallback(f"Năm phải từ {EARLIEST_YEAR} đến {last_year}. Đang xem tháng hiện tại.")
    if kind == PeriodKind.YEAR:
        period, number = periods.year(year, cutoff_day), None
    else:
        numbers = [n for n, _ in NUMBER_CHOICES[kind]]
        if number not in numbers:
            if year == last_year:
                number = _number_of(periods.containing(today, kind, cutoff_day), kind)
            else:
                number = numbers[-1]
        period = NAMED[kind](year, number, cutoff_day)
    if period.start > today:
        return fallback(f"{period.label} chưa bắt đầu (từ {period.start:%d/%m/%Y}). Đang xem tháng hiện tại.")
    return PeriodChoice(period, year, number, min(period.end, today))


def _picker_context(choice: PeriodChoice, today: date, cutoff_day: int) -> dict:
    return {
        "choice": choice,
        "cutoff_day": cutoff_day,
        "period_kinds": PERIOD_KINDS,
        "number_choices": NUMBER_CHOICES.get(PeriodKind(choice.kind), []),
        "years": list(range(_reporting_year(today, cutoff_day), EARLIEST_YEAR - 1, -1)),
    }


def _today() -> date:
    return local_now().date()


def _cutoff_day() -> int:
    return current_app.config["REPORT_CUTOFF_DAY"]


def _breadcrumb(unit: Unit) -> list[Unit]:
    """The units above `unit` that the user may see (up to their own), top first."""
    ids = [int(part) for part in unit.path.strip("/").split("/")[:-1]]
    if not ids:
        return []
    above = db.session.scalars(visible(select(Unit).where(Unit.id.in_(ids)), Unit.id)).all()
    return sorted(above, key=lambda u: len(u.path))


def _pushed_url(args: dict[str, str]) -> dict[str, str]:
    """For htmx, the address bar gets the period as understood (a month number left over after the kind
    was switched to quarters is not kept), so that reloading or sharing it shows the same figures."""
    if not is_fragment_request():
        return {}
    return {"HX-Push-Url": url_for(request.endpoint, **request.view_args, **args)}


def _has_children(unit: Unit) -> bool:
    return db.session.scalar(select(func.count()).where(Unit.parent_id == unit.id)) > 0


def report_quarter(choice: PeriodChoice, cutoff_day: int) -> tuple[int, int]:
    """(year, quarter) of the quarterly report the dashboard offers: the quarter it shows, or else the
    reporting quarter that the last day it shows lies in."""
    if choice.period.kind == PeriodKind.QUARTER:
        return choice.year, choice.number
    return quarter_of(choice.end, cutoff_day)


def _figures_context(unit: Unit, choice: PeriodChoice, today: date) -> dict:
    report = report_06(unit, choice.start, choice.end)
    quarter_year, quarter_number = report_quarter(choice, _cutoff_day())
    return {
        "unit": unit,
        "report": report,
        "satisfaction": satisfaction(unit, choice.start, choice.end),
        "report_quarter": {"year": quarter_year, "quarter": quarter_number, "roman": ROMAN[quarter_number]},
        "table": list(zip(report_06_rows(report), [counts for _, counts in report.rows] + [report.total], strict=True)),
        **_picker_context(choice, today, _cutoff_day()),
    }


@dataclass
class GlanceCard:
    title: str
    period: Period
    end: date
    report: Report06


def _glance_and_chart(unit: Unit, today: date, cutoff_day: int) -> tuple[list[GlanceCard], list[ChartMonth]]:
    """This month, quarter and year up to today, read with the same cutoff day as the period picker and the
    Report 06 table below them (one definition of a period on the page: the cards and the table never show
    two different quarters, issue 11), and the last twelve calendar months for the chart (their flows, in
    one pass of the engine)."""
    cards = []
    for kind, title in ((PeriodKind.MONTH, "Tháng này"), (PeriodKind.QUARTER, "Quý này"), (PeriodKind.YEAR, "Năm nay")):
        period = periods.containing(today, kind, cutoff_day=cutoff_day)
        end = min(period.end, today)
        cards.append(GlanceCard(title, period, end, report_06(unit, period.start, end)))
    chart_periods = periods.last_months(today, CHART_MONTHS)
    flows = monthly_flows(unit, chart_periods[0].start, today)
    months = []
    for period in chart_periods:
        counts = flows.get((period.start.year, period.start.month), Counts())
        months.append(ChartMonth(period.start.year, period.start.month, counts.online, counts.direct_or_post,
                                 counts.on_time_rate))
    return cards, months


def _overdue_now(unit: Unit) -> tuple[list[Dossier], int]:
    """Open dossiers of the unit's subtree past their due time now (the desk's "overdue" list)."""
    clock = DeskClock.at(local_now(), calendar_for(unit))
    in_subtree = Dossier.unit_id.in_(subtree_unit_ids(unit))
    stmt = dossier_search(SearchFilters(desk_list="overdue", sort="due_asc"), clock).where(in_subtree)
    dossiers = db.session.scalars(stmt.limit(OVERDUE_LIST_LENGTH)).unique().all()
    count = db.session.scalar(visible(select(func.count(Dossier.id)), Dossier.unit_id).where(
        in_subtree, desk_list_condition("overdue", clock)))
    return dossiers, count


def _chart_svg(unit: Unit, months: list[ChartMonth]) -> Markup:
    first, last = months[0], months[-1]
    description = (f"Biểu đồ cột: số hồ sơ tiếp nhận mới mỗi tháng của {unit.name} từ {first.long_label.lower()} "
                   f"đến {last.long_label.lower()}, chia theo kênh trực tuyến và trực tiếp, bưu chính; đường: tỷ lệ hồ "
                   f"sơ giải quyết trước và đúng hạn trong tháng. Số liệu chi tiết ở bảng ngay sau biểu đồ.")
    return Markup(volume_rate_chart(months, f"Hồ sơ tiếp nhận và tỷ lệ trước và đúng hạn 12 tháng: {unit.name}", description))


@stats_bp.get("/units/<int:unit_id>/figures")
@login_required
def dashboard(unit_id: int):
    unit = get_visible_unit_or_404(unit_id)
    today = _today()
    choice = choose_period(request.args, today, _cutoff_day())
    context = _figures_context(unit, choice, today)
    if not is_fragment_request():
        cards, months = _glance_and_chart(unit, today, _cutoff_day())
        overdue, overdue_count = _overdue_now(unit)
        context.update(
            today=today, cards=cards, months=months, chart=_chart_svg(unit, months),
            offerings=cards[0].report.offerings, breadcrumb=_breadcrumb(unit), has_children=_has_children(unit),
            overdue=overdue, overdue_count=overdue_count, deadlines=deadlines_of(overdue, local_now()), is_own_unit=unit.id == current_user.unit_id,
        )
    body = render_page_or_fragment("stats/dashboard.html", "stats/_figures.html", **context)
    return body, 422 if choice.error else 200, _pushed_url(choice.args)


def _period_subtitle(choice: PeriodChoice) -> str:
    name = "Khoảng ngày" if choice.period.kind == PeriodKind.CUSTOM else choice.period.label
    text = f"{name}: từ {choice.start:%d/%m/%Y} đến {choice.end:%d/%m/%Y}"
    if choice.is_running:
        text += f" (kỳ chưa kết thúc, số liệu đến hết ngày {choice.end:%d/%m/%Y})"
    return text


def _back_to_page(endpoint: str, unit: Unit):
    """A download asked for a period that cannot be read: the page says why (and offers a good one)."""
    return redirect(url_for(endpoint, unit_id=unit.id, **request.args), code=303)


def _file_stem(kind: str, unit: Unit, choice: PeriodChoice) -> str:
    return f"{kind}_{unit.code}_{choice.start:%Y%m%d}-{choice.end:%Y%m%d}"


@stats_bp.get("/units/<int:unit_id>/figures.<any(csv, xlsx):file_format>")
@login_required
def figures_export(unit_id: int, file_format: str):
    """The Report 06 table of the dashboard, for the same period parameters."""
    unit = get_visible_unit_or_404(unit_id)
    choice = choose_period(request.args, _today(), _cutoff_day())
    if choice.error:
        return _back_to_page("stats.dashboard", unit)
    report = report_06(unit, choice.start, choice.end)
    table = FiguresTable(
        title=f"Tình hình, kết quả giải quyết TTHC (mẫu 06): {unit.name}",
        subtitle=_period_subtitle(choice),
        header=CSV_HEADER, rows=report_06_rows(report), total_rows=1, sheet_name="Mẫu 06",
        filename=_file_stem("bao-cao-06", unit, choice),
    )
    return download(table, file_format)


@dataclass
class ChildFigures:
    """One row of the comparison: a child unit, its totals from `children_report`, its offerings."""

    unit: Unit
    counts: Counts
    offerings: dict[str, int]
    has_children: bool
    rank: int | None = None  # by on-time rate, ties share a rank; None: nothing resolved
    of: int = 0
    index_percent: Decimal | None = None  # the PAR administrative-procedure score of the period's year
    index_rank: int | None = None
    submitted_on: date | None = None  # the child submitted this closed period's report: `counts` are the submitted ones
    live_changes: list = field(default_factory=list)  # how its live figures moved since (FigureChange)

    @property
    def index_label(self) -> str:
        if self.index_percent is None:
            return "—"
        return f"{format_number(self.index_percent)}% ({rank_label(self.index_rank, self.of)})"

    @property
    def rank_label(self) -> str:
        return f"{self.rank}/{self.of}" if self.rank is not None else "—"


@dataclass(frozen=True)
class Column:
    """A column of the comparison table, page and downloads alike. `kind` says how to show the value:
    "rank", "unit", "text", "count" (an int), "rate" (numerator, denominator shown as a percentage) or
    "share" (numerator, denominator shown as "144/174 (82,8%)"). Add a column here and it appears
    everywhere, sortable."""

    key: str
    label: str
    kind: str
    value: Callable[[ChildFigures], object]
    on_page: bool = True
    title: str = ""  # a longer explanation, shown on hover
    denominator_label: str = ""  # for a "share": what the second number counts (a column of its own in downloads)


# The rubric the comparison shows beside the figures: the administrative-procedure area of the PAR index.
COMPARISON_RUBRIC = INDEX_RUBRIC

COMPARISON_COLUMNS = [
    Column("rank", "Xếp hạng", "rank", lambda r: r.rank, title="Theo tỷ lệ giải quyết trước và đúng hạn"),
    Column("unit", "Đơn vị", "unit", lambda r: r.unit.name),
    Column("code", "Mã định danh", "text", lambda r: r.unit.code, on_page=False),
    Column("received", "Tiếp nhận", "count", lambda r: r.counts.received,
           title="Kỳ trước chuyển qua và tiếp nhận mới"),
    Column("resolved", "Đã giải quyết", "count", lambda r: r.counts.resolved),
    Column("early", "Trước hạn", "count", lambda r: r.counts.early),
    Column("on_time", "Đúng hạn", "count", lambda r: r.counts.on_time),
    Column("late", "Quá hạn", "count", lambda r: r.counts.late),
    Column("on_time_rate", "Tỷ lệ trước và đúng hạn", "rate",
           lambda r: (r.counts.early + r.counts.on_time, r.counts.resolved)),
    Column("pending", "Đang giải quyết", "count", lambda r: r.counts.pending),
    Column("overdue", "Đang quá hạn", "count", lambda r: r.counts.overdue,
           title="Chưa giải quyết, đã quá hạn vào cuối kỳ"),
    Column("online_share", "Tỷ lệ trực tuyến", "rate", lambda r: (r.counts.online, r.counts.new),
           title="Hồ sơ tiếp nhận trực tuyến trên hồ sơ tiếp nhận mới"),
    Column("index", "Chỉ số CCHC (TTHC)", "index", lambda r: r.index_percent,
           title="Điểm lĩnh vực cải cách TTHC (bộ tiêu chí cchc-tthc) của năm, trên điểm tối đa; xếp hạng trong các đơn vị"),
    Column("shortened_share", "Thủ tục rút ngắn", "share",
           lambda r: (r.offerings.get("shortened", 0), r.offerings.get("at_desk", 0)),
           title="Thủ tục rút ngắn thời gian trên thủ tục tiếp nhận tại Bộ phận Một cửa, cuối kỳ",
           denominator_label="Thủ tục tiếp nhận tại Bộ phận Một cửa"),
]
COLUMNS_BY_KEY = {column.key: column for column in COMPARISON_COLUMNS}


def _sort_value(column: Column, row: ChildFigures):
    value = column.value(row)
    if column.kind in ("rate", "share"):
        return ratio(*value)
    if column.kind in ("unit", "text"):
        return fold(value)
    if column.kind == "index":
        return value  # the percent; None (no rubric for the year) sorts last  # "Đông Ngạc" among the D's, not after "Yên Hòa"
    return value


def rank_by_on_time_rate(rows: list[ChildFigures]) -> None:
    """Competition ranking by the engine's on-time rate, highest first: ties share a rank (1, 1, 3);
    units that resolved nothing get no rank and sort last."""
    rated = sorted((row for row in rows if row.counts.on_time_rate is not None),
                   key=lambda row: row.counts.on_time_rate, reverse=True)
    previous = None
    for position, row in enumerate(rated, start=1):
        tied = previous is not None and row.counts.on_time_rate == previous.counts.on_time_rate
        row.rank = previous.rank if tied else position
        previous = row
    for row in rows:
        row.of = len(rows)


def sort_rows(rows: list[ChildFigures], key: str, descending: bool) -> list[ChildFigures]:
    """Rows by one column; units without a value (no rate, no rank) stay last either way."""
    column = COLUMNS_BY_KEY.get(key, COLUMNS_BY_KEY["rank"])
    with_value = [row for row in rows if _sort_value(column, row) is not None]
    without = [row for row in rows if _sort_value(column, row) is None]
    with_value.sort(key=lambda row: fold(row.unit.name))
    with_value.sort(key=lambda row: _sort_value(column, row), reverse=descending)
    return with_value + sorted(without, key=lambda row: fold(row.unit.name))


@dataclass
class Extremes:
    highest: list[ChildFigures] = field(default_factory=list)
    lowest: list[ChildFigures] = field(default_factory=list)


def extremes(rows: list[ChildFigures]) -> Extremes:
    """The units with the highest and the lowest on-time rate (all of them when tied)."""
    rated = [row for row in rows if row.counts.on_time_rate is not None]
    if not rated:
        return Extremes()
    best = max(row.counts.on_time_rate for row in rated)
    worst = min(row.counts.on_time_rate for row in rated)
    return Extremes([row for row in rated if row.counts.on_time_rate == best],
                    [row for row in rated if row.counts.on_time_rate == worst])


def comparison_total(parent: Unit, rows: list[ChildFigures]) -> ChildFigures:
    """The total row of the comparison: the higher unit's children added up (their counts and offerings),
    so that its rates are the rates of the whole, not an average of rates."""
    counts = Counts(**{name: sum(getattr(row.counts, name) for row in rows) for name in Counts.__dataclass_fields__})
    offerings: dict[str, int] = {}
    for row in rows:
        for key, value in row.offerings.items():
            offerings[key] = offerings.get(key, 0) + value
    return ChildFigures(parent, counts, offerings, has_children=True, of=len(rows))


def _comparison_chart(parent: Unit, rows: list[ChildFigures], choice: PeriodChoice) -> Markup:
    """The units as bars, best on-time rate first (the table may be sorted otherwise)."""
    ordered = sort_rows(rows, "rank", False)
    bars = [UnitBar(row.unit.name, row.counts.early, row.counts.on_time, row.counts.late) for row in ordered]
    return Markup(comparison_chart(
        bars, f"Tỷ lệ giải quyết trước và đúng hạn của các đơn vị trực thuộc {parent.name}, {choice.period.label}",
        "Mỗi đơn vị một thanh: hồ sơ đã giải quyết trong kỳ chia theo trước hạn, đúng hạn, quá hạn; "
        "số liệu đầy đủ ở bảng bên dưới."))


def _comparison_rows(parent: Unit, choice: PeriodChoice, today: date) -> list[ChildFigures]:
    """`children_report`, the offerings in force at the end of the period grouped by child (one
    query), and each child's index score and rank for the period's year when that year has the rubric."""
    counts_by_child = children_report(parent, choice.start, choice.end)
    children = [child for child, _ in counts_by_child]
    offerings = offering_summaries_by_child(parent, children, choice.end) if children else {}
    with_children = set(db.session.scalars(select(Unit.parent_id).where(Unit.parent_id.is_not(None)).distinct()))
    rows = [ChildFigures(child, counts, offerings.get(child.id, {}), child.id in with_children)
            for child, counts in counts_by_child]
    rank_by_on_time_rate(rows)
    try:
        ranked = {item.unit.id: item for item in rank_children(parent, choice.end.year, COMPARISON_RUBRIC, today)}
    except RubricNotFound:
        ranked = {}
    for row in rows:
        if row.unit.id in ranked:
            row.index_percent, row.index_rank = ranked[row.unit.id].score.percent, ranked[row.unit.id].rank
    _read_submitted(rows, choice, today)
    return rows


def _read_submitted(rows: list[ChildFigures], choice: PeriodChoice, today: date) -> None:
    """A closed period that a child submitted the report of (same first and last day): its row reads the
    submitted figures and index, and keeps how the live ones moved since; ranks follow the figures read."""
    if choice.is_running or choice.end >= today:
        return
    submitted = submitted_counts([row.unit.id for row in rows], choice.start, choice.end)
    if not submitted:
        return
    for row in rows:
        if row.unit.id in submitted:
            submission, counts = submitted[row.unit.id]
            row.live_changes = live_changes(submission, row.counts)
            row.counts, row.submitted_on = counts, submission.submitted_at.date()
            index = submission.figures.get("index")
            if index and index["rubric_code"] == COMPARISON_RUBRIC and index["rubric_year"] == choice.end.year:
                row.index_percent = None if index["percent"] is None else Decimal(index["percent"])
    rank_by_on_time_rate(rows)
    for row, rank in zip(rows, competition_ranks([row.index_percent for row in rows]), strict=True):
        row.index_rank = rank


def _requested_sort() -> tuple[str, bool]:
    key = request.args.get("sort", "rank")
    if key not in COLUMNS_BY_KEY:
        key = "rank"
    order = request.args.get("order", "")
    if order not in ("asc", "desc"):
        order = "asc" if COLUMNS_BY_KEY[key].kind in ("rank", "unit", "text") else "desc"
    return key, order == "desc"


@stats_bp.get("/units/<int:unit_id>/comparison")
@login_required
def comparison(unit_id: int):
    unit = get_visible_unit_or_404(unit_id)
    today = _today()
    choice = choose_period(request.args, today, _cutoff_day())
    sort, descending = _requested_sort()
    rows = _comparison_rows(unit, choice, today)
    context = {
        "unit": unit, "rows": sort_rows(rows, sort, descending), "extremes": extremes(rows),
        "columns": [column for column in COMPARISON_COLUMNS if column.on_page],
        "sort": sort, "descending": descending, "ranked": sum(row.rank is not None for row in rows),
        "total": comparison_total(unit, rows) if rows else None,
        "units_chart": _comparison_chart(unit, rows, choice) if rows else None,
        **_picker_context(choice, today, _cutoff_day()),
    }
    if not is_fragment_request():
        context["breadcrumb"] = _breadcrumb(unit)
    body = render_page_or_fragment("stats/comparison.html", "stats/_comparison.html", **context)
    return body, 422 if choice.error else 200, _pushed_url(
        {**choice.args, "sort": sort, "order": "desc" if descending else "asc"})


def _export_columns(column: Column) -> list[tuple[str, Callable[[ChildFigures], object], bool]]:
    """(header, cell, is a rate) for each cell a page column becomes in the downloads. Numbers stay
    numbers: "3/30" and "144/174" are split in two, since a spreadsheet would read them as dates."""
    if column.kind == "rank":
        return [(column.label, lambda row: row.rank, False), ("Số đơn vị so sánh", lambda row: row.of, False)]
    if column.kind == "rate":
        return [(column.label, lambda row: ratio(*column.value(row)), True)]
    if column.kind == "index":
        return [(f"{column.label} (%)", lambda row: float(row.index_percent) if row.index_percent is not None else None,
                 False), ("Xếp hạng chỉ số", lambda row: row.index_rank, False)]
    if column.kind == "share":
        return [(column.label, lambda row: column.value(row)[0], False),
                (column.denominator_label, lambda row: column.value(row)[1], False),
                (f"Tỷ lệ {column.label.lower()}", lambda row: ratio(*column.value(row)), True)]
    return [(column.label, column.value, False)]


def _total_cell(label: str, value, total: ChildFigures, units: int):
    """A cell of the downloads' total row: the sums and their rates; no rank or index for a total."""
    if label == "Đơn vị":
        return f"Tổng cộng ({units} đơn vị)"
    if label in ("Xếp hạng", "Số đơn vị so sánh") or label.startswith("Chỉ số CCHC") or label == "Xếp hạng chỉ số":
        return None
    return value(total)


@stats_bp.get("/units/<int:unit_id>/comparison.<any(csv, xlsx):file_format>")
@login_required
def comparison_export(unit_id: int, file_format: str):
    """The comparison table, in the order the page shows it."""
    unit = get_visible_unit_or_404(unit_id)
    today = _today()
    choice = choose_period(request.args, today, _cutoff_day())
    if choice.error:
        return _back_to_page("stats.comparison", unit)
    sort, descending = _requested_sort()
    rows = sort_rows(_comparison_rows(unit, choice, today), sort, descending)
    cells = [cell for column in COMPARISON_COLUMNS for cell in _export_columns(column)]
    total = comparison_total(unit, rows) if rows else None
    table = FiguresTable(
        title=f"So sánh kết quả giải quyết TTHC của các đơn vị trực thuộc {unit.name}",
        subtitle=_period_subtitle(choice),
        header=[label for label, _, _ in cells],
        rows=[[value(row) for _, value, _ in cells] for row in rows] + (
            [[_total_cell(label, value, total, len(rows)) for label, value, _ in cells]] if total else []),
        rate_columns={index for index, (_, _, is_rate) in enumerate(cells) if is_rate}, sheet_name="So sánh",
        filename=_file_stem("so-sanh", unit, choice),
    )
    return download(table, file_format)
