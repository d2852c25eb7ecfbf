"""Scores units on a rubric and ranks the units under a parent: loads the rubric, asks the figures engine
for the figures and the database for confirmed manual entries, and leaves the arithmetic to par_index
(each area's total and the published results — ranks within blocks, bands, averages — to par_results).
Also the operations on rubrics (load the defaults, copy to a year) and on manual scores (enter, confirm,
send back) with their evidence files."""
import uuid
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_DOWN, Decimal
from pathlib import Path

from flask import current_app
from sqlalchemy import and_, case, func, literal, select
from sqlalchemy.orm import aliased, selectinload

from app.auth.models import User
from app.catalog.models import Offering, OnlineKind, Procedure
from app.catalog.queries import offerings_in_effect
from app.extensions import db
from app.jinja_filters import format_number
from app.stats.builtin_rubrics import BUILTIN_RUBRICS
from app.stats.figures import FIGURE_LABELS, Report06, children_report, named_figures, report_06
from app.stats.index_models import Area, Criterion, ManualScore, Rubric
from app.stats.qd766 import QD766_FIGURES
from app.stats.par_index import Method, RubricScore, Status, competition_ranks, rank_label, score_rubric
from app.stats.par_results import AreaScore, PublishedResults, UnitEntry, block_of, publish, score_areas
from app.units.models import Unit
from app.vntext import nfc

# Figures a criterion may be scored from: the rates (fractions), whose bands read as percentages.
# "late_count" is a count, for which neither bands of percentages nor proportional points make sense.
RATE_FIGURES = {name: label for name, label in FIGURE_LABELS.items() if name != "late_count"}


def figure_text(figure: str | None, value) -> str:
    """A figure as people read it: "82,76%" for a rate, "3" for a count, "không có dữ liệu" for None."""
    if figure is None:
        return ""
    if value is None:
        return "không có dữ liệu"
    if figure not in RATE_FIGURES:
        return format_number(value)
    # Two decimals, cut rather than rounded: 94,999% must not read as the 95% a band asks for.
    percent = (Decimal(str(value)) * 100).quantize(Decimal("0.01"), rounding=ROUND_DOWN)
    return format_number(percent.normalize() if percent != percent.to_integral() else percent.to_integral()) + "%"


class RubricNotFound(LookupError):
    def __init__(self, code: str, year: int):
        super().__init__(f"Không có bộ tiêu chí {code} năm {year}.")


def scoring_period(year: int, today: date) -> tuple[date, date]:
    """The days a year's score covers, both inclusive: 1 Jan to 31 Dec, or to today during the year."""
    start, end = date(year, 1, 1), date(year, 12, 31)
    return start, (today if start <= today < end else end)


def load_rubric(code: str, year: int) -> Rubric:
    rubric = db.session.scalar(
        select(Rubric).where(Rubric.code == code, Rubric.year == year)
        .options(selectinload(Rubric.criteria), selectinload(Rubric.areas))
    )
    if rubric is None:
        raise RubricNotFound(code, year)
    return rubric


def rubrics_of_year(year: int) -> list[Rubric]:
    return db.session.scalars(select(Rubric).where(Rubric.year == year).order_by(Rubric.code)).all()


def rubric_years() -> list[int]:
    return db.session.scalars(select(Rubric.year).distinct().order_by(Rubric.year.desc())).all()


@dataclass
class UnitScore:
    """A unit's score on a rubric for a year, with what it rests on."""

    unit: Unit
    rubric: Rubric
    start: date
    end: date
    score: RubricScore
    manual_scores: dict[int, ManualScore]  # by criterion id

    def criteria(self) -> list[tuple[Criterion, object, ManualScore | None]]:
        """(criterion, its CriterionScore, its manual score or None), in the rubric's order."""
        return [(criterion, scored, self.manual_scores.get(criterion.id))
                for criterion, scored in zip(self.rubric.criteria, self.score.criteria, strict=True)]

    def areas(self) -> tuple[AreaScore, ...]:
        """Each area of the rubric (lĩnh vực) with its points and maximum."""
        return areas_of(self.rubric, self.score)

    def as_json(self) -> dict:
        """The shape `flask index score --format json` prints."""
        score = self.score
        return {
            "unit": self.unit.code,
            "year": self.rubric.year,
            "rubric": self.rubric.code,
            "from": self.start.isoformat(),
            "to": self.end.isoformat(),
            "points": float(score.points),
            "max_points": float(score.max_points),
            "percent": float(score.percent) if score.percent is not None else None,
            "criteria": [
                {"code": item.code, "name": item.name, "method": str(item.method), "figure": item.figure,
                 "value": item.value, "points": float(item.points), "max_points": float(item.max_points),
                 "status": str(item.status)}
                for item in score.criteria
            ],
        }


