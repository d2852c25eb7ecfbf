"""The receiving desk's own figures (Decree 118/2025: receiving regardless of administrative boundary):
what a unit's desks received for other units and how fast they handed it over, what other desks
received for it, and the hand-overs late now.

Report 06, the on-time rate, the comparison and the index count every dossier at its resolving unit
(`dossiers.unit_id`) and are untouched; these figures read `receiving_unit_id` and the hand-over
times (app/dossiers/handover.py), in one aggregate each.
"""
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import joinedload

from app.dossiers.lifecycle import DossierState
from app.dossiers.models import Dossier
from app.extensions import db
from app.units.models import Unit
from app.units.scope import subtree_unit_ids

LATE_LIST_LIMIT = 20
# A dossier withdrawn or stopped no longer travels: its missing steps are not late.
_ENDED = (DossierState.WITHDRAWN, DossierState.STOPPED)


@dataclass(frozen=True)
class HandoverFigures:
    received_for_others: int  # received at the unit's desks (its subtree) for a unit outside it
    sent: int
    sent_on_time: int
    results_back: int  # results brought back to these desks (collected there)
    results_back_on_time: int
    received_from_others: int  # the unit's dossiers received at another unit's desk
    taken_on_time: int  # of those, acknowledged by the unit within the outward leg

    @property
    def any(self) -> bool:
        return bool(self.received_for_others or self.received_from_others)


def handover_figures(unit: Unit, start: date, end: date) -> HandoverFigures:
    """Dossiers received from `start` to `end` (inclusive), one aggregate over the two index ranges."""
    ours = subtree_unit_ids(unit)
    since, until = datetime.combine(start, time()), datetime.combine(end + timedelta(days=1), time())
    for_others = and_(Dossier.receiving_unit_id.in_(ours), Dossier.unit_id.not_in(ours))
    from_others = and_(Dossier.unit_id.in_(ours), Dossier.receiving_unit_id.is_not(None),
                       Dossier.receiving_unit_id.not_in(ours))
    sent = and_(for_others, Dossier.handover_sent_at.is_not(None))
    back = and_(for_others, Dossier.result_back_at.is_not(None))
    taken = and_(from_others, Dossier.handed_over_at.is_not(None))
    row = db.session.execute(
        select(func.count().filter(for_others), func.count().filter(sent),
               func.count().filter(and_(sent, Dossier.handover_sent_at <= Dossier.handover_due_at)),
               func.count().filter(back),
               func.count().filter(and_(back, Dossier.result_back_at <= Dossier.result_back_due_at)),
               func.count().filter(from_others),
               func.count().filter(and_(taken, Dossier.handed_over_at <= Dossier.handover_due_at)))
        .where(Dossier.receiving_unit_id.is_not(None), Dossier.received_at >= since, Dossier.received_at < until,
               or_(Dossier.receiving_unit_id.in_(ours), Dossier.unit_id.in_(ours)))
    ).one()
    return HandoverFigures(*row)


def late_condition(now: datetime):
    """A hand-over step overdue now and not done: the outward leg not sent or not acknowledged by its end,
    or a result sent back and not acknowledged by the way back's end."""
    return and_(
        Dossier.receiving_unit_id.is_not(None), Dossier.state.not_in(_ENDED),
        or_(and_(or_(Dossier.handover_sent_at.is_(None), Dossier.handed_over_at.is_(None)),
                 Dossier.handover_due_at < now),
            and_(Dossier.result_sent_at.is_not(None), Dossier.result_back_at.is_(None),
                 Dossier.result_back_due_at < now)))


def late_handovers(unit: Unit, now: datetime) -> tuple[list[Dossier], int]:
    """Hand-overs late now where either unit is in `unit`'s subtree (both units and those above them
    see it): the first LATE_LIST_LIMIT by due time, and how many in all."""
    ours = subtree_unit_ids(unit)
    condition = and_(late_condition(now), or_(Dossier.receiving_unit_id.in_(ours), Dossier.unit_id.in_(ours)))
    count = db.session.scalar(select(func.count()).select_from(Dossier).where(condition))
    if not count:
        return [], 0
    rows = db.session.scalars(select(Dossier).options(joinedload(Dossier.unit), joinedload(Dossier.receiving_unit))
                              .where(condition).order_by(Dossier.handover_due_at, Dossier.id)
                              .limit(LATE_LIST_LIMIT)).all()
    return rows, count
