"""What waits for a person on their first page: the chair's approvals and index scores to enter, the
higher unit's scores to confirm and its units ranked by overdue and at-risk dossiers (the watch list).

Each is one or two queries over the person's own unit or subtree, never a query per row."""
from dataclasses import dataclass

from sqlalchemy import and_, func, select
from sqlalchemy.orm import joinedload

from app.dossiers.lifecycle import OPEN_STATES, Action, DossierState
from app.dossiers.models import Apology, Dossier, DossierEvent
from app.dossiers.queries import DeskClock, desk_list_condition
from app.dossiers.steps import Step
from app.extensions import db
from app.stats.index_models import Criterion, ManualScore, Method, Rubric, Status
from app.units.models import Unit
from app.units.scope import subtree_unit_ids
from app.vntext import fold


def apologies_to_approve(unit: Unit) -> list[Apology]:
    """The unit's apology letters waiting for the chair, oldest first, with their dossiers."""
    return db.session.scalars(
        select(Apology).join(Dossier, Dossier.id == Apology.dossier_id)
        .options(joinedload(Apology.dossier).joinedload(Dossier.procedure), joinedload(Apology.requested_by))
        .where(Dossier.unit_id == unit.id, Apology.approved_at.is_(None), Dossier.state.in_(OPEN_STATES))
        .order_by(Apology.requested_at)).all()


def manual_criteria_to_enter(unit: Unit, year: int) -> list[Criterion]:
    """The year's manual criteria on which the unit has no score yet, or one a higher unit refused."""
    current = select(ManualScore.criterion_id).where(ManualScore.unit_id == unit.id,
                                                     ManualScore.status != Status.REJECTED)
    return db.session.scalars(
        select(Criterion).join(Rubric, Rubric.id == Criterion.rubric_id).options(joinedload(Criterion.rubric))
        .where(Rubric.year == year, Criterion.method == Method.MANUAL, Criterion.id.not_in(current))
        .order_by(Rubric.code, Criterion.position)).all()


def scores_to_confirm(unit: Unit) -> list[ManualScore]:
    """Manual scores of the units below `unit` waiting for a higher unit's confirmation."""
    below = select(Unit.id).where(Unit.path.startswith(unit.path), Unit.id != unit.id)
    return db.session.scalars(
        select(ManualScore).options(joinedload(ManualScore.unit), joinedload(ManualScore.criterion))
        .where(ManualScore.unit_id.in_(below), ManualScore.status == Status.PENDING)
        .order_by(ManualScore.entered_at)).all()


@dataclass
class WatchRow:
    unit: Unit
    overdue: int = 0
    due_today: int = 0
    due_next: int = 0
    awaiting_supplement: int = 0

    @property
    def at_risk(self) -> int:
        return self.due_today + self.due_next


def watch_list(parent: Unit, clock: DeskClock) -> list[WatchRow]:
    """The units directly below `parent`, each with its subtree's overdue and at-risk dossiers now,
    the worst first: one aggregate over the open dossiers grouped by their own unit, added up under
    the child each unit lies in (the same lists and rules as the desk's, stopped clock included)."""
    children = db.session.scalars(select(Unit).where(Unit.parent_id == parent.id)).all()
    rows = {child.id: WatchRow(child) for child in children}
    child_of = {}
    for unit_id, path in db.session.execute(select(Unit.id, Unit.path).where(Unit.path.startswith(parent.path))):
        child = next((child for child in children if path.startswith(child.path)), None)
        if child is not None:
            child_of[unit_id] = child.id
    names = ("overdue", "due_today", "due_next", "awaiting_supplement")
    stmt = (select(Dossier.unit_id, *[func.count().filter(desk_list_condition(name, clock)) for name in names])
            .where(and_(Dossier.unit_id.in_(subtree_unit_ids(parent)), Dossier.state.in_(OPEN_STATES)))
            .group_by(Dossier.unit_id))
    for unit_id, *counts in db.session.execute(stmt):
        if unit_id in child_of:
            row = rows[child_of[unit_id]]
            for name, count in zip(names, counts, strict=True):
                setattr(row, name, getattr(row, name) + count)
    return sorted(rows.values(), key=lambda row: (-row.overdue, -row.at_risk, fold(row.unit.name)))


def results_to_approve(unit: Unit) -> list[tuple[Dossier, DossierEvent | None]]:
    """The unit's dossiers a specialist submitted for approval (hồ sơ trình duyệt kết quả), the
    earliest due first, each with its submission (the proposed outcome and note): two queries."""
    dossiers = db.session.scalars(
        select(Dossier).options(joinedload(Dossier.procedure), joinedload(Dossier.assignee))
        .where(Dossier.unit_id == unit.id, Dossier.step == Step.APPROVAL.value,
               Dossier.state == DossierState.IN_PROGRESS)
        .order_by(Dossier.due_at, Dossier.id)).all()
    return list(zip(dossiers, latest_submissions(dossiers), strict=True))


def latest_submissions(dossiers: list[Dossier]) -> list[DossierEvent | None]:
    """Each dossier's latest submission for approval, in the order of `dossiers` (one query)."""
    ids = [dossier.id for dossier in dossiers]
    if not ids:
        return []
    latest_ids = (select(func.max(DossierEvent.id))
                  .where(DossierEvent.dossier_id.in_(ids), DossierEvent.action == Action.SUBMIT_FOR_APPROVAL.value)
                  .group_by(DossierEvent.dossier_id))
    events = {event.dossier_id: event for event in db.session.scalars(
        select(DossierEvent).options(joinedload(DossierEvent.actor)).where(DossierEvent.id.in_(latest_ids)))}
    return [events.get(dossier_id) for dossier_id in ids]


def handed_to(user, limit: int = 50) -> dict[str, list[Dossier]]:
    """A specialist's desk: the open dossiers they hold, the earliest step due first; those they
    submitted, waiting for the chair; those waiting for the citizen's supplement."""
    base = (select(Dossier).options(joinedload(Dossier.procedure), joinedload(Dossier.unit))
            .where(Dossier.assignee_id == user.id))
    return {
        "holding": db.session.scalars(base.where(Dossier.step == Step.SPECIALIST.value,
                                                 Dossier.state == DossierState.IN_PROGRESS)
                                      .order_by(Dossier.step_due_at, Dossier.id).limit(limit)).all(),
        "submitted": db.session.scalars(base.where(Dossier.step == Step.APPROVAL.value,
                                                   Dossier.state == DossierState.IN_PROGRESS)
                                        .order_by(Dossier.due_at, Dossier.id).limit(limit)).all(),
        "awaiting_supplement": db.session.scalars(base.where(Dossier.state == DossierState.AWAITING_SUPPLEMENT)
                                                  .order_by(Dossier.due_at, Dossier.id).limit(limit)).all(),
    }
