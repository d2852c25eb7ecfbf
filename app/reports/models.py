"""`PaperJob`: a long paper (the register) rendered in the background, its progress and its file."""
from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, ForeignKey, Index, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.units.models import Unit


class JobStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    EXPIRED = "expired"  # done, and its file removed by the cleanup

    @property
    def label(self) -> str:
        return {"queued": "Đang chờ in", "running": "Đang in", "done": "Đã in xong", "failed": "Không in được",
                "expired": "Tệp đã được dọn, hãy in lại"}[self.value]


class PaperJob(db.Model):
    """One paper asked for by a user; any worker process may render it (`app.reports.jobs`).

    `heartbeat_at` is moved by the process rendering it every few seconds: a running job whose
    heartbeat stopped belongs to a process that died, and is marked failed.
    """

    __tablename__ = "paper_jobs"
    __scope_column__ = "unit_id"
    __table_args__ = (Index("ix_paper_jobs_status_id", "status", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # "register"
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    params: Mapped[dict] = mapped_column(JSON, default=dict)  # {"first_day": "2026-11-01", "last_day": …}
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    status: Mapped[str] = mapped_column(String(10), default=JobStatus.QUEUED)
    rows: Mapped[int] = mapped_column(default=0)  # what the paper holds, for the estimate
    progress: Mapped[int] = mapped_column(default=0)  # 0–100, an estimate while running
    stage: Mapped[str] = mapped_column(String(200), default="")  # what the worker is doing, in Vietnamese
    message: Mapped[str] = mapped_column(String(500), default="")  # why it failed
    file_name: Mapped[str] = mapped_column(String(200))  # the download's name
    stored_as: Mapped[str] = mapped_column(String(100), default="")  # under instance/papers/
    size_bytes: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime]
    started_at: Mapped[datetime | None]
    heartbeat_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]

    unit: Mapped[Unit] = relationship()

    @property
    def is_finished(self) -> bool:
        return self.status in (JobStatus.DONE, JobStatus.FAILED, JobStatus.EXPIRED)


class KeptPaper(db.Model):
    """A dossier's paper as it was printed, kept: the receipt is the same paper every time it is printed
    again, so it is laid out once per dossier version (issue 13) and served from here while unchanged.

    `html_sha256` is the hash of the HTML the PDF was laid out from: anything the paper shows that changed
    without a new dossier version (the unit's name, the host in the QR code) makes a new HTML and so a new
    layout. A cache, not a record: the row of an older version is replaced."""

    __tablename__ = "kept_papers"

    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(30), primary_key=True)
    version: Mapped[int] = mapped_column(primary_key=True)
    html_sha256: Mapped[str] = mapped_column(String(64))
    pdf: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime]
