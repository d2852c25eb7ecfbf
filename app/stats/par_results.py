"""The PAR index results as a higher unit publishes them: each unit's percentage, its rank within its
block, its band, the change from last year, and each block's average and count per band, written as
the announcements write them. Pure: no Flask, no SQLAlchemy, no clock.

Rules (DOMAIN.md "The index"; the Chương Mỹ and Long Biên announcements in ../shared/seeds/):
- **Percentage** = points ÷ maximum points × 100, rounded half up to 2 decimals ("93,01%"), and from
  then on that rounded value is the unit's result: the band, the rank and the average are all taken
  from it, so a reader who recounts the published table finds the same figures.
- **Blocks:** units are ranked and averaged within blocks of the same kind — wards (phường) apart from
  communes and towns (xã, thị trấn), as Hải Phòng did in 2025, and districts (quận, huyện, thị xã)
  apart from both. A ward-level unit's block is read from its name ("Phường …", "Xã …", "Thị trấn …").
- **Rank:** highest percentage first; equal percentages share a rank and the next one skips
  ("1, 2, 2, 4": standard competition ranking); "3/30" is the rank over the units of the block with a
  score. A unit without a score (a rubric without points) has no rank and no band.
- **Bands:** "từ 90% trở lên" (≥ 90), "từ 80% đến dưới 90%" ([80, 90)), "từ 70% đến dưới 80%"
  ([70, 80)), "dưới 70%" (< 70), on the rounded percentage.
- **Average** of a block = the mean of its units' rounded percentages, rounded half up to 2 decimals.
- **Change from last year** = this year's rounded percentage − last year's, in percentage points.
- **Counts in sentences:** as the Chương Mỹ announcement writes them — the first count of a sentence as
  a plain number, the following ones with two digits ("1 đơn vị từ 90% trở lên, 23 đơn vị …, 08 đơn vị
  …"; "11 đơn vị …, 01 đơn vị …"); a band with no unit is left out of the sentence.
"""
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

HUNDRED = Decimal(100)
CENT = Decimal("0.01")


class ResultBand(StrEnum):
    FROM_90 = "from_90"
    FROM_80 = "from_80"
    FROM_70 = "from_70"
    BELOW_70 = "below_70"

    @property
    def label(self) -> str:
        return BAND_LABELS[self]


BAND_LABELS = {
    ResultBand.FROM_90: "từ 90% trở lên",
    ResultBand.FROM_80: "từ 80% đến dưới 90%",
    ResultBand.FROM_70: "từ 70% đến dưới 80%",
    ResultBand.BELOW_70: "dưới 70%",
}
# Lowest percentage of each band, inclusive; highest band first.
BAND_MINIMUMS = ((ResultBand.FROM_90, Decimal(90)), (ResultBand.FROM_80, Decimal(80)),
                 (ResultBand.FROM_70, Decimal(70)), (ResultBand.BELOW_70, None))


class Block(StrEnum):
    """The kind of unit ranked together."""

    WARD = "ward"
    COMMUNE = "commune"
    DISTRICT = "district"
    OTHER = "other"

    @property
    def label(self) -> str:
        return BLOCK_LABELS[self]

    @property
    def members(self) -> str:
        """How a rank reads: "xếp thứ 3/30 đơn vị {members}"."""
        return BLOCK_MEMBERS[self]


BLOCK_LABELS = {Block.WARD: "Khối phường", Block.COMMUNE: "Khối xã, thị trấn",
                Block.DISTRICT: "Khối quận, huyện, thị xã", Block.OTHER: "Các đơn vị khác"}
BLOCK_MEMBERS = {Block.WARD: "phường", Block.COMMUNE: "xã, thị trấn", Block.DISTRICT: "quận, huyện, thị xã",
                 Block.OTHER: "đơn vị"}
BLOCK_ORDER = list(Block)


def block_of(kind: str, name: str) -> Block:
    """The block of a unit from its kind ("ward", "district", …) and its name."""
    if kind == "district":
        return Block.DISTRICT
    if kind != "ward":
        return Block.OTHER
    lowered = name.strip().lower()
    if lowered.startswith(("xã", "thị trấn")):
        return Block.COMMUNE
    return Block.WARD


def published_percent(points: Decimal, max_points: Decimal) -> Decimal | None:
    """points ÷ max × 100, half up to 2 decimals; None without a maximum."""
    if not max_points:
        return None
    return (Decimal(points) / Decimal(max_points) * HUNDRED).quantize(CENT, rounding=ROUND_HALF_UP)


def band_of(percent: Decimal | None) -> ResultBand | None:
    if percent is None:
        return None
    for band, minimum in BAND_MINIMUMS:
        if minimum is None or percent >= minimum:
            return band
    raise AssertionError("unreachable: the last band has no minimum")


def shared_ranks(values: list[Decimal | None]) -> list[int | None]:
    """Ranks of `values`, highest first, equal values sharing a rank ("1, 2, 2, 4"); None: no rank."""
    ordered = sorted((value for value in values if value is not None), reverse=True)
    first = {}
    for position, value in enumerate(ordered, start=1):
        first.setdefault(value, position)
    return [first[value] if value is not None else None for value in values]


def average(values: list[Decimal]) -> Decimal | None:
    """The mean, half up to 2 decimals; None for no value."""
    if not values:
        return None
    return (sum(values, Decimal(0)) / len(values)).quantize(CENT, rounding=ROUND_HALF_UP)