UNASSIGNED_AREA = ("—", "Tiêu chí chưa xếp lĩnh vực")


def area_layout(rubric: Rubric) -> list[tuple[str, str, list[str]]]:
    """The rubric's areas in order, each (code, name, its criteria's codes); criteria without an area last."""
    codes: dict[int | None, list[str]] = {area.id: [] for area in rubric.areas}
    for criterion in rubric.criteria:
        codes.setdefault(criterion.area_id if criterion.area_id in codes else None, []).append(criterion.code)
    layout = [(area.code, area.name, codes[area.id]) for area in rubric.areas]
    if codes.get(None):
        layout.append((*UNASSIGNED_AREA, codes[None]))
    return layout


def areas_of(rubric: Rubric, score: RubricScore) -> tuple[AreaScore, ...]:
    return score_areas(area_layout(rubric), {item.code: (item.points, item.max_points) for item in score.criteria})


def _manual_scores(rubric: Rubric, unit_ids: list[int]) -> dict[tuple[int, int], ManualScore]:
    """Manual scores of the rubric's criteria for these units, by (unit id, criterion id): one query."""
    criterion_ids = [criterion.id for criterion in rubric.criteria if criterion.is_manual]
    if not criterion_ids or not unit_ids:
        return {}
    rows = db.session.scalars(
        select(ManualScore)
        .where(ManualScore.criterion_id.in_(criterion_ids), ManualScore.unit_id.in_(unit_ids))
        .options(selectinload(ManualScore.entered_by), selectinload(ManualScore.reviewed_by))
    )
    return {(row.unit_id, row.criterion_id): row for row in rows}


def _score(rubric: Rubric, figures: dict, manual: dict[int, ManualScore]) -> RubricScore:
    codes = {criterion.id: criterion.code for criterion in rubric.criteria}
    entries = {codes[criterion_id]: row.as_entry() for criterion_id, row in manual.items()}
    return score_rubric(rubric.rules, figures, entries)


def _has_automatic(rubric: Rubric) -> bool:
    return any(criterion.method == Method.AUTO for criterion in rubric.criteria)


def score_unit(unit: Unit, year: int, rubric_code: str, today: date) -> UnitScore:
    """`unit`'s score on the rubric `rubric_code` of `year`; figures are Report 06's for the unit's subtree."""
    rubric = load_rubric(rubric_code, year)
    start, end = scoring_period(year, today)
    figures = named_figures(report_06(unit, start, end)) if _has_automatic(rubric) else {}
    if _names_766_figures(rubric):
        # A rubric that reads Decision 766's figures (qd766 itself, or a PAR rubric an administrator gave
        # them to) gets them over the same period; imported here, as qd766_service builds on this module.
        from app.stats.qd766_service import extra_figures
        figures.update(extra_figures(unit, start, end))
    manual = {criterion_id: row for (_, criterion_id), row in _manual_scores(rubric, [unit.id]).items()}
    return UnitScore(unit, rubric, start, end, _score(rubric, figures, manual), manual)


def _names_766_figures(rubric: Rubric) -> bool:
    return any(criterion.figure in QD766_FIGURES for criterion in rubric.criteria)


def _child_of(parent: Unit, children: list[Unit]) -> dict[int, int]:
    """Every unit below `parent` mapped to the child of `parent` it lies under (the child itself included)."""
    child_of = {}
    for unit_id, path in db.session.execute(select(Unit.id, Unit.path).where(Unit.path.startswith(parent.path))):
        for child in children:
            if path.startswith(child.path):
                child_of[unit_id] = child.id
    return child_of


