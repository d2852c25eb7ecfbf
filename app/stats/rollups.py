"""The figures' roll-ups: per unit × day × procedure and per unit × month × procedure (procedure 0 =
every procedure of the unit), kept in step with the dossiers in the same transaction.

What a dossier adds is `contributions.contribution(facts)`; every write that can change a dossier's
facts applies contribution(after) − contribution(before) as additive upserts (INSERT … ON CONFLICT
DO UPDATE SET n = n + excluded.n, on SQLite and PostgreSQL alike, in key order so that concurrent
writers never deadlock):

- ORM flushes (the desk's actions, corrections, the demo): `before_flush` reads the stored facts of
  the dossiers whose figure columns or supplement periods change, `after_flush` reads them again;
- statements run through the session (`insert(Dossier.__table__)` of the register import and the
  benchmarks' generator, `update(Dossier)` in bulk): `do_orm_execute` reads the facts of the rows the
  statement names before and after running it.

Only the columns in FACT_COLUMNS and PAUSE_COLUMNS matter: a flush or statement touching other
columns (a new column, the applicant's details) costs nothing here. A write on a raw connection
(`engine.connect()`, `session.connection().execute`) is not seen: `flask figures verify` finds it,
`flask figures rebuild` repairs it. Dossiers are never deleted (deletes are not followed).
"""
from collections.abc import Iterable, Iterator
from datetime import date

from sqlalchemy import Column, Date, Integer, PrimaryKeyConstraint, Table, event, inspect, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from app.dossiers.models import Dossier, SupplementPeriod
from app.extensions import db
from app.stats.contributions import COUNTERS, Deltas, Facts, Pause, add_into, difference, month_of

TOTAL = 0  # the procedure id of a unit's all-procedures rows


def _counter_columns() -> list[Column]:
    return [Column(name, Integer, nullable=False, server_default="0") for name in COUNTERS]


figure_days = Table(
    "figure_days", db.metadata,
    Column("unit_id", Integer, nullable=False),
    Column("day", Date, nullable=False),
    Column("procedure_id", Integer, nullable=False),
    *_counter_columns(),
    # A unit's days in a range, every procedure or the total: one range of the key.
    PrimaryKeyConstraint("unit_id", "day", "procedure_id", name="pk_figure_days"),
)

figure_months = Table(
    "figure_months", db.metadata,
    Column("unit_id", Integer, nullable=False),
    Column("procedure_id", Integer, nullable=False),
    Column("month", Date, nullable=False),  # its first day
    *_counter_columns(),
    # The stocks sum a unit's months from the start: (unit, procedure) first, then the months.
    PrimaryKeyConstraint("unit_id", "procedure_id", "month", name="pk_figure_months"),
)

FACT_COLUMNS = ("unit_id", "procedure_id", "channel", "received_at", "resolved_at", "resolution", "due_at",
                "apology_due_at")
PAUSE_COLUMNS = ("dossier_id", "requested_at", "received_at", "old_due_at")
# Relationship attributes that set a fact column at flush time.
FACT_RELATIONSHIPS = ("unit", "procedure")
ID_CHUNK = 500


def _chunks(items: list, size: int = ID_CHUNK) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


# --- reading facts -------------------------------------------------------------------------------

def read_facts(connection: Connection, ids: Iterable[int]) -> dict[int, Facts]:
    """The stored facts of the dossiers `ids` (absent ones are not in the answer)."""
    ids = sorted({dossier_id for dossier_id in ids if dossier_id is not None})
    dossiers, periods = Dossier.__table__, SupplementPeriod.__table__
    found: dict[int, Facts] = {}
    for chunk in _chunks(ids):
        pauses: dict[int, list[Pause]] = {}
        for row in connection.execute(
                select(periods.c.dossier_id, periods.c.requested_at, periods.c.received_at, periods.c.old_due_at)
                .where(periods.c.dossier_id.in_(chunk)).order_by(periods.c.dossier_id, periods.c.requested_at,
                                                                  periods.c.id)):
            pauses.setdefault(row.dossier_id, []).append(Pause(row.requested_at, row.received_at, row.old_due_at))
        for row in connection.execute(select(dossiers.c.id, *[dossiers.c[name] for name in FACT_COLUMNS])
                                      .where(dossiers.c.id.in_(chunk))):
            found[row.id] = _facts(row, pauses.get(row.id, ()))
    return found


def _facts(row, pauses) -> Facts:
    return Facts(unit_id=row.unit_id, procedure_id=row.procedure_id, channel=row.channel,
                 received_at=row.received_at, resolved_at=row.resolved_at, resolution=row.resolution,
                 due_at=row.due_at, has_apology=row.apology_due_at is not None, pauses=tuple(pauses))


def changes_between(before: dict[int, Facts], after: dict[int, Facts]) -> Deltas:
    total: Deltas = {}
    for dossier_id in before.keys() | after.keys():
        add_into(total, difference(before.get(dossier_id), after.get(dossier_id)))
    return total