def percent_text(value: Decimal | None) -> str:
    """"82,67%", "92,5%", "90%": a decimal comma, no trailing zeros; "—" for None."""
    if value is None:
        return "—"
    text = f"{Decimal(value).quantize(CENT):f}".rstrip("0").rstrip(".")
    return text.replace("-", "−").replace(".", ",") + "%"


def change_text(value: Decimal | None) -> str:
    """"+1,25", "−0,5", "0" percentage points; "—" when there is nothing to compare with."""
    if value is None:
        return "—"
    text = percent_text(abs(value)).removesuffix("%")
    return ("+" if value > 0 else "−" if value < 0 else "") + text


@dataclass(frozen=True)
class UnitEntry:
    """What the published results take from one unit's scores."""

    key: object  # the caller's handle on the unit (its id)
    code: str
    name: str
    block: Block
    points: Decimal | None
    max_points: Decimal | None
    last_points: Decimal | None = None  # last year's, on the same rubric code; None: not scored
    last_max_points: Decimal | None = None


@dataclass(frozen=True)
class ResultLine:
    key: object
    code: str
    name: str
    block: Block
    percent: Decimal | None
    rank: int | None
    of: int  # units of the block with a rank
    band: ResultBand | None
    last_percent: Decimal | None
    change: Decimal | None  # percentage points

    @property
    def rank_label(self) -> str:
        return f"{self.rank}/{self.of}" if self.rank is not None else "—"

    def sentence(self) -> str:
        """"đạt 93,01%, xếp thứ 3/30 đơn vị phường", as the Long Biên article writes it."""
        if self.percent is None:
            return "chưa có điểm"
        return f"đạt {percent_text(self.percent)}, xếp thứ {self.rank_label} đơn vị {self.block.members}"


@dataclass(frozen=True)
class GroupResult:
    block: Block
    count: int  # units of the block, scored or not
    average: Decimal | None
    bands: dict[ResultBand, int] = field(default_factory=dict)

    def sentence(self) -> str:
        """"Khối xã, thị trấn (32 đơn vị): giá trị trung bình 82,67%: 1 đơn vị từ 90% trở lên, 23 đơn vị
        từ 80% đến dưới 90%, 08 đơn vị từ 70% đến dưới 80%."""
        head = f"{self.block.label} ({self.count} đơn vị)"
        if self.average is None:
            return f"{head}: chưa có đơn vị được chấm điểm."
        parts = []
        for band in ResultBand:
            if self.bands.get(band):
                parts.append(f"{count_text(self.bands[band], first=not parts)} đơn vị {band.label}")
        return f"{head}: giá trị trung bình {percent_text(self.average)}: {', '.join(parts)}."


def count_text(count: int, first: bool) -> str:
    """The first count of a sentence plainly, the following ones with two digits (module docstring)."""
    return str(count) if first else f"{count:02d}"


@dataclass(frozen=True)
class PublishedResults:
    lines: tuple[ResultLine, ...]  # by block (wards, communes, districts, others), then rank, then name
    groups: tuple[GroupResult, ...]  # one per block present, in the same order

    def line_of(self, key) -> ResultLine | None:
        return next((line for line in self.lines if line.key == key), None)


def _sort_name(name: str) -> str:
    return name.casefold()


def publish(entries: list[UnitEntry]) -> PublishedResults:
    """The published results of `entries`: lines ranked within their block, and each block's figures."""
    lines, groups = [], []
    for block in BLOCK_ORDER:
        members = [entry for entry in entries if entry.block == block]
        if not members:
            continue
        percents = [published_percent(e.points, e.max_points) if e.points is not None else None for e in members]
        ranks = shared_ranks(percents)
        ranked_count = sum(1 for rank in ranks if rank is not None)
        block_lines = []
        for entry, percent, rank in zip(members, percents, ranks, strict=True):
            last = (published_percent(entry.last_points, entry.last_max_points)
                    if entry.last_points is not None else None)
            change = percent - last if percent is not None and last is not None else None
            block_lines.append(ResultLine(entry.key, entry.code, entry.name, block, percent, rank, ranked_count,
                                          band_of(percent), last, change))
        block_lines.sort(key=lambda line: (line.rank is None, line.rank or 0, _sort_name(line.name)))
        lines.extend(block_lines)
        scored = [line.percent for line in block_lines if line.percent is not None]
        bands = {band: sum(1 for line in block_lines if line.band == band) for band in ResultBand}
        groups.append(GroupResult(block, len(members), average(scored), bands))
    return PublishedResults(tuple(lines), tuple(groups))


@dataclass(frozen=True)
class AreaScore:
    """One area of a unit's index (lĩnh vực đánh giá): the sums of its criteria's points and maxima."""

    code: str
    name: str
    points: Decimal
    max_points: Decimal

    @property
    def percent(self) -> Decimal | None:
        return published_percent(self.points, self.max_points)


def score_areas(layout: list[tuple[str, str, list[str]]], points: dict[str, tuple[Decimal, Decimal]]) -> tuple[AreaScore, ...]:
    """Each area of `layout` ((code, name, its criteria's codes), in order) with the sums of `points`
    ({criterion code: (counted points, maximum)}) over its criteria."""
    areas = []
    for code, name, criteria in layout:
        counted = sum((points[criterion][0] for criterion in criteria), Decimal(0))
        maximum = sum((points[criterion][1] for criterion in criteria), Decimal(0))
        areas.append(AreaScore(code, name, counted, maximum))
    return tuple(areas)
