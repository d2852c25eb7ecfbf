"""The quarterly (or monthly) report a chair signs ("Báo cáo tình hình, kết quả giải quyết thủ tục hành chính
quý"): every figure it prints, gathered from the figures engine and the index, the sections the chair wrote,
and its PDF. The template only lays out; `app.reports.docx_report` writes the same content as a Word file.

Nothing is counted here: Report 06 of the quarter (`report_06`), of each reporting month of the chart, the
child units' totals (`children_report`), the citizens' ratings (`satisfaction`) and the index score
(`score_unit`) are the engine's, so the paper cannot disagree with the dashboard or `flask report figures`.
Once the chair submitted the period's report to the higher unit (`app.reports.submissions`), the report
prints the figures as submitted (`snapshot` / `from_snapshot`), never the live ones.
"""
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from flask import render_template
from markupsafe import Markup
from sqlalchemy import select

from app.auth.models import Role, User
from app.extensions import db
from app.jinja_filters import format_number
from app.reports.letterhead import Signer, committee_signer
from app.reports.pdf import FONT_FAMILY, render_pdf
from app.stats import periods
from app.stats.chart import ChartMonth, volume_rate_chart
from app.stats.figures import COUNT_NAMES, Counts, Report06, children_report, report_06, satisfaction
from app.stats.index_service import RATE_FIGURES, RubricNotFound, UnitScore, score_unit
from app.stats.par_index import Status, competition_ranks
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


# The periods a report is written for: its kind ("month", "quarter") and the word the paper names it with.
REPORT_KINDS = {PeriodKind.MONTH.value: "tháng", PeriodKind.QUARTER.value: "quý"}
SNAPSHOT_VERSION = 1
NUMERALS = {1: "I", 2: "II", 3: "III", 4: "IV", 5: "V", 6: "VI", 7: "VII", 8: "VIII"}


class ReportPeriodError(ValueError):
    """The quarter asked for cannot be reported on (no such quarter, not started yet, bad number)."""


@dataclass(frozen=True)
class IndexLine:
    """One criterion of the index as the report prints it."""

    code: str
    name: str
    method_label: str
    value_text: str  # the figure ("98,6%"), "tự chấm 2 điểm", or "—"
    points: Decimal
    max_points: Decimal
    status_label: str
    is_unconfirmed: bool  # a manual score not confirmed by the higher unit (or not entered): not counted


