"""Citizens' ratings of the service, given once per dossier on the public lookup page."""
from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.dossiers.models import Dossier
from app.extensions import db

MAX_COMMENT_LENGTH = 1000


class Rating(StrEnum):
    SATISFIED = "satisfied"
    ACCEPTABLE = "acceptable"
    DISSATISFIED = "dissatisfied"

    @property
    def label(self) -> str:
        return {"satisfied": "Hài lòng", "acceptable": "Chấp nhận được",
                "dissatisfied": "Không hài lòng"}[self.value]


class DossierRating(db.Model):
    """How the citizen rated the handling of a dossier once its result was returned (one per dossier)."""

    __tablename__ = "dossier_ratings"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Unique: a second rating of the same dossier fails in the database too, not only in the view.
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id"), unique=True)
    rating: Mapped[Rating] = mapped_column(String(12))
    comment: Mapped[str] = mapped_column(String(MAX_COMMENT_LENGTH), default="")  # NFC, stored as typed
    rated_at: Mapped[datetime] = mapped_column(index=True)

    dossier: Mapped[Dossier] = relationship()

    @property
    def rating_label(self) -> str:
        return Rating(self.rating).label
