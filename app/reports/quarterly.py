"""The quarterly report a chair signs ("Báo cáo tình hình, kết quả giải quyết thủ tục hành chính quý"): every
figure it prints, gathered from the figures engine and the index, and its PDF. The template only lays out.

Nothing is counted here: Report 06 of the quarter (`report_06`), of each reporting month of the chart, the
child units' totals (`children_report`), the citizens' ratings (`satisfaction`) and the index score
(`score_unit`) are the engine's, so the paper cannot disagree with the dashboard or `flask report figures`.
"""
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from flask import render_template
from markupsafe import Markup
from sqlalchemy import select

from app.auth.models import Role, User
from app.extensions import db
from app.jinja_filters import format_number
from app.reports.pdf import FONT_FAMILY, render_pdf
from app.stats import periods
from app.stats.chart import ChartMonth, volume_rate_chart
from app.stats.figures import Counts, Report06, children_report, report_06, satisfaction, unit_total
from app.stats.index_service import RATE_FIGURES, RubricNotFound, UnitScore, score_unit
from app.stats.par_index import competition_ranks
from app.stats.periods import ROMAN, Period, PeriodKind
from app.stats.table06 import report_06_rows
from app.units.models import Unit

# The rubric whose score the report prints: the administrative-procedure area of the PAR index, the one the
# comparison of units shows too.
INDEX_RUBRIC = "cchc-tthc"
# A report's number ("Số: 12/BC-UBND", Decree 30/2020/NĐ-CP, Appendix III): the office fills it in by hand
# when it is not given.
NUMBER_SUFFIX = "/BC-UBND"
NUMBER_PATTERN = re.compile(r"\d{1,6}")
# The chart's colours (app.css on the page): WeasyPrint styles an inline SVG only from a <style> inside it,
# and reads its font from the `font-family` attribute alone (a stylesheet's list loses the Vietnamese subset).
CHART_STYLE = (
    "<style>"
    ".grid{stroke:#cccccc;stroke-width:1}"
    ".tick,.month-label,.year-label{fill:#444444}"
    ".axis-title{fill:#000000;font-weight:600}"
    ".bar-online{fill:#1d4ed8}.bar-direct{fill:#93c5fd}"
    ".rate-line{stroke:#c2410c;stroke-width:2.5;fill:none}"
    ".rate-point{fill:#ffffff;stroke:#c2410c;stroke-width:2.5}"
    ".rate-label{fill:#9a3412;font-size:12px;font-weight:600}"
    ".rate-tick{fill:#9a3412}.empty{fill:#444444;font-size:15px}"
    "</style>"
)


class ReportPeriodError(ValueError):
    """The quarter asked for cannot be reported on (no such quarter, not started yet, bad number)."""


@dataclass
class ChildRow:
    """A unit directly below the reporting unit: its Report 06 totals and its rank by on-time rate."""

    unit: Unit
    counts: Counts
    rank: int | None  # competition rank, ties share it; None when it resolved nothing
    of: int

    @property
    def rank_label(self) -> str:
        return f"{self.rank}/{self.of}" if self.rank is not None else "—"


@dataclass
class QuarterlyReport:
    unit: Unit
    year: int
    quarter: int
    period: Period  # the whole reporting quarter (cutoff rule)
    end: date  # last day counted, inclusive: the quarter's end, or the issue day while it runs
    issued_on: date
    number: str  # digits, or "" to be filled in by hand
    report: Report06
    satisfaction: dict
    months: list[ChartMonth]
    children: list[ChildRow]
    index: UnitScore | None
    chair_name: str  # "" unless the unit has exactly one active chair

    @property
    def roman(self) -> str:
        return ROMAN[self.quarter]

    @property
    def is_running(self) -> bool:
        return self.end < self.period.end

    @property
    def number_text(self) -> str:
        # Non-breaking spaces keep room for the number written by hand.
        return f"{self.number}{NUMBER_SUFFIX}" if self.number else "\u00a0" * 8 + NUMBER_SUFFIX

    @property
    def table(self) -> list[tuple[list, Counts]]:
        """The Report 06 table, fields then the total, with each row's counts (for its rates)."""
        counts = [counts for _, counts in self.report.rows] + [self.report.total]
        return list(zip(report_06_rows(self.report), counts, strict=True))

    @property
    def has_children(self) -> bool:
        return bool(self.children)

    def chart_svg(self) -> Markup:
        first, last = self.months[0], self.months[-1]
        description = (f"Biểu đồ cột: số hồ sơ tiếp nhận mới mỗi tháng báo cáo của quý {self.roman} năm {self.year}, "
                       f"từ {first.long_label.lower()} đến {last.long_label.lower()}, chia theo kênh; đường: tỷ lệ "
                       "giải quyết trước và đúng hạn trong tháng.")
        svg = volume_rate_chart(self.months, f"Hồ sơ tiếp nhận và tỷ lệ đúng hạn quý {self.roman}/{self.year}",
                                description, id_prefix="quarter-chart")
        opening, _, rest = svg.partition(">")
        families = FONT_FAMILY.replace("'", "")
        return Markup(f'{opening} font-family="{families}">{CHART_STYLE}{rest}')


