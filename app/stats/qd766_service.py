"""Decision 766's index for a unit and a month, from the engine: the month's counts in a few SQL aggregates over
the unit's subtree (or grouped by the children of a higher unit), the rubric `qd766` of the month's year,
the year's confirmed manual scores, and `par_index` for the arithmetic (`qd766` explains each figure)."""
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import Select, and_, case, func, literal, or_, select

from app.catalog.models import ChannelKind, OnlineKind
from app.digitisation.models import ResultForm
from app.dossiers.models import Dossier, DossierDocument, Outcome, PaymentMethod
from app.dossiers.ontime import Resolution
from app.extensions import db
from app.feedback.models import Feedback
from app.feedback.rules import Satisfaction
from app.lookup.models import DossierRating, Rating
from app.stats.figures import children_report, named_figures, report_06, Report06
from app.stats.index_models import Rubric
from app.stats.index_service import UnitScore, _child_of, _manual_scores, _score, areas_of, load_rubric
from app.stats.par_index import RubricScore, competition_ranks
from app.stats.par_results import AreaScore
from app.stats.qd766 import Counts, LostPoints, figures_of, lost_points
from app.units.models import Unit
from app.units.scope import subtree_unit_ids

RUBRIC_CODE = "qd766"
DRILL_DOWN_LIMIT = 20


def month_bounds(year: int, month: int) -> tuple[date, date]:
    """First and last day of the month, both inclusive."""
    first = date(year, month, 1)
    following = date(year + (month == 12), month % 12 + 1, 1)
    return first, following - timedelta(days=1)


def _instants(first: date, last: date) -> tuple[datetime, datetime]:
    return datetime.combine(first, time()), datetime.combine(last + timedelta(days=1), time())


def _key(child_of: dict[int, int] | None, column):
    """The grouping key: the child of the higher unit a row's unit lies under, or one group for a single unit."""
    if child_of is None:
        return literal(0).label("key")
    return case(child_of, value=column, else_=literal(None)).label("key")


