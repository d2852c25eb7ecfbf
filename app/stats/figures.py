"""The one engine for every figure: Report 06 (Circular 01/2020/TT-VPCP, "Tình hình, kết quả giải quyết
TTHC") for any unit's subtree and inclusive range of days, per field or per child unit, in SQL.

Pages, PDFs and the CLI all call `report_06`, so they cannot disagree. Counting rules (DOMAIN.md
"The figures"), for a range [start, end] of days:
- carried over: received before `start` and not resolved before it;
- new online / new at the desk or by post: received within the range, by channel;
- resolved (early / on time / late): resolved within the range — finished, withdrawn or stopped,
  classified when they were resolved against their due time;
- pending: received by the end and not resolved by it; overdue when its due date is on or before
  `end` (issue 5), otherwise within time — except while its clock was stopped at the end (a
  supplement requested and not yet received, under either rule): then within time, unless its due
  time had passed before the request (`ontime.is_overdue`, DOMAIN.md "While the clock is stopped");
so that received = carried over + new = resolved + pending, always.
A rate with a zero denominator is None ("no data"), never 0 or 1.
"""
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import Select, and_, case, false, func, or_, select

from app.catalog.models import Procedure
from app.catalog.queries import offering_summary
from app.dossiers.models import Dossier, SupplementPeriod
from app.extensions import db
from app.lookup.models import DossierRating, Rating
from app.stats.qd766 import QD766_FIGURES
from app.units.models import Unit
from app.units.scope import subtree_unit_ids
from app.vntext import fold


def ratio(numerator: int, denominator: int) -> float | None:
    """A rate as a fraction rounded to 4 places (0.8276), or None when there is nothing to divide by."""
    return round(numerator / denominator, 4) if denominator else None


@dataclass
class Counts:
    """One row of Report 06."""

    carried_over: int = 0
    online: int = 0
    direct_or_post: int = 0
    early: int = 0
    on_time: int = 0
    late: int = 0
    late_with_apology: int = 0
    within_time: int = 0
    overdue: int = 0

    @property
    def new(self) -> int:
        return self.online + self.direct_or_post

    @property
    def received(self) -> int:
        return self.carried_over + self.new

    @property
    def resolved(self) -> int:
        return self.early + self.on_time + self.late

    @property
    def pending(self) -> int:
        return self.within_time + self.overdue

    @property
    def on_time_rate(self) -> float | None:
        return ratio(self.early + self.on_time, self.resolved)

    @property
    def online_share(self) -> float | None:
        return ratio(self.online, self.new)

    @property
    def apology_coverage(self) -> float | None:
        return ratio(self.late_with_apology, self.late)

    def add(self, other: "Counts") -> None:
        for name in COUNT_NAMES:
            setattr(self, name, getattr(self, name) + getattr(other, name))


COUNT_NAMES = ("carried_over", "online", "direct_or_post", "early", "on_time", "late", "late_with_apology",
               "within_time", "overdue")


@dataclass
class Report06:
    unit: Unit
    start: date
    end: date
    total: Counts
    rows: list[tuple[str, Counts]]  # (field or unit name, counts), sorted by name
    offerings: dict[str, int] = field(default_factory=dict)  # as of `end`: offered, at_desk, shortened, end_to_end

    @property
    def shortened_share(self) -> float | None:
        return ratio(self.offerings.get("shortened", 0), self.offerings.get("at_desk", 0))

    @property
    def end_to_end_share(self) -> float | None:
        return ratio(self.offerings.get("end_to_end", 0), self.offerings.get("offered", 0))

    def as_json(self) -> dict:
        """The shape `flask report figures --format json` prints (issue 5).

        `procedures.offered` counts the offerings handled at the desk, the denominator of the
        shortened share ("rút ngắn 144/174": DOMAIN.md), not every offering published."""
        total = self.total
        return {
            "unit": self.unit.code,
            "from": self.start.isoformat(),
            "to": self.end.isoformat(),
            "received": {"total": total.received, "carried_over": total.carried_over, "online": total.online,
                         "direct_or_post": total.direct_or_post},
            "resolved": {"total": total.resolved, "early": total.early, "on_time": total.on_time,
                         "late": total.late},
            "pending": {"total": total.pending, "within_time": total.within_time, "overdue": total.overdue},
            "late_with_apology": total.late_with_apology,
            "on_time_rate": total.on_time_rate,
            "online_share": total.online_share,
            "procedures": {"offered": self.offerings.get("at_desk", 0),
                           "shortened": self.offerings.get("shortened", 0),
                           "shortened_share": self.shortened_share},
            "by_field": [{"field": name, "received": counts.received, "resolved": counts.resolved,
                          "pending": counts.pending} for name, counts in self.rows],
        }


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """[start 00:00, the day after end 00:00): the range as instants, end exclusive."""
    return datetime.combine(start, time()), datetime.combine(end + timedelta(days=1), time())


