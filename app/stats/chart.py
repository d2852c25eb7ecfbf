"""The dashboard's 12-month chart as inline SVG: new dossiers per month by channel (stacked bars) and the
on-time rate (a line on its own 0–100% axis).

Pure: takes the figures as arguments and returns SVG text; no Flask, no database, no clock. The page
puts a visually hidden table of the same numbers next to it for screen readers.
"""
from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

WIDTH, HEIGHT = 960, 300
LEFT, RIGHT, TOP, BOTTOM = 64, 64, 40, 46  # margins around the plot, in viewBox units
PLOT_WIDTH = WIDTH - LEFT - RIGHT
PLOT_HEIGHT = HEIGHT - TOP - BOTTOM
TICKS = 4  # gridlines above zero: 0/25/50/75/100% on the right axis line up with the counts on the left
BAR_SHARE = 0.62  # of each month's slot


@dataclass(frozen=True)
class ChartMonth:
    """One calendar month's figures from the engine (Report 06 of that month)."""

    year: int
    month: int
    online: int  # new dossiers received online
    direct_or_post: int  # new dossiers received at the desk or by post
    on_time_rate: float | None  # (early + on time) ÷ resolved, 0–1; None when nothing was resolved

    @property
    def new(self) -> int:
        return self.online + self.direct_or_post

    @property
    def label(self) -> str:
        return f"T{self.month}"

    @property
    def long_label(self) -> str:
        return f"Tháng {self.month}/{self.year}"

    @property
    def rate_label(self) -> str:
        return _percent(self.on_time_rate)


def _number(value: int) -> str:
    return f"{value:,}".replace(",", ".")


def _percent(rate: float | None) -> str:
    return "không có dữ liệu" if rate is None else f"{rate * 100:.1f}%".replace(".", ",")


def axis_step(largest: int) -> int:
    """The smallest round gridline step (1, 1.25, 1.5, 2, 2.5, 3, 4, 5, 6, 7.5 or 8 × 10ⁿ, whole numbers
    only) such that TICKS steps reach `largest`: the tallest bar fills at least 3/4 of the plot (less for
    counts under 40, whose steps must stay whole). An empty chart gets a step of 1."""
    if largest <= 0:
        return 1
    magnitude = 1
    while True:
        for factor in (1, 1.25, 1.5, 2, 2.5, 3, 4, 5, 6, 7.5, 8):
            step = factor * magnitude
            if step == int(step) and step * TICKS >= largest:
                return int(step)
        magnitude *= 10


def _y_count(value: float, axis_max: int) -> float:
    return TOP + PLOT_HEIGHT - value / axis_max * PLOT_HEIGHT


def _y_rate(rate: float) -> float:
    return TOP + PLOT_HEIGHT - rate * PLOT_HEIGHT