def month_counts(unit_ids: Select, first: date, last: date,
                 child_of: dict[int, int] | None = None) -> dict[int, dict[str, int]]:
    """The month's raw counts by key (0 for a single unit; a child's id when `child_of` maps units to children).

    Four aggregates: documents per dossier received, dossiers (received / approved / paid in the month),
    feedback (answered / rated in the month), dossier ratings (rated in the month).
    """
    start_at, end_at = _instants(first, last)
    result: dict[int, dict[str, int]] = {}

    def add(key, **values):
        if key is None:
            return
        row = result.setdefault(key, {})
        for name, value in values.items():
            row[name] = row.get(name, 0) + int(value or 0)

    # Documents of the dossiers received in the month: one row per dossier, then summed per key.
    per_dossier = (
        select(Dossier.unit_id.label("unit_id"), func.count().label("documents"),
               func.count(DossierDocument.digitised_at).label("digitised"),
               func.count(DossierDocument.reused_from_id).label("reused"),
               func.count().filter(or_(DossierDocument.digitised_at.is_not(None),
                                       DossierDocument.reused_from_id.is_not(None))).label("digital"))
        .join(DossierDocument, DossierDocument.dossier_id == Dossier.id)
        .where(Dossier.unit_id.in_(unit_ids), Dossier.received_at >= start_at, Dossier.received_at < end_at)
        .group_by(Dossier.id, Dossier.unit_id)
        .subquery()
    )
    key = _key(child_of, per_dossier.c.unit_id)
    for row in db.session.execute(
            select(key, func.count(), func.count().filter(per_dossier.c.digital == per_dossier.c.documents),
                   func.sum(per_dossier.c.digital), func.sum(per_dossier.c.reused))
            .select_from(per_dossier).group_by(key)):
        add(row[0], received_with_documents=row[1], received_fully_digitised=row[2],
            documents_digitised_or_reused=row[3], documents_reused=row[4])

    received = and_(Dossier.received_at >= start_at, Dossier.received_at < end_at)
    approved = and_(Dossier.resolved_at >= start_at, Dossier.resolved_at < end_at, Dossier.outcome == Outcome.APPROVED)
    paid = and_(Dossier.paid_at >= start_at, Dossier.paid_at < end_at, Dossier.fee_paid > 0)
    online = and_(received, Dossier.channel == ChannelKind.ONLINE)
    key = _key(child_of, Dossier.unit_id)
    for row in db.session.execute(
            select(key, func.count().filter(approved),
                   func.count().filter(and_(approved, Dossier.result_form.in_([ResultForm.DIGITISED,
                                                                              ResultForm.ELECTRONIC]))),
                   func.count().filter(online),
                   func.count().filter(and_(online, Dossier.online_kind == OnlineKind.END_TO_END)),
                   func.count().filter(paid),
                   func.count().filter(and_(paid, Dossier.payment_method == PaymentMethod.ONLINE)))
            .where(Dossier.unit_id.in_(unit_ids), or_(received, approved, paid))
            .group_by(key)):
        add(row[0], approved=row[1], approved_digital_result=row[2], online=row[3], online_end_to_end=row[4],
            paid=row[5], paid_online=row[6])

    answered = and_(Feedback.answered_at >= start_at, Feedback.answered_at < end_at)
    rated = and_(Feedback.rated_at >= start_at, Feedback.rated_at < end_at)
    key = _key(child_of, Feedback.unit_id)
    for row in db.session.execute(
            select(key, func.count().filter(answered),
                   func.count().filter(and_(answered, Feedback.resolution.in_([Resolution.EARLY, Resolution.ON_TIME]))),
                   func.count().filter(rated),
                   func.count().filter(and_(rated, Feedback.satisfaction.in_(
                       [s.value for s in Satisfaction if s.is_satisfied]))))
            .where(Feedback.unit_id.in_(unit_ids), or_(answered, rated))
            .group_by(key)):
        add(row[0], feedback_answered=row[1], feedback_on_time=row[2], feedback_rated=row[3],
            feedback_satisfied=row[4])

    key = _key(child_of, Dossier.unit_id)
    for row in db.session.execute(
            select(key, func.count(), func.count().filter(DossierRating.rating == Rating.SATISFIED))
            .join(Dossier, Dossier.id == DossierRating.dossier_id)
            .where(Dossier.unit_id.in_(unit_ids), DossierRating.rated_at >= start_at, DossierRating.rated_at < end_at)
            .group_by(key)):
        add(row[0], dossiers_rated=row[1], dossiers_satisfied=row[2])
    return result


def _figures(raw: dict[str, int], report_figures: dict) -> dict[str, float | None]:
    counts = Counts(**{name: raw.get(name, 0) for name in Counts.__dataclass_fields__})
    figures = dict(report_figures)
    figures.update(figures_of(counts))
    rated = raw.get("dossiers_rated", 0)
    figures["satisfaction_rate"] = raw.get("dossiers_satisfied", 0) / rated if rated else None
    return figures


def qd766_figures(unit: Unit, first: date, last: date) -> dict[str, float | int | None]:
    """Every figure a rubric may name for `unit`'s subtree over [first, last]: Report 06's and the 766 ones."""
    raw = month_counts(subtree_unit_ids(unit), first, last).get(0, {})
    return _figures(raw, named_figures(report_06(unit, first, last)))


def extra_figures(unit: Unit, first: date, last: date) -> dict[str, float | None]:
    """Only the 766 figures (for a rubric of another code that names some of them, e.g. the PAR index)."""
    return _figures(month_counts(subtree_unit_ids(unit), first, last).get(0, {}), {})


