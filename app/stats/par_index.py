"""The arithmetic of the PAR index (chỉ số CCHC): a criterion's points from a figure or a manual entry, a
rubric's total and percent, and ranks that share ties. Pure: no Flask, no SQLAlchemy, no clock.

Score % = points achieved ÷ maximum points × 100, rounded half up to two decimal places as the published
results write it ("93,01%", ../shared/seeds/; `par_results` ranks and bands on that value) (DOMAIN.md "The index";
the Ministry of Home Affairs' methods, Decision 876/QĐ-BNV 2022 and its successors, score every area
this way). Criteria, maximum points and rules are data (a rubric per year); this module only applies them.

Choices where the methods are silent:
- A figure with no data (a rate with nothing to divide by) scores the criterion's `share_without_data`
  of its points — 0 unless the rubric says otherwise — and the result says "no data".
- A manual entry counts only once a higher unit has confirmed it: self-assessed points that nobody
  checked would let a unit rank itself. Until then it shows as pending and scores 0.
- Points are rounded to 2 decimal places, half up, per criterion; the total is the sum of those.
"""
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from enum import StrEnum

HUNDRED = Decimal(100)
CENT = Decimal("0.01")


class Method(StrEnum):
    AUTO = "auto"  # from a named figure of the figures engine
    MANUAL = "manual"  # points entered by the unit's chair with evidence, confirmed by a higher unit

    @property
    def label(self) -> str:
        return {"auto": "Tự động", "manual": "Tự chấm"}[self.value]


class Rule(StrEnum):
    BANDS = "bands"  # the highest band whose minimum the figure reaches gives its share of the points
    PROPORTIONAL = "proportional"  # points = figure (a fraction) × maximum points

    @property
    def label(self) -> str:
        return {"bands": "Theo mức", "proportional": "Tỷ lệ thuận"}[self.value]


class Status(StrEnum):
    """What a criterion's points rest on."""

    SCORED = "scored"  # computed from a figure
    NO_DATA = "no_data"  # the figure has no data
    CONFIRMED = "confirmed"  # manual, confirmed by a higher unit: counted
    PENDING = "pending"  # manual, awaiting confirmation: not counted
    REJECTED = "rejected"  # manual, sent back by the higher unit: not counted
    NOT_ENTERED = "not_entered"  # manual, nothing entered yet

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]


STATUS_LABELS = {
    Status.SCORED: "Tính từ số liệu",
    Status.NO_DATA: "Không có dữ liệu",
    Status.CONFIRMED: "Đã được cấp trên xác nhận",
    Status.PENDING: "Chờ cấp trên xác nhận",
    Status.REJECTED: "Cấp trên trả lại",
    Status.NOT_ENTERED: "Chưa tự chấm",
}


@dataclass(frozen=True)
class Band:
    minimum: Decimal  # the lowest figure of the band, a fraction (0.95 = 95%), inclusive
    share: Decimal  # the share of the criterion's maximum points it gives, a fraction


@dataclass(frozen=True)
class CriterionRule:
    code: str
    name: str
    max_points: Decimal
    method: Method
    figure: str | None = None  # a name of FIGURE_LABELS, for automatic criteria
    rule: Rule | None = None
    bands: tuple[Band, ...] = ()
    share_without_data: Decimal = Decimal(0)


@dataclass(frozen=True)
class ManualEntry:
    points: Decimal  # as entered
    status: Status  # CONFIRMED, PENDING or REJECTED


@dataclass(frozen=True)
class CriterionScore:
    code: str
    name: str
    method: Method
    figure: str | None
    value: float | int | None  # the figure's value (a fraction for rates), or None
    points: Decimal  # counted points
    max_points: Decimal
    status: Status
    entered_points: Decimal | None = None  # manual points as entered, counted or not

    @property
    def is_automatic(self) -> bool:
        return self.method == Method.AUTO


@dataclass(frozen=True)
class RubricScore:
    criteria: tuple[CriterionScore, ...]
    points: Decimal
    max_points: Decimal
    percent: Decimal | None  # two decimal places; None when the rubric has no points at all

    @property
    def pending_count(self) -> int:
        return sum(1 for criterion in self.criteria if criterion.status == Status.PENDING)


def _decimal(value) -> Decimal:
    # Through str, so that the float 0.95 becomes Decimal("0.95"), not its binary approximation.
    return value if isinstance(value, Decimal) else Decimal(str(value))