def offering_summaries_by_child(parent: Unit, children: list[Unit], on_day: date) -> dict[int, dict[str, int]]:
    """`offering_summary` of each child's subtree, as of `on_day`, in one grouped query."""
    child_of = _child_of(parent, children)
    in_effect = aliased(Offering, offerings_in_effect(select(Unit.id).where(Unit.id.in_(list(child_of))),
                                                      on_day).subquery())
    key = case(child_of, value=in_effect.unit_id, else_=literal(None)).label("child_id")
    at_desk = in_effect.at_desk.is_(True)
    stmt = (
        select(
            key,
            func.count(),
            func.count().filter(at_desk),
            func.count().filter(and_(at_desk, in_effect.is_shortened)),
            func.count().filter(in_effect.online_kind == OnlineKind.END_TO_END),
        )
        .select_from(in_effect)
        .join(Procedure, Procedure.id == in_effect.procedure_id)
        .group_by(key)
    )
    summaries = {child.id: {"offered": 0, "at_desk": 0, "shortened": 0, "end_to_end": 0} for child in children}
    for child_id, offered, at_desk_count, shortened, end_to_end in db.session.execute(stmt):
        summaries[child_id] = {"offered": offered, "at_desk": at_desk_count, "shortened": shortened,
                               "end_to_end": end_to_end}
    return summaries


@dataclass
class RankedUnit:
    unit: Unit
    score: RubricScore
    figures: dict
    rank: int | None
    of: int

    @property
    def rank_label(self) -> str:
        return rank_label(self.rank, self.of)


def rank_children(parent: Unit, year: int, rubric_code: str, today: date) -> list[RankedUnit]:
    """The units directly below `parent`, each scored on its subtree, best first; ties share a rank.

    Four queries whatever the number of children: the dossier counts (`children_report`), the
    offerings grouped by child, the units, and the manual scores.
    """
    rubric = load_rubric(rubric_code, year)
    start, end = scoring_period(year, today)
    counts_by_child = children_report(parent, start, end)
    if not counts_by_child:
        return []
    children = [child for child, _ in counts_by_child]
    offerings = offering_summaries_by_child(parent, children, end) if _has_automatic(rubric) else {}
    manual_by_child = {child.id: {} for child in children}
    for (unit_id, criterion_id), row in _manual_scores(rubric, list(manual_by_child)).items():
        manual_by_child[unit_id][criterion_id] = row
    extra_by_child = {}
    if _names_766_figures(rubric):
        from app.stats.qd766_service import grouped_extra_figures
        extra_by_child = grouped_extra_figures(parent, children, start, end)
    scored = []
    for child, counts in counts_by_child:
        figures = named_figures(Report06(child, start, end, counts, [], offerings.get(child.id, {})))
        figures.update(extra_by_child.get(child.id, {}))
        scored.append((child, _score(rubric, figures, manual_by_child[child.id]), figures))
    scored.sort(key=lambda item: (-(item[1].percent if item[1].percent is not None else Decimal(-1)),
                                  item[0].name))
    ranks = competition_ranks([score.percent for _, score, _ in scored])
    return [RankedUnit(child, score, figures, rank, len(scored))
            for (child, score, figures), rank in zip(scored, ranks, strict=True)]


@dataclass
class IndexResults:
    """The published results of the units directly below `parent` for a year (`par_results` has the rules)."""

    parent: Unit
    rubric: Rubric
    start: date
    end: date
    results: PublishedResults
    units: dict[int, Unit]
    areas: dict[int, tuple[AreaScore, ...]]  # by unit id
    has_last_year: bool  # the rubric's code has a rubric the year before

    @property
    def year(self) -> int:
        return self.rubric.year

    @property
    def is_demo(self) -> bool:
        return any(unit.is_demo for unit in self.units.values())

    def as_json(self) -> dict:
        """The shape `flask index results --format json` prints: percentages as the page shows them."""
        return {
            "units": [
                {"code": line.code, "name": line.name, "kind": str(line.block),
                 "percent": float(line.percent) if line.percent is not None else None,
                 "rank": line.rank_label if line.rank is not None else None,
                 "band": str(line.band) if line.band is not None else None}
                for line in self.results.lines
            ],
            "groups": [
                {"kind": str(group.block), "average": float(group.average) if group.average is not None else None,
                 "bands": {str(band): count for band, count in group.bands.items()}}
                for group in self.results.groups
            ],
        }