def grouped_extra_figures(parent: Unit, children: list[Unit], first: date, last: date) -> dict[int, dict]:
    """The 766 figures of each child's subtree over [first, last], in one set of grouped aggregates."""
    child_of = _child_of(parent, children)
    raw = month_counts(select(Unit.id).where(Unit.id.in_(list(child_of))), first, last, child_of)
    return {child.id: _figures(raw.get(child.id, {}), {}) for child in children}


def score_period(unit: Unit, year: int, first: date, last: date) -> UnitScore:
    """`unit`'s score on the 766 rubric of `year` over any days [first, last] (a report's month or quarter)."""
    rubric = load_rubric(RUBRIC_CODE, year)
    manual = {criterion_id: row for (_, criterion_id), row in _manual_scores(rubric, [unit.id]).items()}
    return UnitScore(unit, rubric, first, last, _score(rubric, qd766_figures(unit, first, last), manual), manual)


@dataclass
class Qd766Month:
    """A unit's 766 score for one month."""

    unit: Unit
    rubric: Rubric
    year: int
    month: int
    first: date
    last: date
    score: RubricScore
    figures: dict

    @property
    def label(self) -> str:
        return f"{self.month:02d}/{self.year}"

    def groups(self) -> tuple[AreaScore, ...]:
        return areas_of(self.rubric, self.score)

    def lost(self) -> list[LostPoints]:
        return lost_points(self.score)

    def as_json(self) -> dict:
        score = self.score
        return {
            "unit": self.unit.code, "rubric": self.rubric.code, "month": f"{self.year}-{self.month:02d}",
            "from": self.first.isoformat(), "to": self.last.isoformat(),
            "points": float(score.points), "max_points": float(score.max_points),
            "percent": float(score.percent) if score.percent is not None else None,
            "groups": [{"code": group.code, "name": group.name, "points": float(group.points),
                        "max_points": float(group.max_points)} for group in self.groups()],
            "criteria": [{"code": item.code, "name": item.name, "method": str(item.method), "figure": item.figure,
                          "value": item.value, "points": float(item.points), "max_points": float(item.max_points),
                          "status": str(item.status)} for item in score.criteria],
        }


def score_month(unit: Unit, year: int, month: int, rubric: Rubric | None = None) -> Qd766Month:
    """`unit`'s score on the 766 rubric of `year` for the month; manual criteria count the year's confirmed points."""
    rubric = rubric or load_rubric(RUBRIC_CODE, year)
    first, last = month_bounds(year, month)
    figures = qd766_figures(unit, first, last)
    manual = {criterion_id: row for (_, criterion_id), row in _manual_scores(rubric, [unit.id]).items()}
    return Qd766Month(unit, rubric, year, month, first, last, _score(rubric, figures, manual), figures)


def trend(unit: Unit, year: int, month: int, months: int = 12) -> list[Qd766Month | None]:
    """The `months` months ending with (year, month), oldest first; None for a month whose year has no rubric."""
    result, rubrics = [], {}
    for back in range(months - 1, -1, -1):
        index = year * 12 + month - 1 - back
        y, m = divmod(index, 12)
        if y not in rubrics:
            try:
                rubrics[y] = load_rubric(RUBRIC_CODE, y)
            except LookupError:
                rubrics[y] = None
        result.append(score_month(unit, y, m + 1, rubrics[y]) if rubrics[y] is not None else None)
    return result


@dataclass
class RankedMonth:
    unit: Unit
    score: RubricScore
    figures: dict
    rank: int | None
    total: int