def _points(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def band_share(bands: tuple[Band, ...], value: Decimal) -> Decimal:
    """The share of the highest band whose minimum `value` reaches; 0 below every band."""
    for band in sorted(bands, key=lambda band: band.minimum, reverse=True):
        if value >= band.minimum:
            return band.share
    return Decimal(0)


def score_criterion(rule: CriterionRule, value: float | None = None,
                    entry: ManualEntry | None = None) -> CriterionScore:
    """Points of one criterion: from the figure's `value` (automatic) or the unit's `entry` (manual)."""
    max_points = _decimal(rule.max_points)
    if rule.method == Method.MANUAL:
        if entry is None:
            return CriterionScore(rule.code, rule.name, rule.method, None, None, _points(Decimal(0)), max_points,
                                  Status.NOT_ENTERED)
        entered = _decimal(entry.points)
        counted = min(max(entered, Decimal(0)), max_points) if entry.status == Status.CONFIRMED else Decimal(0)
        return CriterionScore(rule.code, rule.name, rule.method, None, None, _points(counted), max_points,
                              entry.status, entered)
    if value is None:
        return CriterionScore(rule.code, rule.name, rule.method, rule.figure, None,
                              _points(max_points * _decimal(rule.share_without_data)), max_points, Status.NO_DATA)
    figure = _decimal(value)
    if rule.rule == Rule.PROPORTIONAL:
        share = min(max(figure, Decimal(0)), Decimal(1))
    else:
        share = band_share(rule.bands, figure)
    return CriterionScore(rule.code, rule.name, rule.method, rule.figure, value, _points(max_points * share),
                          max_points, Status.SCORED)


def percent_of(points: Decimal, max_points: Decimal) -> Decimal | None:
    """points ÷ max × 100, two decimal places, half up; None when there is no maximum."""
    if not max_points:
        return None
    return (points / max_points * HUNDRED).quantize(CENT, rounding=ROUND_HALF_UP)


def score_rubric(rules: list[CriterionRule], figures: dict[str, float | int | None],
                 entries: dict[str, ManualEntry]) -> RubricScore:
    """Every criterion of a rubric, in order, and the total: `figures` by name, `entries` by criterion code."""
    scores = tuple(
        score_criterion(rule, figures.get(rule.figure) if rule.figure else None, entries.get(rule.code))
        for rule in rules
    )
    points = sum((score.points for score in scores), Decimal(0))
    max_points = sum((score.max_points for score in scores), Decimal(0))
    return RubricScore(scores, _points(points), _points(max_points), percent_of(points, max_points))


def competition_ranks(values: list[Decimal | None]) -> list[int | None]:
    """Ranks of `values`, highest first, ties sharing a rank ("1, 2, 2, 4"); None values get no rank."""
    ranked = sorted((value for value in values if value is not None), reverse=True)
    first_rank = {}
    for position, value in enumerate(ranked, start=1):
        first_rank.setdefault(value, position)
    return [first_rank[value] if value is not None else None for value in values]


def rank_label(rank: int | None, total: int) -> str:
    """"3/30": third of thirty; "—" for no rank."""
    return f"{rank}/{total}" if rank is not None else "—"


class BandsError(ValueError):
    """Bands typed by an administrator that cannot be read; the message says which line and why."""


_BAND_LINE = re.compile(
    r"^\s*(?:≥|>=)?\s*(?P<minimum>\d+(?:[.,]\d+)?)\s*%?\s*(?:→|->|=>|:)\s*(?P<share>\d+(?:[.,]\d+)?)\s*%?\s*$"
)


def _percent_number(text: str) -> Decimal:
    return Decimal(text.replace(",", "."))


def parse_bands(text: str) -> tuple[Band, ...]:
    """Bands written one a line as "figure % → share of the points %" ("100 → 100%", "95 → 50%"),
    highest first; a figure below every line scores 0."""
    bands = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        match = _BAND_LINE.match(line)
        if match is None:
            raise BandsError(f"Dòng {number} không đọc được: viết dạng \"95 → 50%\" (tỷ lệ đạt % → % số điểm).")
        try:
            minimum, share = _percent_number(match["minimum"]), _percent_number(match["share"])
        except InvalidOperation:
            raise BandsError(f"Dòng {number}: số không hợp lệ.") from None
        if minimum > HUNDRED or share > HUNDRED:
            raise BandsError(f"Dòng {number}: tỷ lệ và phần điểm không được quá 100%.")
        bands.append(Band(minimum / HUNDRED, share / HUNDRED))
    if not bands:
        raise BandsError("Nhập ít nhất một mức, ví dụ \"100 → 100%\".")
    minimums = [band.minimum for band in bands]
    if len(set(minimums)) != len(minimums):
        raise BandsError("Hai mức có cùng tỷ lệ đạt.")
    return tuple(sorted(bands, key=lambda band: band.minimum, reverse=True))


def _percent_text(fraction: Decimal) -> str:
    return f"{(fraction * HUNDRED).normalize():f}".replace(".", ",")


def format_bands(bands: tuple[Band, ...]) -> str:
    """The lines `parse_bands` reads, highest first."""
    ordered = sorted(bands, key=lambda band: band.minimum, reverse=True)
    return "\n".join(f"{_percent_text(band.minimum)} → {_percent_text(band.share)}%" for band in ordered)


def describe_rule(rule: CriterionRule) -> str:
    """The scoring rule in words, for the pages."""
    if rule.method == Method.MANUAL:
        return "Đơn vị tự chấm, có tài liệu kiểm chứng; tính điểm khi cấp trên xác nhận."
    if rule.rule == Rule.PROPORTIONAL:
        text = "Điểm = tỷ lệ đạt × điểm tối đa"
    else:
        parts = [f"{'' if band.minimum == 1 else '≥ '}{_percent_text(band.minimum)}%: {_percent_text(band.share)}% số điểm"
                 for band in sorted(rule.bands, key=lambda band: band.minimum, reverse=True)]
        text = "; ".join(parts + ["thấp hơn: 0 điểm"])
    if rule.share_without_data:
        text += f"; không có dữ liệu: {_percent_text(_decimal(rule.share_without_data))}% số điểm"
    return text + "."
