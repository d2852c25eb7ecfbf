"""Which dossiers a desk may receive for another unit of the province, and for which units (Decree
118/2025/NĐ-CP: receiving regardless of administrative boundary, for the procedures the province lists).

A procedure is accepted for others at a desk when an offering in force *of the desk's unit or of a unit
above it* says so (`Offering.accepts_for_others`): a higher unit publishes the province's list once for
all its wards. The resolving unit must offer the procedure itself: its offering gives the committed time.
"""
from datetime import date

from sqlalchemy import select

from app.catalog.models import Offering, Procedure
from app.catalog.queries import offerings_in_effect
from app.extensions import db
from app.units.models import Unit, UnitKind
from app.vntext import fold

MAX_UNIT_CHOICES = 30


def province_path(unit: Unit) -> str:
    """The path prefix of the province (the top of the tree above `unit`)."""
    return f"/{unit.ancestor_ids()[0]}/"


def province_wards(receiving: Unit, query: str = "", limit: int = MAX_UNIT_CHOICES) -> list[Unit]:
    """The other wards and communes of the receiving desk's province whose name (typed without
    diacritics) or code matches `query`, by name. A province has a few hundred: read and folded here."""
    wards = db.session.scalars(select(Unit).where(Unit.path.startswith(province_path(receiving)),
                                                  Unit.kind == UnitKind.WARD, Unit.id != receiving.id)).all()
    words = fold(query).split()
    matching = [ward for ward in wards if all(word in fold(f"{ward.name} {ward.code}") for word in words)]
    return sorted(matching, key=lambda ward: fold(ward.name))[:limit]


def accepted_procedure_ids(receiving: Unit, on_day: date):
    """A sub-select of the procedures the desk accepts for other units on `on_day` (its own list and its
    higher units' published list)."""
    ancestors = select(Unit.id).where(Unit.id.in_(receiving.ancestor_ids()))
    return (offerings_in_effect(ancestors, on_day).where(Offering.accepts_for_others.is_(True))
            .with_only_columns(Offering.procedure_id))


def offerings_for_another(receiving: Unit, resolving: Unit, on_day: date, query: str = "") -> list[Offering]:
    """The resolving unit's offerings in force that the receiving desk accepts for it, matching `query`."""
    stmt = offerings_in_effect(select(Unit.id).where(Unit.id == resolving.id), on_day).where(
        Offering.procedure_id.in_(accepted_procedure_ids(receiving, on_day)))
    for word in fold(query).split():
        stmt = stmt.where(Procedure.search_key.contains(word, autoescape=True))
    return db.session.scalars(stmt.order_by(Procedure.name)).all()


def may_receive_for(receiving: Unit, offering: Offering, on_day: date) -> bool:
    """Whether the desk may receive a dossier of `offering` (another ward's, in the same province)."""
    resolving = offering.unit
    if resolving.id == receiving.id or resolving.kind != UnitKind.WARD:
        return False
    if not resolving.path.startswith(province_path(receiving)):
        return False
    return offering in offerings_for_another(receiving, resolving, on_day)


def resolving_ward(receiving: Unit, unit_id: int | None) -> Unit | None:
    """The ward picked as resolving unit, if it is another ward of the province (else None: the desk's own)."""
    if not unit_id or unit_id == receiving.id:
        return None
    unit = db.session.get(Unit, unit_id)
    if unit is None or unit.kind != UnitKind.WARD or not unit.path.startswith(province_path(receiving)):
        return None
    return unit
