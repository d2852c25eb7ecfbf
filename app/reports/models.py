"""`PaperJob`: a long paper (the register) rendered in the background, its progress and its file;
the chair's sections of a period's report (`ReportSectionRevision`) and its submission (`ReportSubmission`)."""
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.auth.models import User
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


class ReportSection(StrEnum):
    """The parts of a period's report the chair writes after the figures (the order they are printed in)."""

    ASSESSMENT = "assessment"
    SHORTCOMINGS = "shortcomings"
    PROPOSALS = "proposals"

    @property
    def label(self) -> str:
        return SECTION_LABELS[self]


SECTION_LABELS = {
    ReportSection.ASSESSMENT: "Đánh giá chung",
    ReportSection.SHORTCOMINGS: "Tồn tại, hạn chế và nguyên nhân",
    ReportSection.PROPOSALS: "Đề xuất, kiến nghị",
}
SECTION_TEXT_LENGTH = 20_000  # characters; a section is a few paragraphs, not a book


class ReportAppendOnly(RuntimeError):
    """Raised when code tries to change or remove a section revision or a submission."""


class ReportSectionRevision(db.Model):
    """One version of one section of a unit's report for a period, as the chair saved it.

    Append-only: the text in force is the newest revision; the older ones are the history (who changed
    what, when). A period is a kind ("month" or "quarter"), a year and its number in the year, read with
    REPORT_CUTOFF_DAY like every reporting period.
    """

    __tablename__ = "report_section_revisions"
    __scope_column__ = "unit_id"
    __table_args__ = (
        Index("ix_report_section_revisions_period", "unit_id", "period_kind", "year", "number", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    period_kind: Mapped[str] = mapped_column(String(10))  # "month" | "quarter"
    year: Mapped[int]
    number: Mapped[int]  # the month (1–12) or the quarter (1–4)
    section: Mapped[str] = mapped_column(String(20))  # ReportSection
    text: Mapped[str] = mapped_column(Text, default="")
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime]

    author: Mapped[User] = relationship()

    @property
    def section_label(self) -> str:
        return ReportSection(self.section).label


class ReportSubmission(db.Model):
    """A period's report submitted to the higher unit ("chốt số liệu"): the figures as they were then.

    `figures` is the snapshot of every figure the report printed (`app.reports.quarterly.snapshot`); the
    report, the comparison and the higher unit's page read it for the period from then on, and show how
    the live figures moved since. One per unit and period (the unique key decides between two clicks).
    """

    __tablename__ = "report_submissions"
    __scope_column__ = "unit_id"
    __table_args__ = (
        UniqueConstraint("unit_id", "period_kind", "year", "number", name="uq_report_submissions_unit_period"),
        Index("ix_report_submissions_period", "period_kind", "year", "number"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    period_kind: Mapped[str] = mapped_column(String(10))
    year: Mapped[int]
    number: Mapped[int]
    start_on: Mapped[date]  # the period's first and last day, inclusive
    end_on: Mapped[date]
    due_on: Mapped[date]  # the deadline then in force (submission_rules.submission_deadline)
    submitted_at: Mapped[datetime]
    submitted_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    report_number: Mapped[str] = mapped_column(String(20), default="")  # "12" of "12/BC-UBND", may be blank
    figures: Mapped[dict] = mapped_column(JSON)
    sections: Mapped[dict] = mapped_column(JSON)  # {section: text} as submitted

    unit: Mapped[Unit] = relationship()
    submitted_by: Mapped[User] = relationship()

    @property
    def is_late(self) -> bool:
        return self.submitted_at.date() > self.due_on


@event.listens_for(ReportSectionRevision, "before_update")
@event.listens_for(ReportSubmission, "before_update")
def _refuse_update(mapper, connection, target) -> None:
    raise ReportAppendOnly("Bản lưu báo cáo chỉ được ghi thêm, không được sửa.")


@event.listens_for(ReportSectionRevision, "before_delete")
@event.listens_for(ReportSubmission, "before_delete")
def _refuse_delete(mapper, connection, target) -> None:
    raise ReportAppendOnly("Bản lưu báo cáo chỉ được ghi thêm, không được xóa.")