def _was_assessed(score: RubricScore) -> bool:
    """Whether a unit has a result at all: some criterion computed from data or confirmed by the higher unit.
    A unit with none (nothing entered, nothing confirmed, no figure) is listed without a percentage, rank or
    band rather than ranked last with 0%."""
    return any(item.status in (Status.SCORED, Status.CONFIRMED) for item in score.criteria)


def published_results(parent: Unit, year: int, rubric_code: str, today: date) -> IndexResults:
    """Every unit directly below `parent` with its percentage, rank within its block, band and change from
    the year before (on the rubric of the same code, if there is one), and each block's figures.

    Batched like `rank_children`, which it calls for each of the two years: the number of queries does not
    grow with the number of units or criteria.
    """
    ranked = rank_children(parent, year, rubric_code, today)
    rubric = load_rubric(rubric_code, year)
    try:
        last_year = {row.unit.id: row.score for row in rank_children(parent, year - 1, rubric_code, today)}
        has_last_year = True
    except RubricNotFound:
        last_year, has_last_year = {}, False
    entries = []
    for row in ranked:
        this = row.score if _was_assessed(row.score) else None
        last = last_year.get(row.unit.id)
        last = last if last is not None and _was_assessed(last) else None
        entries.append(UnitEntry(
            row.unit.id, row.unit.code, row.unit.name, block_of(row.unit.kind, row.unit.name),
            this.points if this is not None else None, this.max_points if this is not None else None,
            last.points if last is not None else None, last.max_points if last is not None else None,
        ))
    start, end = scoring_period(year, today)
    return IndexResults(parent, rubric, start, end, publish(entries), {row.unit.id: row.unit for row in ranked},
                        {row.unit.id: areas_of(rubric, row.score) for row in ranked}, has_last_year)


def load_default_rubrics(year: int) -> list[tuple[str, bool]]:
    """Create the built-in rubrics for `year` if missing: (code, created?) for each. An existing rubric of
    that code and year is left as it is, whatever an administrator changed in it."""
    done = []
    for data in BUILTIN_RUBRICS:
        exists = db.session.scalar(select(Rubric.id).where(Rubric.code == data["code"], Rubric.year == year))
        if exists is None:
            rubric = Rubric(code=data["code"], year=year, name=data["name"], description=data["description"],
                            is_builtin_default=True)
            position = 0
            for area_position, area_data in enumerate(data["areas"], start=1):
                area = Area(position=area_position, code=area_data["code"], name=area_data["name"])
                rubric.areas.append(area)
                for item in area_data["criteria"]:
                    position += 1
                    rubric.criteria.append(Criterion(
                        area=area, position=position, code=item["code"], name=item["name"],
                        max_points=Decimal(item["max_points"]), method=item["method"], figure=item.get("figure"),
                        rule=item.get("rule"), bands=item.get("bands", []),
                        share_without_data=Decimal(item.get("share_without_data", "0")), source=item.get("source", ""),
                    ))
            db.session.add(rubric)
        done.append((data["code"], exists is None))
    return done


def copy_rubric(rubric: Rubric, year: int, now: datetime) -> Rubric:
    """A copy of `rubric` and its criteria for `year` (not committed); ValueError if that year has one."""
    if db.session.scalar(select(Rubric.id).where(Rubric.code == rubric.code, Rubric.year == year)):
        raise ValueError(f"Năm {year} đã có bộ tiêu chí {rubric.code}.")
    copy = Rubric(code=rubric.code, year=year, name=rubric.name, description=rubric.description,
                  is_builtin_default=rubric.is_builtin_default, updated_at=now)
    areas = {}
    for area in rubric.areas:
        areas[area.id] = Area(position=area.position, code=area.code, name=area.name)
        copy.areas.append(areas[area.id])
    for criterion in rubric.criteria:
        copy.criteria.append(Criterion(
            area=areas.get(criterion.area_id), position=criterion.position, code=criterion.code, name=criterion.name,
            max_points=criterion.max_points, method=criterion.method, figure=criterion.figure,
            rule=criterion.rule, bands=list(criterion.bands or []),
            share_without_data=criterion.share_without_data, source=criterion.source,
        ))
    db.session.add(copy)
    return copy


