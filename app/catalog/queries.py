"""Catalog queries shared by pages, the CLI and (later) the figures: search, offerings in effect."""
from datetime import date
from functools import lru_cache

from sqlalchemy import Date, Select, String, and_, bindparam, func, select
from sqlalchemy.orm import aliased

from app.catalog.models import Offering, OnlineKind, Procedure
from app.extensions import db
from app.vntext import fold


def procedure_search(query: str, field: str = "", needs_review: bool | None = None) -> Select:
    """Procedures whose code, name or field holds every word of `query`, diacritics ignored."""
    stmt = select(Procedure)
    for word in fold(query).split():
        stmt = stmt.where(Procedure.search_key.contains(word, autoescape=True))
    if field:
        stmt = stmt.where(Procedure.field == field)
    if needs_review is not None:
        stmt = stmt.where(Procedure.needs_review.is_(needs_review))
    return stmt


def offerings_in_effect(unit_ids: Select, on_day: date) -> Select:
    """The offering of each (unit, procedure) in force on `on_day`: the latest active_from ≤ on_day.

    `unit_ids` is a sub-select of unit ids (from the scope helper), so callers cannot forget scoping.
    """
    newer = aliased(Offering)
    superseded = (
        select(newer.id)
        .where(
            newer.unit_id == Offering.unit_id,
            newer.procedure_id == Offering.procedure_id,
            newer.active_from > Offering.active_from,
            newer.active_from <= on_day,
        )
        .exists()
    )
    return (
        select(Offering)
        .join(Offering.procedure)
        .where(Offering.unit_id.in_(unit_ids), Offering.active_from <= on_day, ~superseded)
    )


def offering_summary(unit_ids: Select, on_day: date) -> dict[str, int]:
    """Counts of offerings in effect: all, at the desk, shortened among those at the desk, end-to-end online.

    "rút ngắn 144/174" is shortened ÷ at the desk (DOMAIN.md "The catalog"); one aggregate query.
    """
    offered, at_desk_count, shortened, end_to_end = db.session.execute(_summary_statement(unit_ids, on_day)).one()
    return {"offered": offered, "at_desk": at_desk_count, "shortened": shortened,
            "end_to_end": end_to_end}


@lru_cache(maxsize=1)
def _summary_under_path() -> Select:
    """`offering_summary`'s statement for a subtree given by its path, built once (issue 13: building the
    expression cost more than running it); the path and the day are bound at each execution."""
    from app.units.models import Unit

    unit_ids = select(Unit.id).where(Unit.path.startswith(bindparam("summary_root_path", type_=String)))
    return _summary_statement(unit_ids, bindparam("summary_on_day", type_=Date))


def offering_summary_under(root_path: str, on_day: date) -> dict[str, int]:
    """`offering_summary` of the subtree whose materialised path starts with `root_path`."""
    offered, at_desk_count, shortened, end_to_end = db.session.execute(
        _summary_under_path(), {"summary_root_path": root_path, "summary_on_day": on_day}).one()
    return {"offered": offered, "at_desk": at_desk_count, "shortened": shortened,
            "end_to_end": end_to_end}


def _summary_statement(unit_ids: Select, on_day) -> Select:
    in_effect = aliased(Offering, offerings_in_effect(unit_ids, on_day).subquery())
    at_desk = in_effect.at_desk.is_(True)
    stmt = (
        select(
            func.count(),
            func.count().filter(at_desk),
            func.count().filter(and_(at_desk, in_effect.is_shortened)),
            func.count().filter(in_effect.online_kind == OnlineKind.END_TO_END),
        )
        .select_from(in_effect)
        .join(Procedure, Procedure.id == in_effect.procedure_id)
    )
    return stmt
