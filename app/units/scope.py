"""The one mechanism that limits every query to what the signed-in user may see: their unit's subtree.

Views never filter by unit themselves; they pass their statement through `visible` or load a single
record with `get_visible_or_404`, so that a clerk of one ward gets 404 for anything of another ward.
"""
from flask import abort
from flask_login import current_user
from sqlalchemy import Select, or_, select
from sqlalchemy.orm import InstrumentedAttribute

from app.extensions import db
from app.units.models import Unit


def subtree_unit_ids(root: Unit) -> Select:
    """A sub-select of the ids of `root` and every unit below it."""
    return select(Unit.id).where(Unit.path.startswith(root.path))


def visible_unit_ids() -> Select:
    """The ids of the units the current user may see (their unit and everything below it)."""
    if not current_user.is_authenticated:
        return select(Unit.id).where(False)
    return subtree_unit_ids(current_user.unit)


def visible(stmt: Select, unit_id_column: InstrumentedAttribute, *more_columns: InstrumentedAttribute) -> Select:
    """`stmt` restricted to rows whose `unit_id_column` — or any of `more_columns` — is in the current
    user's subtree (a dossier is seen by the unit resolving it and by the desk that received it for it),
    and further to what the user's role may see of it when the column's model says so (`narrowed_for`:
    a specialist sees only the dossiers handed to them)."""
    if not more_columns:
        return narrowed(stmt.where(unit_id_column.in_(visible_unit_ids())), unit_id_column.class_)
    return narrowed(stmt.where(or_(*(column.in_(visible_unit_ids()) for column in (unit_id_column, *more_columns)))),
                    unit_id_column.class_)


def narrowed(stmt: Select, model) -> Select:
    """`stmt` through `model.narrowed_for(stmt, user)` when the model defines it and someone is signed in."""
    narrow = getattr(model, "narrowed_for", None)
    if narrow is None or not current_user.is_authenticated:
        return stmt
    return narrow(stmt, current_user)


def scope_columns(model) -> tuple[InstrumentedAttribute, ...]:
    """The columns that place `model`'s rows in the tree, from its `__scope_column__` (a name or a tuple of names)."""
    names = getattr(model, "__scope_column__", None)
    if names is None:
        raise TypeError(f"{model.__name__} has no __scope_column__: it cannot be scoped")
    return tuple(getattr(model, name) for name in ((names,) if isinstance(names, str) else names))


def visible_units() -> Select:
    return visible(select(Unit), Unit.id).order_by(Unit.path)


# The largest id an INTEGER primary key holds on PostgreSQL; a bigger number in a URL or a query
# argument would make the database driver fail (a 500) instead of simply finding nothing.
MAX_RECORD_ID = 2**31 - 1


def get_visible_or_404(model, ident):
    """Load one record of `model` by primary key, or 404 if it is missing or outside the subtree.

    The model names the column that places it in the tree in `__scope_column__`
    ("unit_id"; "id" for Unit itself; a tuple when several units see it, any of them sufficing:
    a dossier's ("unit_id", "receiving_unit_id")). Out-of-scope records answer 404, not 403, so
    that a user cannot learn which ids exist in other wards.
    """
    columns = scope_columns(model)
    if not isinstance(ident, int) or not 0 < ident <= MAX_RECORD_ID:
        abort(404)
    record = db.session.scalar(visible(select(model).where(model.id == ident), *columns))
    if record is None:
        abort(404)
    return record


def get_visible_unit_or_404(unit_id: int) -> Unit:
    return get_visible_or_404(Unit, unit_id)