def manual_score_count(criterion: Criterion) -> int:
    return db.session.scalar(select(func.count()).where(ManualScore.criterion_id == criterion.id))


# Evidence files (issue: "an attachment or link as evidence").
MAX_EVIDENCE_BYTES = 5 * 1024 * 1024
# The first bytes each accepted kind starts with; a .docx is a zip archive.
EVIDENCE_SIGNATURES = {
    "pdf": (b"%PDF",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "docx": (b"PK\x03\x04",),
}


def evidence_problem(filename: str, content: bytes) -> str | None:
    """Why an uploaded evidence file is refused (size, kind), or None. `content` is the file, read up
    to one byte past the limit."""
    extension = Path(filename).suffix.lower().lstrip(".")
    if extension not in EVIDENCE_SIGNATURES:
        return "Chỉ nhận tệp PDF, JPG, PNG hoặc DOCX."
    if len(content) > MAX_EVIDENCE_BYTES:
        return "Tệp lớn hơn 5 MB."
    if not content:
        return "Tệp rỗng."
    if not content.startswith(EVIDENCE_SIGNATURES[extension]):
        return f"Nội dung tệp không phải {extension.upper()}."
    return None


def evidence_folder() -> Path:
    """Where evidence files live: setting INDEX_EVIDENCE_DIR, by default instance/evidence."""
    configured = current_app.config.get("INDEX_EVIDENCE_DIR")
    return Path(configured) if configured else Path(current_app.instance_path) / "evidence"


def evidence_path(score: ManualScore) -> Path | None:
    """The stored file of a manual score, or None; never a path outside the evidence folder."""
    if not score.evidence_file:
        return None
    folder = evidence_folder().resolve()
    path = (folder / score.evidence_file).resolve()
    return path if path.is_relative_to(folder) and path.is_file() else None


def _store_evidence(unit: Unit, filename: str, content: bytes) -> str:
    """Save the file under a name of our own (the original name is kept in the row); the stored name."""
    extension = Path(filename).suffix.lower().lstrip(".")
    stored = f"{unit.id}/{uuid.uuid4().hex}.{extension}"
    path = evidence_folder() / stored
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return stored


@dataclass
class Evidence:
    url: str = ""
    filename: str = ""  # the original name of an uploaded file, or ""
    content: bytes = b""


def enter_manual_score(criterion: Criterion, unit: Unit, user: User, points: Decimal, note: str,
                       evidence: Evidence, now: datetime) -> ManualScore:
    """Record the chair's points (not committed). Entering again replaces the points and sends them back
    for confirmation; a file uploaded before is kept unless a new one replaces it."""
    score = db.session.scalar(
        select(ManualScore).where(ManualScore.criterion_id == criterion.id, ManualScore.unit_id == unit.id)
    )
    if score is None:
        score = ManualScore(criterion=criterion, unit=unit)
        db.session.add(score)
    score.points, score.note, score.evidence_url = points, note, evidence.url
    if evidence.filename:
        old = evidence_path(score)
        score.evidence_file = _store_evidence(unit, evidence.filename, evidence.content)
        # As the browser sent it, which may be NFD (macOS) or carry control characters: shown and downloaded.
        score.evidence_name = nfc(Path(evidence.filename).name)[:255]
        if old is not None:
            old.unlink(missing_ok=True)
    score.status = Status.PENDING
    score.entered_by, score.entered_at = user, now
    score.reviewed_by, score.reviewed_at, score.review_note = None, None, ""
    return score


def review_manual_score(score: ManualScore, user: User, confirmed: bool, note: str, now: datetime) -> None:
    """Confirm the points (they count from now on) or send them back with a reason (not committed)."""
    score.status = Status.CONFIRMED if confirmed else Status.REJECTED
    score.reviewed_by, score.reviewed_at, score.review_note = user, now, note
