"""What one dossier adds to the per-day roll-ups of the figures (pure: no Flask, no SQLAlchemy).

The figures engine (`app/stats/figures.py`, DOMAIN.md "The figures", Circular 01/2020/TT-VPCP mẫu 06)
counts, for a range of days [a, b]: flows (received by channel, resolved early / on time / late,
late with an apology) and stocks at an instant (carried over = pending at the start, pending and
overdue at the end). Every one of them is a sum over days of per-day numbers:

- a flow is counted on its day: received on the day of `received_at`, resolved on the day of
  `resolved_at`;
- a stock is kept as its changes: "pending" +1 on the day of receipt and −1 on the day of
  resolution, so that pending at the end of day d = the sum of its changes up to d; "overdue" the
  same over the days at whose end the dossier was pending and overdue by `ontime.is_overdue`'s rule
  (the stopped clock of a supplement included), which is a few runs of days.

A dossier's contribution is a function of its facts alone (the columns below and its supplement
periods), so the roll-ups follow any change — an action, a correction, an import — as
contribution(after) − contribution(before), written in the same transaction. An open dossier
contributes as if it stays open: it becomes overdue on its due day, in the future; its resolution
takes that back. Only today's facts say what the future holds, and they are re-read at each change.
"""
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

# The roll-ups' counters, in the order of the tables' columns.
FLOWS = ("received_online", "received_other", "early", "on_time", "late", "late_apology")
STOCKS = ("pending", "overdue")
COUNTERS = FLOWS + STOCKS


@dataclass(frozen=True)
class Pause:
    """A supplement period: the clock stops at `requested_at`; `old_due_at` is the due time it stopped."""

    requested_at: datetime
    received_at: datetime | None
    old_due_at: datetime


@dataclass(frozen=True)
class Facts:
    """What the figures read of one dossier. `pauses` in the order (requested_at, id)."""

    unit_id: int
    procedure_id: int
    channel: str
    received_at: datetime
    resolved_at: datetime | None
    resolution: str | None
    due_at: datetime
    has_apology: bool  # apology_due_at is set
    pauses: tuple[Pause, ...] = ()


# (unit id, day, procedure id) -> {counter: change}
Deltas = dict[tuple[int, date, int], dict[str, int]]


def _midnight_after(day: date) -> datetime:
    return datetime.combine(day + timedelta(days=1), time())


def overdue_at_end_of(facts: Facts, day: date) -> bool:
    """Whether the dossier, pending at the end of `day`, was overdue then: the engine's
    `_overdue_at_end`, i.e. `ontime.is_overdue` with the due time in force at that instant.

    The first pause not closed by the end says both: if requested before the end the clock was
    stopped, and the dossier is overdue only if the due time it stopped had passed before the
    request; otherwise its `old_due_at` is the due time in force at the end."""
    end = _midnight_after(day)
    pause = next((p for p in facts.pauses if p.received_at is None or p.received_at >= end), None)
    due_then = pause.old_due_at if pause else facts.due_at
    cut = pause.requested_at if pause is not None and pause.requested_at < end else end
    return due_then < cut


def _pending_days(facts: Facts) -> tuple[date, date | None]:
    """[first, last_exclusive) of the days at whose end the dossier is pending (None: still open)."""
    first = facts.received_at.date()
    return first, (facts.resolved_at.date() if facts.resolved_at is not None else None)


def contribution(facts: Facts | None) -> Deltas:
    """The dossier's per-day numbers (empty for None: a dossier not there)."""
    out: Deltas = defaultdict(lambda: defaultdict(int))
    if facts is None:
        return out
    received_cell = out[(facts.unit_id, facts.received_at.date(), facts.procedure_id)]
    received_cell["received_online" if facts.channel == "online" else "received_other"] += 1
    if facts.resolved_at is not None and facts.resolution in ("early", "on_time", "late"):
        cell = out[(facts.unit_id, facts.resolved_at.date(), facts.procedure_id)]
        cell[facts.resolution] += 1
        if facts.resolution == "late" and facts.has_apology:
            cell["late_apology"] += 1

    first, stop = _pending_days(facts)
    if stop is not None and stop <= first:
        return out  # resolved on the day of receipt (or before it): never pending at a day's end
    out[(facts.unit_id, first, facts.procedure_id)]["pending"] += 1
    if stop is not None:
        out[(facts.unit_id, stop, facts.procedure_id)]["pending"] -= 1

    # Overdue is constant between the days of the instants its rule compares with a day's end.
    instants = [facts.due_at] + [moment for pause in facts.pauses
                                 for moment in (pause.requested_at, pause.received_at, pause.old_due_at)
                                 if moment is not None]
    changes = sorted({first} | {moment.date() for moment in instants
                                if moment.date() > first and (stop is None or moment.date() < stop)})
    overdue = False
    for day in changes:
        now_overdue = overdue_at_end_of(facts, day)
        if now_overdue != overdue:
            out[(facts.unit_id, day, facts.procedure_id)]["overdue"] += 1 if now_overdue else -1
            overdue = now_overdue
    if overdue and stop is not None:
        out[(facts.unit_id, stop, facts.procedure_id)]["overdue"] -= 1
    return out


def difference(before: Facts | None, after: Facts | None) -> Deltas:
    """contribution(after) − contribution(before), without the cells that do not change."""
    result: Deltas = {}
    old, new = contribution(before), contribution(after)
    for key in old.keys() | new.keys():
        cell = {name: new.get(key, {}).get(name, 0) - old.get(key, {}).get(name, 0) for name in COUNTERS}
        cell = {name: value for name, value in cell.items() if value}
        if cell:
            result[key] = cell
    return result


def add_into(total: Deltas, more: Deltas) -> None:
    """total += more, cell by cell (several dossiers of one flush)."""
    for key, cell in more.items():
        target = total.setdefault(key, {})
        for name, value in cell.items():
            target[name] = target.get(name, 0) + value


def month_of(day: date) -> date:
    return day.replace(day=1)