# --- writing -------------------------------------------------------------------------------------

def _upsert(connection: Connection, table: Table, key_names: tuple[str, ...], rows: list[dict]) -> None:
    """Add each row's counters to the stored row of its key (creating it at zero first)."""
    if not rows:
        return
    dialect_insert = postgresql.insert if connection.dialect.name == "postgresql" else sqlite.insert
    stmt = dialect_insert(table)
    stmt = stmt.on_conflict_do_update(
        index_elements=list(key_names),
        set_={name: table.c[name] + stmt.excluded[name] for name in COUNTERS})
    for chunk in _chunks(rows, 1000):
        connection.execute(stmt, chunk)


def apply_deltas(connection: Connection, deltas: Deltas) -> None:
    """Write the changes into the day and month tables, each also into its unit's total row."""
    days: dict[tuple, dict[str, int]] = {}
    months: dict[tuple, dict[str, int]] = {}
    for (unit_id, day, procedure_id), cell in deltas.items():
        for target, key in ((days, (unit_id, day, procedure_id)), (days, (unit_id, day, TOTAL)),
                            (months, (unit_id, procedure_id, month_of(day))), (months, (unit_id, TOTAL, month_of(day)))):
            slot = target.setdefault(key, dict.fromkeys(COUNTERS, 0))
            for name, value in cell.items():
                slot[name] += value
    # Sorted keys: two transactions touching the same rows lock them in the same order.
    day_rows = [{"unit_id": u, "day": d, "procedure_id": p, **cell}
                for (u, d, p), cell in sorted(days.items()) if any(cell.values())]
    month_rows = [{"unit_id": u, "procedure_id": p, "month": m, **cell}
                  for (u, p, m), cell in sorted(months.items()) if any(cell.values())]
    _upsert(connection, figure_days, ("unit_id", "day", "procedure_id"), day_rows)
    _upsert(connection, figure_months, ("unit_id", "procedure_id", "month"), month_rows)


# --- following the ORM ---------------------------------------------------------------------------

_PENDING = "figures_rollup_pending"


def _figure_change(obj) -> bool:
    state = inspect(obj)
    names = FACT_COLUMNS + FACT_RELATIONSHIPS if isinstance(obj, Dossier) else PAUSE_COLUMNS + ("dossier",)
    return any(state.attrs[name].history.has_changes() for name in names)


def _before_flush(session: Session, flush_context, instances) -> None:
    tracked = [obj for obj in session.new if isinstance(obj, (Dossier, SupplementPeriod))]
    tracked += [obj for obj in session.dirty
                if isinstance(obj, (Dossier, SupplementPeriod)) and _figure_change(obj)]
    if not tracked:
        return
    known = set()
    for obj in tracked:
        if isinstance(obj, Dossier):
            if obj.id is not None:
                known.add(obj.id)
        else:
            known.add(_period_dossier_id(obj))
            committed = inspect(obj).attrs["dossier_id"].history.deleted  # a period moved between dossiers
            known.update(value for value in committed if value is not None)
    known.discard(None)
    before = read_facts(session.connection(), known)
    session.info.setdefault(_PENDING, []).append((tracked, known, before))


def _period_dossier_id(period: SupplementPeriod) -> int | None:
    if period.dossier_id is not None:
        return period.dossier_id
    dossier = period.dossier
    return dossier.id if dossier is not None else None


def _after_flush(session: Session, flush_context) -> None:
    for tracked, known, before in session.info.pop(_PENDING, []):
        ids = set(known)
        for obj in tracked:
            ids.add(obj.id if isinstance(obj, Dossier) else obj.dossier_id)
        ids.discard(None)
        connection = session.connection()
        apply_deltas(connection, changes_between(before, read_facts(connection, ids)))


def _after_rollback(session: Session) -> None:
    session.info.pop(_PENDING, None)


# --- following statements run through the session ------------------------------------------------

def _statement_columns(statement, parameters) -> set[str]:
    names = set()
    for key in list(getattr(statement, "_values", None) or {}):
        names.add(getattr(key, "key", None) or getattr(key, "name", None) or str(key))
    for params in parameters if isinstance(parameters, list) else [parameters or {}]:
        names.update(params)
    return names


def _rows_named(connection: Connection, statement, table: Table, parameters) -> set[int]:
    """The dossier ids a statement on `table` (dossiers or supplement_periods) will write: named by
    its parameters (an INSERT, an UPDATE by primary key) or found by its WHERE clause."""
    is_dossiers = table is Dossier.__table__
    id_column = table.c.id if is_dossiers else table.c.dossier_id
    key_name = "id" if is_dossiers else "dossier_id"
    values = {getattr(key, "key", None) or str(key): value
              for key, value in (getattr(statement, "_values", None) or {}).items()}
    param_sets = parameters if isinstance(parameters, list) else [parameters or {}]
    whereclause = getattr(statement, "whereclause", None)
    ids = set()
    for params in param_sets:
        named = params.get(key_name)
        if named is None and key_name in values:
            named = getattr(values[key_name], "value", None)
        if named is not None and (whereclause is None or is_dossiers):
            ids.add(named)
        elif whereclause is not None:
            ids.update(connection.execute(select(id_column).where(whereclause), params).scalars())
        elif statement.is_insert:
            # Without the ids the roll-ups could not be told what the statement added.
            raise RuntimeError(f"Thêm hồ sơ hay kỳ bổ sung bằng câu lệnh cần ghi sẵn {key_name} để cập nhật "
                               "số liệu tổng hợp (app/stats/rollups.py).")
        else:
            ids.update(connection.execute(select(id_column)).scalars())
    return ids


