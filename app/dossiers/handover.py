"""Dossiers received at one unit's desk for another unit of the province (tiếp nhận không phụ thuộc địa
giới hành chính, Decree 118/2025/NĐ-CP; DOMAIN.md "Who receives"): the hand-over steps between the
receiving desk and the resolving unit, and the due time of each.

Pure logic: no Flask, no SQLAlchemy, no clock; the calendars come in as arguments.

The dossier travels in two legs, each allowed the hand-over time the province sets
(`handover_days` working days, set on the higher unit):

- **there**: the receiving desk sends the dossier (the digitised documents at once, the paper file by
  courier), the resolving unit acknowledges it. Both steps are due `handover_days` working days
  after the effective receipt, counted on the receiving unit's calendar (the courier leaves from
  there);
- the resolving unit's committed time then runs on *its own* calendar from the end of that leg:
  this is the dossier's due date (`due_at`), the one Report 06 and the on-time rate judge, at the
  resolving unit;
- **back** (only when the citizen chose to collect the result at the receiving desk): the
  resolving unit sends the result by the dossier's due date, the receiving desk acknowledges it
  `handover_days` working days later on its calendar; that is the appointment the receipt prints.

A hand-over time of 0 means the legs take no working time (fully electronic): each leg's due time
is then the effective start itself.
"""
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from app.worktime.deadlines import TimeUnit, WorkingCalendar, due_after_working_days, due_at, effective_receipt

DEFAULT_HANDOVER_DAYS = 1
"""Hand-over time used when no unit above the receiving desk has set one: one working day per leg."""
MAX_HANDOVER_DAYS = 10


class HandoverStep(StrEnum):
    """The four hand-over events of a dossier received for another unit, in the order they happen."""

    SENT = "handover_send"  # the receiving desk sends the dossier
    RECEIVED = "handover_receive"  # the resolving unit receives it
    RESULT_SENT = "result_send"  # the resolving unit sends the result back to the receiving desk
    RESULT_RECEIVED = "result_receive"  # the receiving desk receives the result, to return it

    @property
    def label(self) -> str:
        return STEP_LABELS[self]

    @property
    def side(self) -> str:
        """Who records the step: "receiving" (the desk that took the dossier in) or "resolving"."""
        return "receiving" if self in (HandoverStep.SENT, HandoverStep.RESULT_RECEIVED) else "resolving"


STEP_LABELS = {
    HandoverStep.SENT: "Chuyển hồ sơ đến đơn vị giải quyết",
    HandoverStep.RECEIVED: "Đơn vị giải quyết nhận hồ sơ",
    HandoverStep.RESULT_SENT: "Chuyển kết quả về nơi tiếp nhận",
    HandoverStep.RESULT_RECEIVED: "Nơi tiếp nhận nhận kết quả",
}


@dataclass(frozen=True)
class HandoverPlan:
    """The due times computed at receipt."""

    there_due_at: datetime  # by when the resolving unit must have the dossier (steps SENT and RECEIVED)
    due_at: datetime  # the resolving unit's due date for the result
    back_due_at: datetime | None  # by when the result must be back at the receiving desk (None: returned there)

    @property
    def appointment(self) -> datetime:
        """The date and time the receipt gives the citizen, at the desk they chose."""
        return self.back_due_at or self.due_at


def leg_due(calendar: WorkingCalendar, start: datetime, handover_days: int) -> datetime:
    """The end of one hand-over leg starting at `start`, on `calendar` (the receiving unit's)."""
    if not 0 <= handover_days <= MAX_HANDOVER_DAYS:
        raise ValueError(f"Thời gian chuyển hồ sơ phải từ 0 đến {MAX_HANDOVER_DAYS} ngày làm việc.")
    if handover_days == 0:
        return effective_receipt(calendar, start)
    return due_after_working_days(calendar, start, handover_days)


def plan(receiving: WorkingCalendar, resolving: WorkingCalendar, received_at: datetime, value: Decimal | int,
         unit: TimeUnit, handover_days: int, result_at_receiving: bool) -> HandoverPlan:
    """The due times of a dossier received on `receiving`'s calendar for a unit working on `resolving`'s."""
    there = leg_due(receiving, received_at, handover_days)
    resolved_by = due_at(resolving, there, value, unit)
    back = leg_due(receiving, resolved_by, handover_days) if result_at_receiving else None
    return HandoverPlan(there, resolved_by, back)


def step_due(step: HandoverStep, there_due_at: datetime, due_at_now: datetime,
             back_due_at: datetime | None) -> datetime | None:
    """The due time of one step: the outward leg's end for sending and receiving the dossier, the
    dossier's due date (as supplements left it) for sending the result, the way back's end for its
    receipt at the desk."""
    if step in (HandoverStep.SENT, HandoverStep.RECEIVED):
        return there_due_at
    if step is HandoverStep.RESULT_SENT:
        return due_at_now
    return back_due_at


@dataclass(frozen=True)
class Progress:
    """What of the hand-over has happened: the time of each step, None while it has not."""

    sent_at: datetime | None = None
    received_at: datetime | None = None
    result_sent_at: datetime | None = None
    result_received_at: datetime | None = None
    result_at_receiving: bool = False

    def done(self, step: HandoverStep) -> datetime | None:
        return {HandoverStep.SENT: self.sent_at, HandoverStep.RECEIVED: self.received_at,
                HandoverStep.RESULT_SENT: self.result_sent_at,
                HandoverStep.RESULT_RECEIVED: self.result_received_at}[step]


def steps_of(result_at_receiving: bool) -> list[HandoverStep]:
    """The steps a dossier goes through: the way back only when the result is returned at the receiving desk."""
    steps = [HandoverStep.SENT, HandoverStep.RECEIVED]
    if result_at_receiving:
        steps += [HandoverStep.RESULT_SENT, HandoverStep.RESULT_RECEIVED]
    return steps


def next_step(progress: Progress, has_result: bool) -> HandoverStep | None:
    """The step that may be recorded now, or None. The way back waits for the result (finished)."""
    for step in steps_of(progress.result_at_receiving):
        if progress.done(step) is None:
            if step is HandoverStep.RESULT_SENT and not has_result:
                return None
            return step
    return None


def late_steps(progress: Progress, dues: dict[HandoverStep, datetime | None], now: datetime) -> list[HandoverStep]:
    """Steps done after their due time, or not done although their due time has passed (and they may happen)."""
    late = []
    for step in steps_of(progress.result_at_receiving):
        due = dues.get(step)
        if due is None:
            continue
        done = progress.done(step)
        if (done is not None and done > due) or (done is None and now > due and step in _pending_allowed(progress)):
            late.append(step)
    return late


def _pending_allowed(progress: Progress) -> set[HandoverStep]:
    # A way-back step not begun yet is late only once its predecessor has happened: a result not yet
    # finished is the resolving unit's lateness (counted by the dossier), not a hand-over's.
    allowed = {HandoverStep.SENT, HandoverStep.RECEIVED}
    if progress.received_at is not None and progress.result_sent_at is not None:
        allowed.add(HandoverStep.RESULT_RECEIVED)
    return allowed