def _relevant_dossiers(unit_ids: Select, start_at: datetime, end_at: datetime) -> Select:
    """Dossiers that count in the range: received before its end and not resolved before its start."""
    columns = (Dossier.id, Dossier.unit_id, Dossier.procedure_id, Dossier.channel, Dossier.received_at,
               Dossier.resolved_at, Dossier.resolution, Dossier.due_at, Dossier.apology_due_at)
    return select(*columns).where(
        Dossier.unit_id.in_(unit_ids), Dossier.received_at < end_at,
        or_(Dossier.resolved_at.is_(None), Dossier.resolved_at >= start_at)).subquery("relevant")


def count_rows(unit_ids: Select, start: date, end: date, group_by: str) -> list[tuple[int, Counts]]:
    """Report 06 counts of the dossiers of `unit_ids`, grouped by "procedure_id" or "unit_id", read from
    the roll-ups (`app/stats/rollups.py`): equal to `reference_count_rows` over the dossiers, which
    `flask figures verify` and the tests check.

    Flows are summed over the months wholly inside the range and the days at its edges; stocks
    (carried over = pending at the end of the day before `start`; pending and overdue at the end) are
    the sums of their changes over every month before and the days of the last month. Open dossiers
    count as their facts today say (overdue from their due day on), which is what the scan of the
    dossiers answers for a period not over yet.
    """
    counts = _rollup_counts(unit_ids, start, end, group_by)
    return [(key, counts[key]) for key in sorted(counts)]