def _ids_given(statement, parameters) -> bool:
    param_sets = parameters if isinstance(parameters, list) else [parameters or {}]
    values = {getattr(key, "key", None) or str(key) for key in (getattr(statement, "_values", None) or {})}
    return "id" in values or all(params.get("id") is not None for params in param_sets)


def _follow_statement(orm_execute_state):
    if not (orm_execute_state.is_insert or orm_execute_state.is_update):
        return None  # selects read; dossiers and their periods are never deleted
    statement = orm_execute_state.statement
    # ORM statements (`insert(Dossier)`) carry an annotated copy of the table: compare names.
    name = getattr(getattr(statement, "table", None), "name", None)
    tables = {Dossier.__tablename__: Dossier.__table__, SupplementPeriod.__tablename__: SupplementPeriod.__table__}
    if name not in tables:
        return None
    table = tables[name]
    parameters = orm_execute_state.parameters
    relevant = FACT_COLUMNS if table is Dossier.__table__ else PAUSE_COLUMNS
    if orm_execute_state.is_update and not _statement_columns(statement, parameters) & set(relevant):
        return None
    connection = orm_execute_state.session.connection()
    if orm_execute_state.is_insert and table is Dossier.__table__ and not _ids_given(statement, parameters):
        # New rows whose ids the database gives: ask for them back (RETURNING, SQLite and PostgreSQL),
        # and hand the caller a copy of the same result.
        frozen = orm_execute_state.invoke_statement(statement=statement.returning(table.c.id)).freeze()
        apply_deltas(connection, changes_between({}, read_facts(connection, [row[0] for row in frozen()])))
        return frozen()
    ids = _rows_named(connection, statement, table, parameters)
    before = read_facts(connection, ids)
    result = orm_execute_state.invoke_statement()
    apply_deltas(connection, changes_between(before, read_facts(connection, ids)))
    return result


def register() -> None:
    """The session hooks (once per process: they are global to SQLAlchemy's sessions)."""
    for name, function in (("before_flush", _before_flush), ("after_flush", _after_flush),
                           ("after_rollback", _after_rollback), ("do_orm_execute", _follow_statement)):
        if not event.contains(Session, name, function):
            event.listen(Session, name, function)


# --- rebuilding from the dossiers ----------------------------------------------------------------

def rebuild(connection: Connection, unit_ids: Iterable[int] | None = None) -> int:
    """Recount the roll-ups of `unit_ids` (every unit with dossiers when None) from the dossiers, one
    unit at a time (a ward's dossiers and periods fit in memory). Returns the dossiers read."""
    dossiers, periods = Dossier.__table__, SupplementPeriod.__table__
    if unit_ids is None:
        unit_ids = list(connection.execute(select(dossiers.c.unit_id).distinct()).scalars())
        connection.execute(figure_days.delete())
        connection.execute(figure_months.delete())
    else:
        unit_ids = list(unit_ids)
        for chunk in _chunks(unit_ids):
            connection.execute(figure_days.delete().where(figure_days.c.unit_id.in_(chunk)))
            connection.execute(figure_months.delete().where(figure_months.c.unit_id.in_(chunk)))
    read = 0
    for unit_id in sorted(unit_ids):
        pauses: dict[int, list[Pause]] = {}
        for row in connection.execute(
                select(periods.c.dossier_id, periods.c.requested_at, periods.c.received_at, periods.c.old_due_at)
                .join(dossiers, dossiers.c.id == periods.c.dossier_id).where(dossiers.c.unit_id == unit_id)
                .order_by(periods.c.dossier_id, periods.c.requested_at, periods.c.id)):
            pauses.setdefault(row.dossier_id, []).append(Pause(row.requested_at, row.received_at, row.old_due_at))
        total: Deltas = {}
        for row in connection.execute(select(dossiers.c.id, *[dossiers.c[name] for name in FACT_COLUMNS])
                                      .where(dossiers.c.unit_id == unit_id)):
            add_into(total, difference(None, _facts(row, pauses.get(row.id, ()))))
            read += 1
        apply_deltas(connection, total)
    return read


def first_day(connection: Connection) -> date | None:
    return connection.execute(select(figure_days.c.day).order_by(figure_days.c.day).limit(1)).scalar()
