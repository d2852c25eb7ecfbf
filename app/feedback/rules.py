"""Citizens' feedback and petitions (phản ánh, kiến nghị): channels, kinds, the answer's due time, on time or
late, the citizen's satisfaction with the answer.

Pure logic: no Flask, no SQLAlchemy; the calendar and the instant are arguments.

The rules encoded:
- Feedback on administrative regulations and their handling is received and answered under Decree
  20/2008/NĐ-CP (amended by Decree 92/2017/NĐ-CP). The answer is due `FEEDBACK_ANSWER_DAYS` working
  days after receipt (a *setting*, default 10) counted by the same working calendar as dossiers
  (received outside office hours: from the next working period; DOMAIN.md "The clock"). The
  default is ours: the text in force was not at hand when it was written — check it against the
  province's regulation and set the number.
- On time or late compares the calendar date of the answer with the due date, like a dossier counted
  in working days (DOMAIN.md "Classification"): answered on the due date is on time.
- Decision 766/QĐ-TTg's satisfaction group counts feedback answered on time ÷ feedback answered, and
  citizens satisfied with the answer ÷ answers rated (app/stats/qd766.py).
"""
from datetime import datetime
from enum import StrEnum

from app.dossiers.ontime import Resolution, classify
from app.worktime.deadlines import TimeUnit, WorkingCalendar, due_at

DEFAULT_ANSWER_DAYS = 10
MAX_ANSWER_DAYS = 60


class FeedbackChannel(StrEnum):
    DESK = "desk"
    PHONE = "phone"
    LETTER = "letter"
    PORTAL = "portal"
    OTHER = "other"

    @property
    def label(self) -> str:
        return {"desk": "Trực tiếp tại Bộ phận Một cửa", "phone": "Điện thoại, đường dây nóng",
                "letter": "Văn bản, thư", "portal": "Cổng Dịch vụ công, thư điện tử",
                "other": "Hòm thư góp ý, kênh khác"}[self.value]


class FeedbackKind(StrEnum):
    COMPLAINT = "phan_anh"  # phản ánh: about how a procedure or a dossier was handled
    PETITION = "kien_nghi"  # kiến nghị: a proposal to change a rule or a practice

    @property
    def label(self) -> str:
        return {"phan_anh": "Phản ánh", "kien_nghi": "Kiến nghị"}[self.value]


class Satisfaction(StrEnum):
    VERY_SATISFIED = "very_satisfied"
    SATISFIED = "satisfied"
    UNSATISFIED = "unsatisfied"

    @property
    def label(self) -> str:
        return {"very_satisfied": "Rất hài lòng", "satisfied": "Hài lòng",
                "unsatisfied": "Không hài lòng"}[self.value]

    @property
    def is_satisfied(self) -> bool:
        return self is not Satisfaction.UNSATISFIED


class FeedbackState(StrEnum):
    RECEIVED = "received"  # đã tiếp nhận, chưa giao xử lý
    ASSIGNED = "assigned"  # đã giao xử lý
    ANSWERED = "answered"  # đã trả lời

    @property
    def label(self) -> str:
        return {"received": "Đã tiếp nhận", "assigned": "Đang xử lý", "answered": "Đã trả lời"}[self.value]


def answer_due_at(calendar: WorkingCalendar, received_at: datetime, answer_days: int) -> datetime:
    """When the answer is due: `answer_days` working days after receipt, at the time of receipt."""
    if not 1 <= answer_days <= MAX_ANSWER_DAYS:
        raise ValueError(f"answer_days must be 1..{MAX_ANSWER_DAYS}, not {answer_days}")
    return due_at(calendar, received_at, answer_days, TimeUnit.WORKING_DAYS)


def answer_resolution(answered_at: datetime, due: datetime) -> Resolution:
    """Early, on time or late, by calendar date (answered on the due date is on time)."""
    return classify(answered_at, due, counted_in_hours=False)


def is_overdue(due: datetime, answered_at: datetime | None, now: datetime) -> bool:
    """Still unanswered after the due date (the due day itself is still on time)."""
    return answered_at is None and now.date() > due.date()


def state_of(assigned_at: datetime | None, answered_at: datetime | None) -> FeedbackState:
    if answered_at is not None:
        return FeedbackState.ANSWERED
    return FeedbackState.ASSIGNED if assigned_at is not None else FeedbackState.RECEIVED