def _next_month(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def _flow_spans(start: date, end: date) -> tuple[tuple[date, date] | None, list[tuple[date, date]]]:
    """The months wholly inside [start, end] as [first, after) of their first days, and the edge days
    as inclusive ranges (possibly empty)."""
    first_full = start if start.day == 1 else _next_month(start)
    after_last = (end + timedelta(days=1)).replace(day=1)
    if first_full >= after_last:
        return None, [(start, end)]
    return (first_full, after_last), [(start, first_full - timedelta(days=1)), (after_last, end)]


def _stock_spans(day: date) -> tuple[date, tuple[date, date]]:
    """A stock at the end of `day`: the months before the first day of the month after `day`'s last
    full month, and the days from there to `day`."""
    after_full = (day + timedelta(days=1)).replace(day=1)
    return after_full, (after_full, day)


def _rollup_counts(unit_ids: Select, start: date, end: date, group_by: str) -> dict[int, Counts]:
    from app.stats.rollups import TOTAL, figure_days, figure_months

    full_months, flow_days = _flow_spans(start, end)
    carried_months, carried_days = _stock_spans(start - timedelta(days=1))
    end_months, end_days = _stock_spans(end)
    results: dict[int, Counts] = {}

    def gather(table, period, in_flow, in_carried, in_end, where):
        key = table.c.unit_id if group_by == "unit_id" else table.c.procedure_id
        procedure = table.c.procedure_id == TOTAL if group_by == "unit_id" else table.c.procedure_id != TOTAL
        columns = [func.sum(table.c[name]).filter(in_flow) for name in
                   ("received_online", "received_other", "early", "on_time", "late", "late_apology")]
        columns += [func.sum(table.c.pending).filter(in_carried), func.sum(table.c.pending).filter(in_end),
                    func.sum(table.c.overdue).filter(in_end)]
        stmt = (select(key, *columns).where(table.c.unit_id.in_(unit_ids), procedure, where).group_by(key))
        for key_value, online, other, early, on_time, late, apology, carried, pending, overdue in db.session.execute(stmt):
            counts = results.setdefault(key_value, Counts())
            counts.carried_over += carried or 0
            counts.online += online or 0
            counts.direct_or_post += other or 0
            counts.early += early or 0
            counts.on_time += on_time or 0
            counts.late += late or 0
            counts.late_with_apology += apology or 0
            counts.overdue += overdue or 0
            counts.within_time += (pending or 0) - (overdue or 0)

    month = figure_months.c.month
    in_full = and_(month >= full_months[0], month < full_months[1]) if full_months else false()
    gather(figure_months, month, in_full, month < carried_months, month < end_months, month < end_months)
    day = figure_days.c.day

    def within(span):
        return and_(day >= span[0], day <= span[1]) if span[0] <= span[1] else false()

    in_flow_days = or_(*[within(span) for span in flow_days])
    in_carried, in_end = within(carried_days), within(end_days)
    gather(figure_days, day, in_flow_days, in_carried, in_end, or_(in_flow_days, in_carried, in_end))
    # Groups whose every number is zero (a procedure with nothing left) are not rows of the scan.
    return {key: counts for key, counts in results.items() if any(getattr(counts, name) for name in COUNT_NAMES)}


def reference_count_rows(unit_ids: Select, start: date, end: date, group_by: str) -> list[tuple[int, Counts]]:
    """Report 06 counts of the dossiers of `unit_ids`, grouped by one of their own columns
    ("procedure_id" or "unit_id"), in one aggregate query over the dossiers themselves: what the
    roll-ups must equal (`flask figures verify`).

    Callers roll the few hundred groups up to fields or child units with the small catalog and unit
    tables: joining them here would let the planner walk all dossiers once per procedure.
    """
    start_at, end_at = _bounds(start, end)
    relevant = _relevant_dossiers(unit_ids, start_at, end_at)
    received_before = relevant.c.received_at < start_at
    resolved_in_range = and_(relevant.c.resolved_at.is_not(None), relevant.c.resolved_at < end_at)
    pending = or_(relevant.c.resolved_at.is_(None), relevant.c.resolved_at >= end_at)
    key = relevant.c[group_by]
    if group_by == "procedure_id":
        # "+ 0": grouping by the bare column lets SQLite walk the procedure index over every dossier
        # of every unit to avoid a sort; the expression keeps it on the (unit, received) index.
        key = (key + 0).label("key")
    stmt = (
        select(
            key,
            func.count().filter(received_before),
            func.count().filter(and_(~received_before, relevant.c.channel == "online")),
            func.count().filter(and_(~received_before, relevant.c.channel != "online")),
            func.count().filter(and_(resolved_in_range, relevant.c.resolution == "early")),
            func.count().filter(and_(resolved_in_range, relevant.c.resolution == "on_time")),
            func.count().filter(and_(resolved_in_range, relevant.c.resolution == "late")),
            func.count().filter(and_(resolved_in_range, relevant.c.resolution == "late",
                                     relevant.c.apology_due_at.is_not(None))),
            func.count().filter(pending),
            # CASE, not AND: the pause lookups run only for the few dossiers pending at the end.
            func.count().filter(case((pending, _overdue_at_end(relevant, end_at)), else_=False)),
        )
        .select_from(relevant)
        .group_by(key)
    )
    rows = []
    for key_value, *counts, pending_count, overdue_count in db.session.execute(stmt):
        rows.append((key_value, Counts(*counts, within_time=pending_count - overdue_count, overdue=overdue_count)))
    return rows


def _overdue_at_end(relevant, end_at: datetime):
    """Whether a dossier pending at `end_at` (exclusive) was overdue then, in SQL: the rule of
    `ontime.is_overdue` with the due time in force at the end.

    The first supplement period of the dossier not closed by the end (`received_at` empty or later)
    says both: if it was requested before the end the clock was stopped then, and the dossier is
    overdue only if the due time it stopped (its `old_due_at`) had passed before the request; if it
    was requested after the end, its `old_due_at` is the due time in force at the end (a later pause
    moved `due_at` since). With no such period, `due_at` is the due time at the end. So: due time
    then < min(request, end)."""
    def first_open_period(column):
        return (select(column)
                .where(SupplementPeriod.dossier_id == relevant.c.id,
                       or_(SupplementPeriod.received_at.is_(None), SupplementPeriod.received_at >= end_at))
                .order_by(SupplementPeriod.requested_at, SupplementPeriod.id)
                .limit(1)
                .scalar_subquery())

    due_then = func.coalesce(first_open_period(SupplementPeriod.old_due_at), relevant.c.due_at)
    requested_at = first_open_period(SupplementPeriod.requested_at)
    cut = case((requested_at < end_at, requested_at), else_=end_at)  # no period: NULL < x is not true
    return due_then < cut


def report_06(unit: Unit, start: date, end: date) -> Report06:
    """Report 06 for `unit`'s subtree over [start, end], one row per field (lĩnh vực) plus the total."""
    rows = count_rows(subtree_unit_ids(unit), start, end, "procedure_id")
    field_of = dict(db.session.execute(
        select(Procedure.id, Procedure.field).where(Procedure.id.in_([procedure_id for procedure_id, _ in rows]))).all())
    total, by_field = Counts(), {}
    for procedure_id, counts in rows:
        total.add(counts)
        by_field.setdefault(field_of.get(procedure_id) or "Chưa phân loại", Counts()).add(counts)
    named = sorted(by_field.items(), key=lambda item: fold(item[0]))  # "Đất đai" among the D's
    return Report06(unit, start, end, total, named, offering_summary(subtree_unit_ids(unit), end))


def children_report(parent: Unit, start: date, end: date) -> list[tuple[Unit, Counts]]:
    """Report 06 totals for each unit directly below `parent` (each with its own subtree).

    One aggregate query grouped by the dossiers' own unit; the few hundred per-unit rows are then
    added up under the child each unit lies in (the unit tree is small metadata, not dossiers).
    """
    children = sorted(db.session.scalars(select(Unit).where(Unit.parent_id == parent.id)),
                      key=lambda unit: fold(unit.name))  # the same order on SQLite and PostgreSQL
    totals = {child.id: Counts() for child in children}
    child_of = {}
    for unit_id, path in db.session.execute(select(Unit.id, Unit.path).where(Unit.path.startswith(parent.path))):
        for child in children:
            if path.startswith(child.path):
                child_of[unit_id] = child.id
                break
    for unit_id, counts in count_rows(subtree_unit_ids(parent), start, end, "unit_id"):
        if unit_id in child_of:  # the parent's own dossiers belong to no child
            totals[child_of[unit_id]].add(counts)
    return [(child, totals[child.id]) for child in children]


def monthly_flows(unit: Unit, first_day: date, last_day: date) -> dict[tuple[int, int], Counts]:
    """New dossiers by channel and resolved dossiers by class, per calendar month, from the roll-ups:
    the unit's total rows of the months wholly inside the range and of the edge days (equal to
    `reference_monthly_flows`)."""
    from app.stats.rollups import TOTAL, figure_days, figure_months

    flows: dict[tuple[int, int], Counts] = {}
    full_months, edge_days = _flow_spans(first_day, last_day)
    names = ("received_online", "received_other", "early", "on_time", "late")

    def add(day: date, online, other, early, on_time, late):
        counts = flows.setdefault((day.year, day.month), Counts())
        counts.online += online or 0
        counts.direct_or_post += other or 0
        counts.early += early or 0
        counts.on_time += on_time or 0
        counts.late += late or 0

    unit_ids = subtree_unit_ids(unit)
    if full_months:
        stmt = (select(figure_months.c.month, *[func.sum(figure_months.c[name]) for name in names])
                .where(figure_months.c.unit_id.in_(unit_ids), figure_months.c.procedure_id == TOTAL,
                       figure_months.c.month >= full_months[0], figure_months.c.month < full_months[1])
                .group_by(figure_months.c.month))
        for month, *values in db.session.execute(stmt):
            add(month, *values)
    spans = [and_(figure_days.c.day >= low, figure_days.c.day <= high) for low, high in edge_days if low <= high]
    if spans:
        stmt = (select(figure_days.c.day, *[func.sum(figure_days.c[name]) for name in names])
                .where(figure_days.c.unit_id.in_(unit_ids), figure_days.c.procedure_id == TOTAL, or_(*spans))
                .group_by(figure_days.c.day))
        for day, *values in db.session.execute(stmt):
            add(day, *values)
    # A month with nothing received or resolved is no entry of the scan either.
    return {key: counts for key, counts in flows.items() if counts.new or counts.resolved}


def reference_monthly_flows(unit: Unit, first_day: date, last_day: date) -> dict[tuple[int, int], Counts]:
    """New dossiers by channel and resolved dossiers by class, per calendar month, in two grouped
    queries over the dossiers (what `monthly_flows` must equal).

    Flows only: for any month they equal the `new` and `resolved` counts of `report_06` for that
    month, which a month-by-month loop would get at twelve times the cost. Stocks (carried over,
    pending) depend on each month's bounds and are not here.
    """
    start_at, end_at = _bounds(first_day, last_day)
    unit_ids = subtree_unit_ids(unit)
    flows: dict[tuple[int, int], Counts] = {}

    def month_of(column):
        return func.extract("year", column).label("y"), func.extract("month", column).label("m")

    received_year, received_month = month_of(Dossier.received_at)
    received = (
        select(received_year, received_month,
               func.count().filter(Dossier.channel == "online"), func.count().filter(Dossier.channel != "online"))
        .where(Dossier.unit_id.in_(unit_ids), Dossier.received_at >= start_at, Dossier.received_at < end_at)
        .group_by(received_year, received_month)
    )
    for year, month, online, direct_or_post in db.session.execute(received):
        counts = flows.setdefault((int(year), int(month)), Counts())
        counts.online, counts.direct_or_post = online, direct_or_post
    resolved_year, resolved_month = month_of(Dossier.resolved_at)
    resolved = (
        select(resolved_year, resolved_month, *[func.count().filter(Dossier.resolution == name)
                                                for name in ("early", "on_time", "late")])
        .where(Dossier.unit_id.in_(unit_ids), Dossier.resolved_at >= start_at, Dossier.resolved_at < end_at)
        .group_by(resolved_year, resolved_month)
    )
    for year, month, early, on_time, late in db.session.execute(resolved):
        counts = flows.setdefault((int(year), int(month)), Counts())
        counts.early, counts.on_time, counts.late = early, on_time, late
    return flows


# The figures an index criterion can be scored from, by name (rubrics store these names).
FIGURE_LABELS = {
    "on_time_rate": "Tỷ lệ hồ sơ giải quyết trước và đúng hạn",
    "online_share": "Tỷ lệ hồ sơ tiếp nhận trực tuyến",
    "shortened_share": "Tỷ lệ thủ tục được rút ngắn thời gian giải quyết",
    "end_to_end_share": "Tỷ lệ thủ tục cung cấp trực tuyến toàn trình",
    "apology_coverage": "Tỷ lệ hồ sơ quá hạn có phiếu xin lỗi",
    "late_count": "Số hồ sơ quá hạn",
    # Decision 766's figures (app/stats/qd766.py counts them; app/stats/qd766_service.py computes them).
    **QD766_FIGURES,
}


def _exact(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator else None


def named_figures(report: Report06) -> dict[str, float | int | None]:
    """The report's figures by the names rubrics refer to, unrounded: 19,999 on time out of 20,000 must
    not reach a "100% → full points" band. A rate with no denominator is None."""
    total, offerings = report.total, report.offerings
    return {
        "on_time_rate": _exact(total.early + total.on_time, total.resolved),
        "online_share": _exact(total.online, total.new),
        "shortened_share": _exact(offerings.get("shortened", 0), offerings.get("at_desk", 0)),
        "end_to_end_share": _exact(offerings.get("end_to_end", 0), offerings.get("offered", 0)),
        "apology_coverage": _exact(total.late_with_apology, total.late),
        "late_count": total.late,
    }


def satisfaction(unit: Unit, start: date, end: date) -> dict[str, int | float | None]:
    """Citizens' ratings of the dossiers of `unit`'s subtree rated within [start, end] (both days
    inclusive, by the day of the rating, not of the dossier), counted in one grouped query.

    Returns {"rated", "satisfied", "acceptable", "dissatisfied", "satisfaction_rate"}, where
    satisfaction_rate = satisfied ÷ rated as a fraction (see `ratio`), None when nothing was rated.
    """
    start_at, end_at = _bounds(start, end)
    rows = db.session.execute(
        select(DossierRating.rating, func.count())
        .join(Dossier, Dossier.id == DossierRating.dossier_id)
        .where(Dossier.unit_id.in_(subtree_unit_ids(unit)),
               DossierRating.rated_at >= start_at, DossierRating.rated_at < end_at)
        .group_by(DossierRating.rating))
    counts = {rating.value: 0 for rating in Rating} | {rating: count for rating, count in rows}
    rated = sum(counts.values())
    return {"rated": rated, **counts, "satisfaction_rate": ratio(counts[Rating.SATISFIED.value], rated)}
