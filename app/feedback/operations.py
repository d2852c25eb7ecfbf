"""Named operations on the feedback register; each writes one item, the caller commits."""
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from app.auth.models import User
from app.catalog.models import Procedure
from app.dossiers.models import Dossier
from app.extensions import db
from app.feedback.models import Feedback
from app.feedback.rules import FeedbackChannel, FeedbackKind, Satisfaction, answer_due_at, answer_resolution
from app.units.models import Unit
from app.worktime.deadlines import WorkingCalendar

# Feedback is written into the register as it arrives: a date further back is a typing error.
OLDEST_RECEIPT = timedelta(days=366)


class FeedbackRefused(Exception):
    """The change cannot be made; the message is for the clerk, naming the field in `field`."""

    def __init__(self, message: str, field: str = ""):
        super().__init__(message)
        self.field = field


@dataclass
class FeedbackInput:
    received_at: datetime
    channel: str
    kind: str
    citizen_name: str
    citizen_contact: str
    content: str
    dossier_code: str = ""
    procedure_code: str = ""


def receive_feedback(unit: Unit, data: FeedbackInput, calendar: WorkingCalendar, answer_days: int,
                     actor: User | None, now: datetime) -> Feedback:
    """Register an item of feedback of `unit`, its answer due `answer_days` working days later."""
    if data.received_at > now + timedelta(minutes=5):
        raise FeedbackRefused("Thời điểm tiếp nhận không được ở tương lai.", "received_at")
    if data.received_at < now - OLDEST_RECEIPT:
        raise FeedbackRefused("Thời điểm tiếp nhận đã quá một năm.", "received_at")
    dossier = None
    if data.dossier_code:
        # Only a dossier of the unit itself: a clerk cannot learn which codes exist elsewhere.
        dossier = db.session.scalar(select(Dossier).where(Dossier.code == data.dossier_code,
                                                          Dossier.unit_id == unit.id))
        if dossier is None:
            raise FeedbackRefused(f"Đơn vị không có hồ sơ mã «{data.dossier_code}».", "dossier_code")
    procedure = dossier.procedure if dossier is not None else None
    if data.procedure_code:
        procedure = db.session.scalar(select(Procedure).where(Procedure.code == data.procedure_code))
        if procedure is None:
            raise FeedbackRefused(f"Danh mục không có thủ tục mã «{data.procedure_code}».", "procedure_code")
    received_at = data.received_at.replace(second=0, microsecond=0)
    item = Feedback(unit=unit, received_at=received_at, channel=FeedbackChannel(data.channel),
                    kind=FeedbackKind(data.kind), citizen_name=data.citizen_name,
                    citizen_contact=data.citizen_contact, content=data.content, dossier=dossier,
                    procedure=procedure, due_at=answer_due_at(calendar, received_at, answer_days),
                    created_by=actor, assigned_to="", answer="", is_demo=bool(unit.is_demo))
    db.session.add(item)
    return item


def assign_feedback(item: Feedback, assigned_to: str, now: datetime) -> None:
    if item.answered_at is not None:
        raise FeedbackRefused("Phản ánh, kiến nghị đã được trả lời.", "assigned_to")
    item.assigned_to, item.assigned_at = assigned_to, max(now, item.received_at)


def answer_feedback(item: Feedback, answer: str, answered_at: datetime, actor: User | None, now: datetime) -> None:
    """Record the answer and whether it came early, on time or late against the due date."""
    if item.answered_at is not None:
        raise FeedbackRefused("Phản ánh, kiến nghị đã được trả lời.", "answer")
    answered_at = answered_at.replace(second=0, microsecond=0)
    if answered_at > now + timedelta(minutes=5):
        raise FeedbackRefused("Thời điểm trả lời không được ở tương lai.", "answered_at")
    if answered_at < item.received_at:
        raise FeedbackRefused("Thời điểm trả lời trước khi tiếp nhận.", "answered_at")
    if item.assigned_at is None:
        item.assigned_at = answered_at  # answered by the desk itself
    item.answer, item.answered_at, item.answered_by = answer, answered_at, actor
    item.resolution = answer_resolution(answered_at, item.due_at)


def rate_feedback(item: Feedback, satisfaction: str, now: datetime) -> None:
    """The citizen's satisfaction with the answer (asked by the desk after answering)."""
    if item.answered_at is None:
        raise FeedbackRefused("Chỉ ghi mức độ hài lòng sau khi đã trả lời.", "satisfaction")
    item.satisfaction, item.rated_at = Satisfaction(satisfaction), max(now, item.answered_at)
