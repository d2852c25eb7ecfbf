"""The feedback register (sổ theo dõi phản ánh, kiến nghị): one row per item, from receipt to the answer and
the citizen's satisfaction with it (the rules: app/feedback/rules.py)."""
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.auth.models import User
from app.catalog.models import Procedure
from app.dossiers.models import Dossier
from app.dossiers.ontime import Resolution
from app.extensions import db
from app.feedback.rules import FeedbackChannel, FeedbackKind, Satisfaction, state_of
from app.units.models import Unit


class Feedback(db.Model):
    __tablename__ = "feedback_items"
    __scope_column__ = "unit_id"
    __table_args__ = (
        # The unit's register by receipt, and a month's answers (Decision 766's figures) by answer time.
        Index("ix_feedback_unit_received", "unit_id", "received_at"),
        Index("ix_feedback_unit_answered", "unit_id", "answered_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    received_at: Mapped[datetime]
    channel: Mapped[FeedbackChannel] = mapped_column(String(10))
    kind: Mapped[FeedbackKind] = mapped_column(String(10))
    content: Mapped[str] = mapped_column(Text)
    citizen_name: Mapped[str] = mapped_column(String(200))
    citizen_contact: Mapped[str] = mapped_column(String(200), default="")
    # What it is about: a dossier of the unit, or a procedure, or neither (a general remark).
    dossier_id: Mapped[int | None] = mapped_column(ForeignKey("dossiers.id"), index=True)
    procedure_id: Mapped[int | None] = mapped_column(ForeignKey("procedures.id"))
    due_at: Mapped[datetime]
    assigned_to: Mapped[str] = mapped_column(String(200), default="")
    assigned_at: Mapped[datetime | None]
    answer: Mapped[str] = mapped_column(Text, default="")
    answered_at: Mapped[datetime | None]
    resolution: Mapped[Resolution | None] = mapped_column(String(10))
    satisfaction: Mapped[Satisfaction | None] = mapped_column(String(20))
    rated_at: Mapped[datetime | None]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    is_demo: Mapped[bool] = mapped_column(default=False)

    unit: Mapped[Unit] = relationship()
    dossier: Mapped[Dossier | None] = relationship()
    procedure: Mapped[Procedure | None] = relationship()
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    answered_by: Mapped[User | None] = relationship(foreign_keys=[answered_by_id])

    @property
    def state(self):
        return state_of(self.assigned_at, self.answered_at)

    @property
    def channel_label(self) -> str:
        return FeedbackChannel(self.channel).label

    @property
    def kind_label(self) -> str:
        return FeedbackKind(self.kind).label

    @property
    def satisfaction_label(self) -> str:
        return Satisfaction(self.satisfaction).label if self.satisfaction else ""

    @property
    def resolution_label(self) -> str:
        return Resolution(self.resolution).label if self.resolution else ""