def _f(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0")


def volume_rate_chart(months: Sequence[ChartMonth], title: str, description: str, id_prefix: str = "chart") -> str:
    """The SVG: one stacked bar per month (online below, desk or post above), scaled so that the tallest
    bar fits under the top gridline, and the on-time rate as a line broken where a month has no rate."""
    step = axis_step(max((m.new for m in months), default=0))
    axis_max = step * TICKS
    slot = PLOT_WIDTH / max(len(months), 1)
    bar_width = slot * BAR_SHARE
    title_id, desc_id = f"{id_prefix}-title", f"{id_prefix}-desc"
    out = [
        (f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
         f'aria-labelledby="{title_id} {desc_id}" font-size="12">'),
        f'<title id="{title_id}">{escape(title)}</title>',
        f'<desc id="{desc_id}">{escape(description)}</desc>',
    ]

    # Gridlines with counts on the left and rates on the right.
    out.append('<g class="axis" aria-hidden="true">')
    for tick in range(TICKS + 1):
        y = _f(_y_count(step * tick, axis_max))
        out.append(f'<line class="grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y}" y2="{y}"/>')
        out.append(f'<text class="tick" x="{LEFT - 8}" y="{y}" text-anchor="end" dominant-baseline="middle">'
                   f'{_number(step * tick)}</text>')
        out.append(f'<text class="tick rate-tick" x="{WIDTH - RIGHT + 8}" y="{y}" dominant-baseline="middle">'
                   f'{100 * tick // TICKS}%</text>')
    out.append(f'<text class="axis-title" x="{LEFT - 8}" y="{TOP - 14}" text-anchor="end">Hồ sơ</text>')
    out.append(f'<text class="axis-title rate-tick" x="{WIDTH - 4}" y="{TOP - 14}" text-anchor="end">Trước và đúng hạn</text>')
    out.append("</g>")

    # Legend, above the plot.
    legend_y = TOP - 26
    out.append(f'<g class="legend" aria-hidden="true" transform="translate({LEFT + 40},{legend_y})">'
               '<rect class="bar-online" x="0" y="-9" width="12" height="12"/>'
               '<text x="18" y="1">Trực tuyến</text>'
               '<rect class="bar-direct" x="110" y="-9" width="12" height="12"/>'
               '<text x="128" y="1">Trực tiếp, bưu chính</text>'
               '<line class="rate-line" x1="290" x2="314" y1="-3" y2="-3"/>'
               '<circle class="rate-point" cx="302" cy="-3" r="3.5"/>'
               '<text x="322" y="1">Tỷ lệ giải quyết trước và đúng hạn (trục phải)</text></g>')

    # One group per month: its stacked bar and its label.
    points: list[tuple[float, float, ChartMonth] | None] = []
    for index, month in enumerate(months):
        centre = LEFT + slot * (index + 0.5)
        x = _f(centre - bar_width / 2)
        online_top = _y_count(month.online, axis_max)
        new_top = _y_count(month.new, axis_max)
        base = TOP + PLOT_HEIGHT
        tooltip = (f"{month.long_label}: {_number(month.new)} hồ sơ mới ({_number(month.online)} trực tuyến, "
                   f"{_number(month.direct_or_post)} trực tiếp, bưu chính); tỷ lệ trước và đúng hạn "
                   f"{_percent(month.on_time_rate)}")
        out.append(f'<g class="month" data-month="{month.year}-{month.month:02d}">')
        out.append(f"<title>{escape(tooltip)}</title>")
        out.append(f'<rect class="bar-online" x="{x}" y="{_f(online_top)}" width="{_f(bar_width)}" '
                   f'height="{_f(base - online_top)}" data-value="{month.online}"/>')
        out.append(f'<rect class="bar-direct" x="{x}" y="{_f(new_top)}" width="{_f(bar_width)}" '
                   f'height="{_f(online_top - new_top)}" data-value="{month.direct_or_post}"/>')
        out.append(f'<text class="month-label" x="{_f(centre)}" y="{base + 16}" text-anchor="middle">'
                   f"{month.label}</text>")
        if index == 0 or month.month == 1:
            out.append(f'<text class="year-label" x="{_f(centre)}" y="{base + 31}" text-anchor="middle">'
                       f"{month.year}</text>")
        out.append("</g>")
        points.append(None if month.on_time_rate is None else (centre, _y_rate(month.on_time_rate), month))

    # The rate line, broken where a month resolved nothing (no rate is not 0%).
    segments, current = [], []
    for point in points:
        if point is None:
            if current:
                segments.append(current)
            current = []
        else:
            current.append(point)
    if current:
        segments.append(current)
    path = " ".join("M" + " L".join(f"{_f(x)} {_f(y)}" for x, y, _ in segment) for segment in segments if segment)
    if path:
        out.append(f'<path class="rate-line" d="{path}" fill="none"/>')
    for point in points:
        if point is None:
            continue
        x, y, month = point
        label = _percent(month.on_time_rate)
        out.append(f'<g class="rate" data-month="{month.year}-{month.month:02d}">'
                   f"<title>{escape(month.long_label)}: {escape(label)} trước và đúng hạn</title>"
                   f'<circle class="rate-point" cx="{_f(x)}" cy="{_f(y)}" r="4"/>'
                   f'<text class="rate-label" x="{_f(x)}" y="{_f(y - 9)}" text-anchor="middle">{escape(label)}</text>'
                   "</g>")

    if not any(month.new for month in months):
        out.append(f'<text class="empty" x="{LEFT + PLOT_WIDTH / 2:.0f}" y="{TOP + PLOT_HEIGHT / 2:.0f}" '
                   f'text-anchor="middle">Chưa có hồ sơ nào trong 12 tháng này</text>')
    out.append("</svg>")
    return "\n".join(out)



@dataclass(frozen=True)
class UnitBar:
    """One unit's dossiers resolved in the period, by result (the comparison's chart)."""

    name: str
    early: int
    on_time: int
    late: int

    @property
    def resolved(self) -> int:
        return self.early + self.on_time + self.late

    @property
    def on_time_rate(self) -> float | None:
        return (self.early + self.on_time) / self.resolved if self.resolved else None


UNIT_ROW, UNIT_LABEL = 26, 230  # height of one unit's bar row and width of the names' column, viewBox units


def comparison_chart(units: Sequence[UnitBar], title: str, description: str, id_prefix: str = "units-chart") -> str:
    """The SVG of the comparison: one horizontal bar per unit, in the order given, its resolved dossiers as
    100% split into early, on time and late, the on-time rate written at its end; a unit that resolved
    nothing gets a note instead of a bar (no rate is not 0%)."""
    plot_left, plot_right = UNIT_LABEL, WIDTH - 70
    plot_width = plot_right - plot_left
    top = 34
    height = top + UNIT_ROW * max(len(units), 1) + 24
    title_id, desc_id = f"{id_prefix}-title", f"{id_prefix}-desc"
    out = [
        (f'<svg xmlns="http://www.w3.org/2000/svg" class="chart units-chart" viewBox="0 0 {WIDTH} {height}" '
         f'role="img" aria-labelledby="{title_id} {desc_id}" font-size="13">'),
        f'<title id="{title_id}">{escape(title)}</title>',
        f'<desc id="{desc_id}">{escape(description)}</desc>',
        (f'<g class="legend" aria-hidden="true" transform="translate({plot_left},14)">'
         '<rect class="bar-early" x="0" y="-9" width="12" height="12"/><text x="18" y="1">Trước hạn</text>'
         '<rect class="bar-on-time" x="110" y="-9" width="12" height="12"/><text x="128" y="1">Đúng hạn</text>'
         '<rect class="bar-late" x="220" y="-9" width="12" height="12"/><text x="238" y="1">Quá hạn</text></g>'),
        '<g class="axis" aria-hidden="true">',
    ]
    for tick in range(TICKS + 1):
        x = _f(plot_left + plot_width * tick / TICKS)
        out.append(f'<line class="grid" x1="{x}" x2="{x}" y1="{top - 4}" y2="{height - 20}"/>')
        out.append(f'<text class="tick" x="{x}" y="{height - 6}" text-anchor="middle">{100 * tick // TICKS}%</text>')
    out.append("</g>")
    for index, unit in enumerate(units):
        y = top + UNIT_ROW * index
        bar_y, bar_height = _f(y + 4), _f(UNIT_ROW - 8)
        name = unit.name if len(unit.name) <= 30 else unit.name[:29] + "…"
        tooltip = (f"{unit.name}: {_number(unit.resolved)} hồ sơ đã giải quyết — {_number(unit.early)} trước hạn, "
                   f"{_number(unit.on_time)} đúng hạn, {_number(unit.late)} quá hạn; tỷ lệ trước và đúng hạn "
                   f"{_percent(unit.on_time_rate)}")
        out.append(f'<g class="unit"><title>{escape(tooltip)}</title>')
        out.append(f'<text class="unit-label" x="{plot_left - 8}" y="{_f(y + UNIT_ROW / 2)}" text-anchor="end" '
                   f'dominant-baseline="middle">{escape(name)}</text>')
        if unit.resolved:
            x = float(plot_left)
            for css, value in (("bar-early", unit.early), ("bar-on-time", unit.on_time), ("bar-late", unit.late)):
                width = plot_width * value / unit.resolved
                if width > 0:
                    out.append(f'<rect class="{css}" x="{_f(x)}" y="{bar_y}" width="{_f(width)}" height="{bar_height}" '
                               f'data-value="{value}"/>')
                x += width
            out.append(f'<text class="rate-label" x="{plot_right + 6}" y="{_f(y + UNIT_ROW / 2)}" '
                       f'dominant-baseline="middle">{escape(_percent(unit.on_time_rate))}</text>')
        else:
            out.append(f'<text class="empty-row" x="{plot_left + 6}" y="{_f(y + UNIT_ROW / 2)}" '
                       f'dominant-baseline="middle">chưa giải quyết hồ sơ nào trong kỳ</text>')
        out.append("</g>")
    if not units:
        out.append(f'<text class="empty" x="{plot_left + plot_width / 2:.0f}" y="{top + 14}" text-anchor="middle">'
                   "Không có đơn vị trực thuộc</text>")
    out.append("</svg>")
    return "\n".join(out)


def score_trend_chart(points: Sequence[tuple[str, "Decimal | float | None"]], title: str, description: str,
                      id_prefix: str = "score-chart") -> str:
    """A score in % per month (label "MM/YYYY", value 0–100 or None) as a line on a 0–100% axis, broken where a
    month has no score (no rubric for its year): the Decision 766 page's 12-month trend."""
    slot = PLOT_WIDTH / max(len(points), 1)
    title_id, desc_id = f"{id_prefix}-title", f"{id_prefix}-desc"
    out = [
        (f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
         f'aria-labelledby="{title_id} {desc_id}" font-size="12">'),
        f'<title id="{title_id}">{escape(title)}</title>',
        f'<desc id="{desc_id}">{escape(description)}</desc>',
        '<g class="axis" aria-hidden="true">',
    ]
    for tick in range(TICKS + 1):
        y = _f(_y_rate(tick / TICKS))
        out.append(f'<line class="grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y}" y2="{y}"/>')
        out.append(f'<text class="tick" x="{LEFT - 8}" y="{y}" text-anchor="end" dominant-baseline="middle">'
                   f'{100 * tick // TICKS}%</text>')
    out.append("</g>")
    segments, current, marks = [], [], []
    base = TOP + PLOT_HEIGHT
    for index, (label, value) in enumerate(points):
        centre = LEFT + slot * (index + 0.5)
        month_part = label.split("/")[0] if label else ""
        out.append(f'<text class="month-label" x="{_f(centre)}" y="{base + 16}" text-anchor="middle">'
                   f"{escape(month_part)}</text>")
        if label and (index == 0 or month_part == "01"):
            out.append(f'<text class="year-label" x="{_f(centre)}" y="{base + 31}" text-anchor="middle">'
                       f"{escape(label.split('/')[-1])}</text>")
        if value is None:
            if current:
                segments.append(current)
            current = []
            continue
        y = _y_rate(min(max(float(value), 0.0), 100.0) / 100)
        current.append((centre, y))
        marks.append((centre, y, label, float(value)))
    if current:
        segments.append(current)
    path = " ".join("M" + " L".join(f"{_f(x)} {_f(y)}" for x, y in segment) for segment in segments if segment)
    if path:
        out.append(f'<path class="rate-line" d="{path}" fill="none"/>')
    for x, y, label, value in marks:
        text = f"{value:.2f}".rstrip("0").rstrip(".").replace(".", ",") + "%"
        out.append(f'<g class="rate" data-month="{escape(label)}"><title>{escape(label)}: {escape(text)}</title>'
                   f'<circle class="rate-point" cx="{_f(x)}" cy="{_f(y)}" r="4"/>'
                   f'<text class="rate-label" x="{_f(x)}" y="{_f(y - 9)}" text-anchor="middle">{escape(text)}</text></g>')
    if not marks:
        out.append(f'<text class="empty" x="{LEFT + PLOT_WIDTH / 2:.0f}" y="{TOP + PLOT_HEIGHT / 2:.0f}" '
                   f'text-anchor="middle">Chưa có điểm nào trong 12 tháng này</text>')
    out.append("</svg>")
    return "\n".join(out)
