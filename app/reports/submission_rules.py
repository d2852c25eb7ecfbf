"""When a period's report is due at the higher unit, whether a unit is late with it, and how the live
figures moved since it was submitted. Pure: takes the period's last day, today and the working calendar.

The deadline is REPORT_SUBMIT_DAYS working days after the period's last day (the setting's default, 2, is
a default to confirm against the province's reporting regime: Decree 09/2019/NĐ-CP art. 12 leaves the
deadline to whoever sets the regime). The counting: day 1 is the first working day after the period's
last day; the report is on time if it is submitted on or before the last of those days.
"""
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from app.worktime.deadlines import WorkingCalendar


class SubmissionState(StrEnum):
    NOT_DUE = "not_due"  # the period has not ended
    WAITING = "waiting"  # ended, not submitted, the deadline not passed
    LATE = "late"  # ended, not submitted, the deadline passed
    SUBMITTED = "submitted"  # on or before the deadline
    SUBMITTED_LATE = "submitted_late"

    @property
    def label(self) -> str:
        return {
            "not_due": "Kỳ chưa kết thúc", "waiting": "Chưa gửi (còn hạn)", "late": "Chưa gửi, đã quá hạn",
            "submitted": "Đã gửi đúng hạn", "submitted_late": "Đã gửi muộn",
        }[self.value]

    @property
    def is_bad(self) -> bool:
        return self in (SubmissionState.LATE, SubmissionState.SUBMITTED_LATE)


def submission_deadline(period_end: date, working_days: int, calendar: WorkingCalendar) -> date:
    """The last day the report of a period ending on `period_end` may reach the higher unit on time:
    the `working_days`-th working day after `period_end` (with 0, the period's last day itself)."""
    if working_days < 0:
        raise ValueError("working_days must not be negative")
    day = period_end
    for _ in range(working_days):
        day = calendar.next_working_day(day)
    return day


def submission_state(period_end: date, deadline: date, today: date, submitted_on: date | None) -> SubmissionState:
    if submitted_on is not None:
        return SubmissionState.SUBMITTED_LATE if submitted_on > deadline else SubmissionState.SUBMITTED
    if today <= period_end:
        return SubmissionState.NOT_DUE
    return SubmissionState.LATE if today > deadline else SubmissionState.WAITING


def can_submit(period_end: date, today: date) -> bool:
    """A report is submitted once its period is over: figures of a running period still move."""
    return today > period_end


@dataclass(frozen=True)
class FigureChange:
    """One figure of Report 06 as submitted and as it is now (a dossier corrected after submission)."""

    key: str
    label: str
    submitted: int
    live: int

    @property
    def delta(self) -> int:
        return self.live - self.submitted

    @property
    def delta_text(self) -> str:
        return f"{self.delta:+d}".replace("-", "−")


# The totals of Report 06 compared, in the order the report prints them.
COMPARED_FIGURES = (
    ("received", "Tổng số tiếp nhận"), ("carried_over", "Kỳ trước chuyển qua"), ("online", "Tiếp nhận trực tuyến"),
    ("direct_or_post", "Tiếp nhận trực tiếp, bưu chính"), ("resolved", "Đã giải quyết"), ("early", "Trước hạn"),
    ("on_time", "Đúng hạn"), ("late", "Quá hạn"), ("late_with_apology", "Quá hạn có phiếu xin lỗi"),
    ("pending", "Đang giải quyết"), ("within_time", "Trong hạn"), ("overdue", "Quá hạn (đang giải quyết)"),
)


def figure_changes(submitted: dict[str, int], live: dict[str, int]) -> list[FigureChange]:
    """The figures whose live value differs from the submitted one (empty: nothing moved)."""
    return [FigureChange(key, label, submitted.get(key, 0), live.get(key, 0))
            for key, label in COMPARED_FIGURES if submitted.get(key, 0) != live.get(key, 0)]
