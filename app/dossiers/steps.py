"""The steps of a dossier inside the unit and each step's own due time: the desk (tiếp nhận, chuyển
xử lý), the specialist civil servant (công chức chuyên môn thẩm định) and the approval by the chair
or vice-chair (lãnh đạo UBND duyệt, ký).

Pure logic: no Flask, no SQLAlchemy, no clock. Decree 61/2018/NĐ-CP art. 18–20 (kept by Decree
118/2025/NĐ-CP) has the desk hand the dossier to the processing office and that office submit the
result for signature; the split of the committed time between those steps is the unit's own internal
procedure (quy trình nội bộ, approved by the chair for each procedure): a percentage per step, set
on each offering, DEFAULT_SPLIT where the unit has not set one. The last step is always due at the
dossier's own due time, so the steps add up to exactly the time committed to the citizen.
"""
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from app.worktime.deadlines import WorkingCalendar, effective_receipt, shift_by_working_time, working_time_between


class Step(StrEnum):
    DESK = "desk"
    SPECIALIST = "specialist"
    APPROVAL = "approval"

    @property
    def label(self) -> str:
        return STEP_LABELS[self]


STEP_LABELS = {
    Step.DESK: "Bộ phận Một cửa tiếp nhận, chuyển xử lý",
    Step.SPECIALIST: "Công chức chuyên môn thẩm định",
    Step.APPROVAL: "Lãnh đạo UBND duyệt kết quả",
}


class SplitRefused(ValueError):
    """A split that does not add up; the message is for the person who typed it."""


@dataclass(frozen=True)
class Split:
    """Percentages (whole numbers) of the committed time given to each step; they add up to 100."""

    desk: int
    specialist: int
    approval: int

    def __post_init__(self) -> None:
        parts = (self.desk, self.specialist, self.approval)
        if any(not isinstance(part, int) or isinstance(part, bool) or part < 0 for part in parts):
            raise SplitRefused("Tỷ lệ mỗi bước là số nguyên không âm.")
        if sum(parts) != 100:
            raise SplitRefused("Tỷ lệ ba bước cộng lại phải bằng 100%.")
        if self.specialist == 0:
            raise SplitRefused("Bước thẩm định của công chức chuyên môn phải có thời gian.")

    @classmethod
    def of(cls, desk: int | None, approval: int | None) -> "Split":
        """The split an offering states (desk and approval percentages; the specialist has the rest),
        or DEFAULT_SPLIT when it states none."""
        if desk is None and approval is None:
            return DEFAULT_SPLIT
        desk, approval = desk or 0, approval or 0
        return cls(desk, 100 - desk - approval, approval)

    def as_list(self) -> list[int]:
        return [self.desk, self.specialist, self.approval]

    @classmethod
    def from_list(cls, parts) -> "Split":
        """The split recorded in a hand-over event (as_list), DEFAULT_SPLIT if it is unreadable."""
        try:
            return cls(*[int(part) for part in parts])
        except (TypeError, ValueError):
            return DEFAULT_SPLIT

    @property
    def label(self) -> str:
        return f"{self.desk}% · {self.specialist}% · {self.approval}%"


# Where the unit has set nothing: half a day of a 5-day procedure at the desk, one day for the signature.
DEFAULT_SPLIT = Split(10, 70, 20)


@dataclass(frozen=True)
class Pause:
    """A supplement request: the clock stopped from `started_at` to `ended_at` (None: still waiting);
    `restarts` when the unit's rule counts the whole time again from the supplement's arrival."""

    started_at: datetime
    ended_at: datetime | None
    restarts: bool = False


@dataclass(frozen=True)
class StepDues:
    desk: datetime
    specialist: datetime
    approval: datetime

    def of(self, step: Step) -> datetime:
        return getattr(self, Step(step).value)


def step_due_times(calendar: WorkingCalendar, received_at: datetime, due_at: datetime, pauses: Sequence[Pause],
                   split: Split) -> StepDues:
    """Each step's due time for a dossier received at `received_at` whose due time is now `due_at`
    (already moved by the supplements received, as the dossier's own is).

    The committed working time — from the effective receipt (or the last supplement that restarted
    the count) to `due_at`, less the time the clock stood still — is cut by `split`; a step's due
    time is that share counted from the start, moved later by every pause that began before it (the
    pause rule moves the dossier's due time the same way). A pause still waiting moves nothing yet.
    The approval step is due at `due_at` itself.
    """
    start = effective_receipt(calendar, received_at)
    for pause in pauses:
        if pause.restarts and pause.ended_at is not None and pause.ended_at >= start:
            start = effective_receipt(calendar, pause.ended_at)
    stops = sorted((pause.started_at, working_time_between(calendar, pause.started_at, pause.ended_at))
                   for pause in pauses
                   if not pause.restarts and pause.ended_at is not None and pause.started_at >= start)
    budget = working_time_between(calendar, start, due_at) - sum((length for _, length in stops), timedelta())
    if budget <= timedelta():
        return StepDues(due_at, due_at, due_at)

    def due_after(percent: int) -> datetime:
        moment = shift_by_working_time(calendar, start, budget * percent / 100)
        for began, length in stops:
            if began < moment:
                moment = shift_by_working_time(calendar, moment, length)
        return min(moment, due_at)

    return StepDues(desk=due_after(split.desk), specialist=due_after(split.desk + split.specialist),
                    approval=due_at)