@dataclass(frozen=True)
class IndexSummary:
    """The index score a report prints, from `score_unit` or from a submitted snapshot.

    Provisional ("tạm tính") while any manual criterion is unconfirmed: the points may still rise."""

    rubric_code: str
    rubric_name: str
    rubric_year: int
    start: date
    end: date
    points: Decimal
    max_points: Decimal
    percent: Decimal | None
    lines: tuple[IndexLine, ...]

    @property
    def unconfirmed(self) -> list[IndexLine]:
        return [line for line in self.lines if line.is_unconfirmed]

    @property
    def is_provisional(self) -> bool:
        return bool(self.unconfirmed)

    @property
    def provisional_note(self) -> str:
        """"Điểm tạm tính: tiêu chí TT2 (Tự chấm, chờ xác nhận), … chưa được cấp trên xác nhận." or ""."""
        if not self.is_provisional:
            return ""
        names = "; ".join(f"{line.code} – {line.name} ({line.status_label.lower()})" for line in self.unconfirmed)
        return f"Điểm tạm tính: các tiêu chí sau chưa được cấp trên xác nhận nên chưa được tính điểm: {names}."

    def as_json(self) -> dict:
        return {"rubric_code": self.rubric_code, "rubric_name": self.rubric_name, "rubric_year": self.rubric_year,
                "start": self.start.isoformat(), "end": self.end.isoformat(), "points": str(self.points),
                "max_points": str(self.max_points), "percent": None if self.percent is None else str(self.percent),
                "lines": [{"code": line.code, "name": line.name, "method_label": line.method_label,
                           "value_text": line.value_text, "points": str(line.points),
                           "max_points": str(line.max_points), "status_label": line.status_label,
                           "is_unconfirmed": line.is_unconfirmed} for line in self.lines]}

    @classmethod
    def from_json(cls, data: dict) -> "IndexSummary":
        return cls(data["rubric_code"], data["rubric_name"], data["rubric_year"], date.fromisoformat(data["start"]),
                   date.fromisoformat(data["end"]), Decimal(data["points"]), Decimal(data["max_points"]),
                   None if data["percent"] is None else Decimal(data["percent"]),
                   tuple(IndexLine(**{**line, "points": Decimal(line["points"]),
                                      "max_points": Decimal(line["max_points"])}) for line in data["lines"]))


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
    """A period's report. `quarter` is the quarter (1–4), or the month (1–12) of a monthly report."""

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
    index: IndexSummary | None
    chair_name: str  # "" unless the unit has exactly one active chair
    kind: str = PeriodKind.QUARTER.value  # or "month"
    sections: dict[str, str] = field(default_factory=dict)  # ReportSection value -> the chair's text
    submission: object = None  # the ReportSubmission whose figures this report prints, if submitted
    # Decision 766's score over the report's days, printed beside the PAR score (None: no qd766 rubric that year).
    qd766: IndexSummary | None = None

    @property
    def roman(self) -> str:
        return ROMAN[self.quarter] if self.is_quarterly else str(self.quarter)

    @property
    def is_quarterly(self) -> bool:
        return self.kind == PeriodKind.QUARTER.value

    @property
    def period_name(self) -> str:
        """"quý I năm 2026" or "tháng 3 năm 2026", as the title and the closing sentence print it."""
        return f"{REPORT_KINDS[self.kind]} {self.roman} năm {self.year}"

    @property
    def section_list(self) -> list[tuple[str, str, str]]:
        """(section value, its heading, its text) in the printed order."""
        from app.reports.models import ReportSection
        return [(section.value, section.label, self.sections.get(section.value, "")) for section in ReportSection]

    @property
    def written_chapters(self) -> list[tuple[str, str, str]]:
        """(numeral, heading, text) of the chair's sections, numbered after the chapters of figures (I–III,
        IV for the units below)."""
        first = 5 if self.has_children else 4
        return [(NUMERALS[first + offset], label.upper(), text)
                for offset, (_, label, text) in enumerate(self.section_list)]

    @property
    def recipient_lines(self) -> list[str]:
        lines = [f"Ủy ban nhân dân {self.unit.parent.name} (để báo cáo)"] if self.unit.parent else []
        return lines + ["Chủ tịch, các Phó Chủ tịch UBND",
                        "Lưu: VT" + ("" if self.has_children else ", Bộ phận Một cửa")]

    @property
    def signer(self) -> Signer:
        return committee_signer(self.chair_name or "………………………………")

    @property
    def missing_sections(self) -> list[str]:
        """The headings of the sections the chair has not written yet (the paper is then a draft)."""
        return [label for _, label, text in self.section_list if not text.strip()]

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
        svg = volume_rate_chart(self.months, f"Hồ sơ tiếp nhận và tỷ lệ trước và đúng hạn quý {self.roman}/{self.year}",
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
        counts = report_06(unit, month.start, min(month.end, end)).total if month.start <= end else Counts()
        months.append(ChartMonth(year, number, counts.online, counts.direct_or_post, counts.on_time_rate))
    return months


def _children(unit: Unit, start: date, end: date, closed: bool = False) -> list[ChildRow]:
    """The units directly below, best on-time rate first (ties share a rank, as on the comparison page).

    For a `closed` period, a unit that submitted its report of exactly these days counts with its
    submitted figures, as the comparison page reads them."""
    from app.reports.submissions import submitted_counts

    rows = children_report(unit, start, end)
    if closed and rows:
        submitted = submitted_counts([child.id for child, _ in rows], start, end)
        rows = [(child, submitted[child.id][1] if child.id in submitted else counts) for child, counts in rows]
    ranks = competition_ranks([counts.on_time_rate for _, counts in rows])
    children = [ChildRow(child, counts, rank, len(rows)) for (child, counts), rank in zip(rows, ranks, strict=True)]
    # Stable: units of equal rank (or none) keep the engine's order by name.
    return sorted(children, key=lambda row: (row.rank is None, row.rank or 0))


def _qd766_score(unit: Unit, year: int, start: date, end: date) -> IndexSummary | None:
    """Decision 766's score over the report's own days (its rubric is monthly; a quarter counts its three
    months' dossiers together), or None when the year has no `qd766` rubric."""
    from app.stats.qd766_service import score_period
    try:
        return index_summary(score_period(unit, year, start, end))
    except RubricNotFound:
        return None


def _index_score(unit: Unit, year: int, end: date) -> IndexSummary | None:
    """The year's score up to the last day of the report, or None when the year has no such rubric."""
    try:
        return index_summary(score_unit(unit, year, INDEX_RUBRIC, end))
    except RubricNotFound:
        return None


UNCONFIRMED = {Status.PENDING, Status.REJECTED, Status.NOT_ENTERED}


def index_summary(scored: UnitScore) -> IndexSummary:
    score = scored.score
    lines = []
    for criterion, item, manual in scored.criteria():
        if criterion.figure:
            value_text = criterion_value_text(criterion.figure, item.value)
        elif manual:
            value_text = f"tự chấm {format_number(manual.points)} điểm"
        else:
            value_text = "—"
        lines.append(IndexLine(criterion.code, criterion.name, criterion.method_label, value_text,
                               Decimal(item.points), Decimal(item.max_points), item.status.label,
                               item.status in UNCONFIRMED))
    return IndexSummary(scored.rubric.code, scored.rubric.name, scored.rubric.year, scored.start, scored.end,
                        Decimal(score.points), Decimal(score.max_points),
                        None if score.percent is None else Decimal(score.percent), tuple(lines))


def _chair_name(unit: Unit) -> str:
    names = db.session.scalars(
        select(User.full_name).where(User.unit_id == unit.id, User.role == Role.CHAIR, User.is_active.is_(True))
        .limit(2)).all()
    return names[0] if len(names) == 1 else ""


def report_period(kind: str, year: int, number: int, cutoff_day: int) -> Period:
    """The reporting month or quarter (cutoff rule); ReportPeriodError for anything else."""
    try:
        if kind == PeriodKind.MONTH.value:
            return periods.month(year, number, cutoff_day)
        if kind == PeriodKind.QUARTER.value:
            return periods.quarter(year, number, cutoff_day)
    except ValueError as error:
        raise ReportPeriodError(f"{REPORT_KINDS[kind].capitalize()} không hợp lệ: {error}.") from None
    raise ReportPeriodError("Chỉ lập báo cáo tháng hoặc quý.")


def build_report(unit: Unit, kind: str, year: int, number: int, today: date, cutoff_day: int,
                 report_number: str = "", *, live: bool = False) -> QuarterlyReport:
    """The report of `unit`'s subtree for reporting month or quarter `number` of `year`, issued on `today`.

    A period still running is counted up to `today` (its pending dossiers as of today, as the dashboard
    does). Once the period's report was submitted, its figures and sections are the submitted ones (the
    number too, unless another is given), unless `live` asks for today's figures (to compare them).
    Raises ReportPeriodError for a period that does not exist or has not started, or a number that is not
    1–6 digits.
    """
    from app.reports.submissions import latest_sections, submission_for

    report_number = report_number.strip()
    if report_number and not NUMBER_PATTERN.fullmatch(report_number):
        raise ReportPeriodError("Số báo cáo chỉ gồm chữ số (tối đa 6 chữ số).")
    period = report_period(kind, year, number, cutoff_day)
    if period.start > today:
        raise ReportPeriodError(f"{period.label} chưa bắt đầu (từ {period.start:%d/%m/%Y}).")
    submission = submission_for(unit, kind, year, number)
    if submission is not None and not live:
        return from_snapshot(unit, kind, year, number, period, today, report_number or submission.report_number,
                             submission)
    end = min(period.end, today)
    return QuarterlyReport(
        unit=unit, year=year, quarter=number, period=period, end=end, issued_on=today, number=report_number,
        report=report_06(unit, period.start, end),
        satisfaction=satisfaction(unit, period.start, end),
        months=_months(unit, year, number, cutoff_day, end) if kind == PeriodKind.QUARTER.value else [],
        children=_children(unit, period.start, end, closed=period.end < today),
        index=_index_score(unit, year, end),
        chair_name=_chair_name(unit),
        kind=kind, sections=latest_sections(unit, kind, year, number),
        qd766=_qd766_score(unit, year, period.start, end),
    )


def build_quarterly_report(unit: Unit, year: int, quarter: int, today: date, cutoff_day: int,
                           number: str = "") -> QuarterlyReport:
    """The report of reporting quarter `quarter` of `year` (see `build_report`)."""
    return build_report(unit, PeriodKind.QUARTER.value, year, quarter, today, cutoff_day, number)


def _counts_json(counts: Counts) -> dict[str, int]:
    return {name: getattr(counts, name) for name in COUNT_NAMES}


def totals_json(counts: Counts) -> dict[str, int]:
    """The counts and their sums, as the submitted and live figures are compared."""
    return _counts_json(counts) | {"received": counts.received, "resolved": counts.resolved,
                                   "pending": counts.pending, "new": counts.new}


def snapshot(report: QuarterlyReport) -> dict:
    """Every figure the report prints, as JSON: what a submission freezes."""
    return {
        "version": SNAPSHOT_VERSION,
        "start": report.period.start.isoformat(), "end": report.end.isoformat(),
        "total": totals_json(report.report.total),
        "rows": [[name, _counts_json(counts)] for name, counts in report.report.rows],
        "offerings": dict(report.report.offerings),
        "satisfaction": dict(report.satisfaction),
        "months": [[month.year, month.month, month.online, month.direct_or_post, month.on_time_rate]
                   for month in report.months],
        "children": [[row.unit.id, _counts_json(row.counts), row.rank, row.of] for row in report.children],
        "index": report.index.as_json() if report.index is not None else None,
        "qd766": report.qd766.as_json() if report.qd766 is not None else None,
        "chair_name": report.chair_name,
    }


def counts_from_json(data: dict) -> Counts:
    return Counts(**{name: int(data.get(name, 0)) for name in COUNT_NAMES})


def from_snapshot(unit: Unit, kind: str, year: int, number: int, period: Period, today: date, report_number: str,
                  submission) -> QuarterlyReport:
    """The report as it was submitted: the snapshot's figures and the submitted sections."""
    data = submission.figures
    end = date.fromisoformat(data["end"])
    child_units = {child.id: child for child in db.session.scalars(
        select(Unit).where(Unit.id.in_([row[0] for row in data["children"]])))} if data["children"] else {}
    return QuarterlyReport(
        unit=unit, year=year, quarter=number, period=period, end=end, issued_on=today, number=report_number,
        report=Report06(unit, period.start, end, counts_from_json(data["total"]),
                        [(name, counts_from_json(counts)) for name, counts in data["rows"]], dict(data["offerings"])),
        satisfaction=dict(data["satisfaction"]),
        months=[ChartMonth(*month) for month in data["months"]],
        children=[ChildRow(child_units[unit_id], counts_from_json(counts), rank, of)
                  for unit_id, counts, rank, of in data["children"] if unit_id in child_units],
        index=IndexSummary.from_json(data["index"]) if data["index"] else None,
        chair_name=data.get("chair_name", ""),
        kind=kind, sections=dict(submission.sections), submission=submission,
        qd766=IndexSummary.from_json(data["qd766"]) if data.get("qd766") else None,
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


def filename(report: QuarterlyReport, extension: str = "pdf") -> str:
    word = "quy" if report.is_quarterly else "thang"
    return f"bao-cao-{word}-{report.quarter}-{report.year}-{report.unit.code}.{extension}"
