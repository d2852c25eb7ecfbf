"""A file kept by the desk (a scanned document, a result): one row per distinct content."""
from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db


class ResultForm:
    """How the result was handed over (Decision 766/QĐ-TTg counts digitised and electronic results)."""

    PAPER = "paper"  # paper only, nothing kept
    DIGITISED = "digitised"  # paper result scanned and kept
    ELECTRONIC = "electronic"  # issued electronically: a PDF signed with the unit's certificate

    ALL = (PAPER, DIGITISED, ELECTRONIC)
    LABELS = {
        PAPER: "Bản giấy",
        DIGITISED: "Bản giấy đã số hóa",
        ELECTRONIC: "Bản điện tử (có chữ ký số)",
    }


class StoredFile(db.Model):
    """The file's bytes live under FILES_DIR at a path made from `sha256`; the row says what they are.

    Rows are never deleted while a document or a dossier points at them: the same bytes uploaded twice
    share one row (and one file), so deleting would take them from the other dossier too.
    """

    __tablename__ = "stored_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    size_bytes: Mapped[int]
    media_type: Mapped[str] = mapped_column(String(40))
    # The name on the clerk's disk, kept for the download's file name (the path never uses it).
    original_name: Mapped[str] = mapped_column(String(255), default="")
    created_at: Mapped[datetime]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
