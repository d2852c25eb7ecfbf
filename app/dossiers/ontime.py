"""Early / on time / late: how a resolved dossier is classified.

Pure logic (DOMAIN.md "Classification"; Circular 01/2020/TT-VPCP, Report 06): a finished dossier is
compared by the calendar date it was finished with the date it was due; for a limit counted in
working hours the times are compared. An apology's new date never makes a late dossier on time.
"""
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from app.worktime.deadlines import WorkingCalendar, working_time_between


class Resolution(StrEnum):
    EARLY = "early"  # trước hạn
    ON_TIME = "on_time"  # đúng hạn
    LATE = "late"  # quá hạn

    @property
    def label(self) -> str:
        return {"early": "Trước hạn", "on_time": "Đúng hạn", "late": "Quá hạn"}[self.value]


def classify(resolved_at: datetime, due_at: datetime, counted_in_hours: bool) -> Resolution:
    """Classify a dossier resolved at `resolved_at` against its (supplement-adjusted) `due_at`."""
    if counted_in_hours:
        if resolved_at < due_at:
            return Resolution.EARLY
        return Resolution.ON_TIME if resolved_at == due_at else Resolution.LATE
    if resolved_at.date() < due_at.date():
        return Resolution.EARLY
    return Resolution.ON_TIME if resolved_at.date() == due_at.date() else Resolution.LATE



def is_overdue(due_at: datetime, cut_at: datetime, clock_stopped_at: datetime | None) -> bool:
    """Whether an open dossier counts as overdue at the instant `cut_at` (now, or a period's end,
    exclusive).

    While the clock is stopped — the citizen was asked for a supplement, under either rule — the
    dossier is neither overdue nor due soon: it counts as within time, unless its due time had
    already passed before the request was made (the request does not cure lateness). DOMAIN.md
    "While the clock is stopped"; Decree 118/2025/NĐ-CP art. 19 (the time waiting for the citizen
    is not the unit's). `due_at` is the due time in force at `cut_at`; `clock_stopped_at` is when
    the pending supplement was requested, None when the clock runs.
    """
    if clock_stopped_at is not None and clock_stopped_at < cut_at:
        return due_at < clock_stopped_at
    return due_at < cut_at


class ClockState(StrEnum):
    RUNNING = "running"  # trong hạn
    OVERDUE = "overdue"  # quá hạn
    PAUSED = "paused"  # tạm dừng – chờ công dân bổ sung
    PAUSED_OVERDUE = "paused_overdue"  # tạm dừng, nhưng đã quá hạn trước khi yêu cầu bổ sung

    @property
    def label(self) -> str:
        return {
            "running": "Trong hạn",
            "overdue": "Quá hạn",
            "paused": "Tạm dừng – chờ công dân bổ sung",
            "paused_overdue": "Tạm dừng – chờ công dân bổ sung (đã quá hạn trước khi yêu cầu)",
        }[self.value]

    @property
    def is_paused(self) -> bool:
        return self in (ClockState.PAUSED, ClockState.PAUSED_OVERDUE)

    @property
    def is_overdue(self) -> bool:
        return self in (ClockState.OVERDUE, ClockState.PAUSED_OVERDUE)


@dataclass(frozen=True)
class Deadline:
    """Where an open dossier stands against its due time at one instant.

    `left` is the working time still available (counted to the moment the clock stopped when it is
    paused), `late_by` the working time past the due time (up to the stop when paused); one of the
    two is zero.
    """

    state: ClockState
    due_at: datetime
    left: timedelta
    late_by: timedelta
    stopped_at: datetime | None = None
    day_length: timedelta = timedelta(hours=8)  # one working day of the unit, to say "2 ngày 3 giờ"


def deadline_at(calendar: WorkingCalendar, now: datetime, due_at: datetime,
                clock_stopped_at: datetime | None) -> Deadline:
    """The deadline of an open dossier at `now`, in the unit's working time (see `is_overdue`)."""
    measured_to = clock_stopped_at if clock_stopped_at is not None and clock_stopped_at < now else now
    overdue = is_overdue(due_at, now, clock_stopped_at)
    if clock_stopped_at is not None:
        state = ClockState.PAUSED_OVERDUE if overdue else ClockState.PAUSED
    else:
        state = ClockState.OVERDUE if overdue else ClockState.RUNNING
    return Deadline(state, due_at, left=working_time_between(calendar, measured_to, due_at),
                    late_by=working_time_between(calendar, due_at, measured_to), stopped_at=clock_stopped_at,
                    day_length=calendar.office_hours.working_time_per_day)