def quarter_of(day: date, cutoff_day: int) -> tuple[int, int]:
    """(year, quarter) of the reporting quarter `day` lies in (with a cutoff of 15, 20/12/2025 is in Q1/2026)."""
    period = periods.containing(day, PeriodKind.QUARTER, cutoff_day)
    return period.end.year, (period.end.month - 1) // 3 + 1


def _months(unit: Unit, year: int, quarter: int, cutoff_day: int, end: date) -> list[ChartMonth]:
    """The quarter's three reporting months (the same cutoff as the quarter, so that their bars add up to
    the quarter's new dossiers); a month not started yet is empty."""
    months = []
    for number in range(3 * quarter - 2, 3 * quarter + 1):
        month = periods.month(year, number, cutoff_day)
        # The month's total only: the per-field table and the offerings are the quarter's, counted once.
        counts = unit_total(unit, month.start, min(month.end, end)) if month.start <= end else Counts()
        months.append(ChartMonth(year, number, counts.online, counts.direct_or_post, counts.on_time_rate))
    return months


def _children(unit: Unit, start: date, end: date) -> list[ChildRow]:
    """The units directly below, best on-time rate first (ties share a rank, as on the comparison page)."""
    rows = children_report(unit, start, end)
    ranks = competition_ranks([counts.on_time_rate for _, counts in rows])
    children = [ChildRow(child, counts, rank, len(rows)) for (child, counts), rank in zip(rows, ranks, strict=True)]
    # Stable: units of equal rank (or none) keep the engine's order by name.
    return sorted(children, key=lambda row: (row.rank is None, row.rank or 0))


def _index_score(unit: Unit, year: int, end: date) -> UnitScore | None:
    """The year's score up to the last day of the report, or None when the year has no such rubric."""
    try:
        return score_unit(unit, year, INDEX_RUBRIC, end)
    except RubricNotFound:
        return None


def _chair_name(unit: Unit) -> str:
    names = db.session.scalars(
        select(User.full_name).where(User.unit_id == unit.id, User.role == Role.CHAIR, User.is_active.is_(True))
        .limit(2)).all()
    return names[0] if len(names) == 1 else ""


def build_quarterly_report(unit: Unit, year: int, quarter: int, today: date, cutoff_day: int,
                           number: str = "") -> QuarterlyReport:
    """The report of `unit`'s subtree for reporting quarter `quarter` of `year`, issued on `today`.

    A quarter still running is counted up to `today` (its pending dossiers as of today, as the dashboard
    does). Raises ReportPeriodError for a quarter that does not exist or has not started, or a number that
    is not 1–6 digits.
    """
    number = number.strip()
    if number and not NUMBER_PATTERN.fullmatch(number):
        raise ReportPeriodError("Số báo cáo chỉ gồm chữ số (tối đa 6 chữ số).")
    try:
        period = periods.quarter(year, quarter, cutoff_day)
    except ValueError as error:
        raise ReportPeriodError(f"Quý không hợp lệ: {error}.") from None
    if period.start > today:
        raise ReportPeriodError(f"{period.label} chưa bắt đầu (từ {period.start:%d/%m/%Y}).")
    end = min(period.end, today)
    return QuarterlyReport(
        unit=unit, year=year, quarter=quarter, period=period, end=end, issued_on=today, number=number,
        report=report_06(unit, period.start, end),
        satisfaction=satisfaction(unit, period.start, end),
        months=_months(unit, year, quarter, cutoff_day, end),
        children=_children(unit, period.start, end),
        index=_index_score(unit, year, end),
        chair_name=_chair_name(unit),
    )


def index_percent_text(percent: Decimal | None) -> str:
    return "không có dữ liệu" if percent is None else f"{format_number(percent)}%"


def criterion_value_text(figure: str | None, value) -> str:
    """A criterion's figure as the paper prints it: a rate to one decimal ("98,6%", as every other rate of
    the report), a count as a number, "không có dữ liệu" for None. The points are computed from the
    unrounded figure."""
    if value is None:
        return "không có dữ liệu"
    if figure in RATE_FIGURES:
        return f"{value * 100:.1f}%".replace(".", ",")
    return format_number(value)


def render_quarterly_html(report: QuarterlyReport) -> str:
    return render_template("reports/quarterly.html", r=report, font_family=FONT_FAMILY, criterion_value_text=criterion_value_text,
                           index_percent_text=index_percent_text)


def render_quarterly_pdf(report: QuarterlyReport) -> bytes:
    """The A4 PDF (needs an app context for the template)."""
    return render_pdf(render_quarterly_html(report))


def filename(report: QuarterlyReport) -> str:
    return f"bao-cao-quy-{report.quarter}-{report.year}-{report.unit.code}.pdf"