def rank_children_month(parent: Unit, year: int, month: int) -> list[RankedMonth]:
    """The units directly below `parent` ranked by their 766 score of the month, best first; ties share a rank.

    A fixed number of queries whatever the number of children: Report 06 by child, the month's counts by
    child, the units' paths, the manual scores.
    """
    rubric = load_rubric(RUBRIC_CODE, year)
    first, last = month_bounds(year, month)
    counts_by_child = children_report(parent, first, last)
    if not counts_by_child:
        return []
    children = [child for child, _ in counts_by_child]
    child_of = _child_of(parent, children)
    raw_by_child = month_counts(select(Unit.id).where(Unit.id.in_(list(child_of))), first, last, child_of)
    manual_by_child = {child.id: {} for child in children}
    for (unit_id, criterion_id), row in _manual_scores(rubric, list(manual_by_child)).items():
        manual_by_child[unit_id][criterion_id] = row
    scored = []
    for child, counts in counts_by_child:
        report_figures = named_figures(Report06(child, first, last, counts, [], {}))
        figures = _figures(raw_by_child.get(child.id, {}), report_figures)
        scored.append((child, _score(rubric, figures, manual_by_child[child.id]), figures))
    scored.sort(key=lambda item: (-(item[1].percent if item[1].percent is not None else Decimal(-1)), item[0].name))
    ranks = competition_ranks([score.percent for _, score, _ in scored])
    return [RankedMonth(child, score, figures, rank, len(scored))
            for (child, score, figures), rank in zip(scored, ranks, strict=True)]


@dataclass
class DrillDown:
    """The records behind a criterion that lost points: how many, and the first ones."""

    kind: str  # a key of qd766.DRILL_DOWN_LABELS
    total: int
    rows: list  # Dossier or Feedback


def drill_down(unit: Unit, kind: str, first: date, last: date, limit: int = DRILL_DOWN_LIMIT) -> DrillDown:
    """The month's records of `unit`'s subtree that cost points under `kind`, newest first (`limit` of them)."""
    start_at, end_at = _instants(first, last)
    unit_ids = subtree_unit_ids(unit)
    if kind.startswith("feedback_"):
        answered = and_(Feedback.unit_id.in_(unit_ids), Feedback.answered_at >= start_at, Feedback.answered_at < end_at)
        condition = (and_(answered, Feedback.resolution == Resolution.LATE) if kind == "feedback_late" else
                     and_(Feedback.unit_id.in_(unit_ids), Feedback.rated_at >= start_at, Feedback.rated_at < end_at,
                          Feedback.satisfaction == Satisfaction.UNSATISFIED))
        total = db.session.scalar(select(func.count()).select_from(Feedback).where(condition))
        rows = db.session.scalars(select(Feedback).where(condition).order_by(Feedback.received_at.desc())
                                  .limit(limit)).all()
        return DrillDown(kind, total, rows)
    in_unit = Dossier.unit_id.in_(unit_ids)
    resolved = and_(Dossier.resolved_at >= start_at, Dossier.resolved_at < end_at)
    if kind == "late":
        condition = and_(in_unit, resolved, Dossier.resolution == Resolution.LATE)
    elif kind == "paper_result":
        condition = and_(in_unit, resolved, Dossier.outcome == Outcome.APPROVED,
                         or_(Dossier.result_form.is_(None), Dossier.result_form == ResultForm.PAPER))
    elif kind == "not_paid_online":
        condition = and_(in_unit, Dossier.paid_at >= start_at, Dossier.paid_at < end_at, Dossier.fee_paid > 0,
                         or_(Dossier.payment_method.is_(None), Dossier.payment_method != PaymentMethod.ONLINE))
    elif kind == "not_digitised":
        not_digital = (select(DossierDocument.dossier_id)
                       .where(DossierDocument.digitised_at.is_(None), DossierDocument.reused_from_id.is_(None)))
        condition = and_(in_unit, Dossier.received_at >= start_at, Dossier.received_at < end_at,
                         Dossier.id.in_(not_digital))
    else:
        raise ValueError(f"no drill-down {kind!r}")
    total = db.session.scalar(select(func.count()).select_from(Dossier).where(condition))
    rows = db.session.scalars(select(Dossier).where(condition).order_by(Dossier.received_at.desc())
                              .limit(limit)).all()
    return DrillDown(kind, total, rows)
