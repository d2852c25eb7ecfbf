"""Dossiers, the documents received with them, their append-only event log, supplements, apologies,
and the per-unit daily counter that numbers them."""
import secrets
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import JSON, ForeignKey, Index, Numeric, SmallInteger, String, Text, UniqueConstraint
from sqlalchemy import false as sa_false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.auth.models import User
from app.catalog.models import ChannelKind, OnlineKind, Procedure, format_time
from app.dossiers.handover import HandoverStep, step_due
from app.dossiers.handover import Progress as HandoverProgress
from app.digitisation.models import StoredFile
from app.dossiers.lifecycle import Action, DossierState
from app.dossiers.ontime import Resolution
from app.dossiers.regime import is_new_legal_regime, uses_new_forms
from app.extensions import db
from app.units.models import Unit
from app.worktime.deadlines import TimeUnit


class Outcome(StrEnum):
    APPROVED = "approved"
    REFUSED = "refused"

    @property
    def label(self) -> str:
        return {"approved": "Giải quyết (chấp thuận)", "refused": "Từ chối"}[self.value]


class CopyKind(StrEnum):
    ORIGINAL = "original"
    CERTIFIED = "certified"
    COPY = "copy"

    @property
    def label(self) -> str:
        return {"original": "Bản chính", "certified": "Bản sao chứng thực", "copy": "Bản sao"}[self.value]


class PaymentMethod(StrEnum):
    """How the fee and charge were paid. Online payment through the public-service portal is what
    Decision 766/QĐ-TTg's online-service group counts (app/stats/qd766.py)."""

    CASH = "cash"
    TRANSFER = "transfer"
    ONLINE = "online"

    @property
    def label(self) -> str:
        return {"cash": "Tiền mặt tại quầy", "transfer": "Chuyển khoản",
                "online": "Thanh toán trực tuyến qua Cổng DVC"}[self.value]


def new_lookup_pin() -> str:
    """A random 6-digit PIN (leading zeros kept) printed on the receipt for the public lookup."""
    return f"{secrets.randbelow(10**6):06d}"


class Dossier(db.Model):
    """A dossier received by a unit's one-stop desk. Never deleted: corrections are events."""

    __tablename__ = "dossiers"
    # Seen by the unit that resolves it and by the desk that received it for that unit (Decree 118/2025:
    # receiving regardless of administrative boundary); app/units/scope.py ORs the two.
    __scope_column__ = ("unit_id", "receiving_unit_id")
    __table_args__ = (
        # The desk's lists: a unit's open dossiers by due date, and everything by receipt date.
        Index("ix_dossiers_unit_state_due", "unit_id", "state", "due_at"),
        Index("ix_dossiers_unit_received", "unit_id", "received_at"),
        # A higher unit's newest dossiers: walked in order across all its units, stopping at the page's end.
        Index("ix_dossiers_received_id", "received_at", "id"),
        # Name search scans one unit's names: this index holds them, so the scan never visits the table.
        Index("ix_dossiers_unit_applicant", "unit_id", "applicant_search"),
        # What a desk received for other units, newest first (its own list and figures).
        Index("ix_dossiers_receiving_received", "receiving_unit_id", "received_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(60), unique=True)
    # The intake form's one-time token: a second POST of the same form (a double click, a resent
    # request) finds the dossier already saved. Unique, so that of concurrent POSTs the database lets one
    # through; NULL for dossiers not saved from the form (imports, the demo, the operations' callers).
    intake_token: Mapped[str | None] = mapped_column(String(64), unique=True)
    # With the code, opens the public lookup (printed on the receipt, carried by its QR code).
    lookup_pin: Mapped[str] = mapped_column(String(6), default=new_lookup_pin)
    # The citizen's rating code, drawn when the result is returned; only its keyed hash is kept
    # (app/lookup/rating_codes.py). None: not returned yet, or returned before rating codes existed.
    rating_code_hash: Mapped[str | None] = mapped_column(String(64))
    # The unit that resolves it: its clock, its figures, its Report 06 (DOMAIN.md "Who receives").
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    # The desk that received it, when another unit of the province (None: the unit itself), with the
    # hand-over between the two (app/dossiers/handover.py): the hand-over time in force at receipt,
    # whether the citizen collects the result at the receiving desk, each step's due time and when it happened.
    receiving_unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    handover_days: Mapped[int | None] = mapped_column(SmallInteger)
    result_at_receiving: Mapped[bool] = mapped_column(default=False, server_default=sa_false())
    handover_due_at: Mapped[datetime | None]
    handover_sent_at: Mapped[datetime | None]
    handed_over_at: Mapped[datetime | None]
    result_sent_at: Mapped[datetime | None]
    result_back_due_at: Mapped[datetime | None]
    result_back_at: Mapped[datetime | None]
    procedure_id: Mapped[int] = mapped_column(ForeignKey("procedures.id"), index=True)

    applicant_name: Mapped[str] = mapped_column(String(200))
    applicant_search: Mapped[str] = mapped_column(String(200), index=True)  # folded, for search
    applicant_id_number: Mapped[str] = mapped_column(String(12), default="", index=True)
    applicant_phone: Mapped[str] = mapped_column(String(20), default="", index=True)
    applicant_address: Mapped[str] = mapped_column(String(300), default="")
    applicant_email: Mapped[str] = mapped_column(String(200), default="")

    channel: Mapped[ChannelKind] = mapped_column(String(10))
    online_kind: Mapped[OnlineKind | None] = mapped_column(String(20))
    legacy_online_level: Mapped[int | None] = mapped_column(SmallInteger)  # 1–4, Decree 43/2011
    sets_count: Mapped[int] = mapped_column(default=1)

    received_at: Mapped[datetime]
    # The time the unit committed to when the dossier was received, and the rule for supplements.
    time_value: Mapped[Decimal] = mapped_column(Numeric(10, 2))
    time_unit: Mapped[TimeUnit] = mapped_column(String(20))
    supplement_rule: Mapped[str] = mapped_column(String(10))
    # The legal due time, moved only by supplements (DOMAIN.md "Apology": never by an apology).
    due_at: Mapped[datetime]
    apology_due_at: Mapped[datetime | None]

    state: Mapped[DossierState] = mapped_column(String(24), default=DossierState.RECEIVED)
    outcome: Mapped[Outcome | None] = mapped_column(String(10))
    result_note: Mapped[str] = mapped_column(Text, default="")
    # When it was resolved (finished, withdrawn or stopped) and how that compares with due_at.
    resolved_at: Mapped[datetime | None] = mapped_column(index=True)
    resolution: Mapped[Resolution | None] = mapped_column(String(10))
    returned_at: Mapped[datetime | None]
    # How the result was issued (app/digitisation/models.py ResultForm: paper, digitised, electronic),
    # None while not recorded; the scanned or signed result's file.
    result_form: Mapped[str | None] = mapped_column(String(12))
    result_file_id: Mapped[int | None] = mapped_column(ForeignKey("stored_files.id"))

    # Phí, lệ phí (đồng): owed (from the catalog at intake, or typed by the clerk; None: not known),
    # paid, how, when, and the number of the receipt given (biên lai). Recorded by
    # operations.record_payment, each time with an event.
    fee_due: Mapped[Decimal | None] = mapped_column(Numeric(14, 0))
    fee_paid: Mapped[Decimal | None] = mapped_column(Numeric(14, 0))
    payment_method: Mapped[PaymentMethod | None] = mapped_column(String(10))
    paid_at: Mapped[datetime | None]
    receipt_number: Mapped[str] = mapped_column(String(40), default="", server_default="")

    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # The specialist civil servant it was handed to (kept once they pass it on: who examined it), the
    # step inside the unit it is at (app/dossiers/steps.Step; None: at the desk, no specialist holds
    # it) and that step's own due time.
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    step: Mapped[str | None] = mapped_column(String(12))
    step_due_at: Mapped[datetime | None]
    # Every action writes this, so every action bumps `version` (one event per version step).
    updated_at: Mapped[datetime]
    version: Mapped[int] = mapped_column(default=1)

    unit: Mapped[Unit] = relationship(foreign_keys=[unit_id])
    receiving_unit: Mapped[Unit | None] = relationship(foreign_keys=[receiving_unit_id])
    procedure: Mapped[Procedure] = relationship()
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    assignee: Mapped[User | None] = relationship(foreign_keys=[assignee_id])
    result_file: Mapped[StoredFile | None] = relationship()
    documents: Mapped[list["DossierDocument"]] = relationship(
        back_populates="dossier", order_by="DossierDocument.position", cascade="save-update, merge"
    )
    events: Mapped[list["DossierEvent"]] = relationship(
        back_populates="dossier", order_by="DossierEvent.id", cascade="save-update, merge"
    )
    supplements: Mapped[list["SupplementPeriod"]] = relationship(
        back_populates="dossier", order_by="SupplementPeriod.id", cascade="save-update, merge"
    )
    apology: Mapped["Apology | None"] = relationship(back_populates="dossier", cascade="save-update, merge")

    # Two people acting on one dossier at once: the second write fails instead of overwriting.
    __mapper_args__ = {"version_id_col": version}

    def __repr__(self) -> str:
        return f"<Dossier {self.code}>"

    @classmethod
    def narrowed_for(cls, stmt, user):
        """`stmt` further limited to what `user` may see inside their unit: a specialist sees only the
        dossiers handed to them (app/units/scope.py applies this wherever dossiers are scoped)."""
        if user.role == "specialist":
            return stmt.where(cls.assignee_id == user.id)
        return stmt

    @property
    def is_received_for_another(self) -> bool:
        # The relationship as well: a dossier not flushed yet (the demo's batches) has no id there.
        return self.receiving_unit_id is not None or self.receiving_unit is not None

    @property
    def desk_unit(self) -> Unit:
        """The unit whose desk received it (and prints its receipt)."""
        return self.receiving_unit or self.unit

    @property
    def return_unit(self) -> Unit:
        """The unit whose desk returns the result to the citizen."""
        return self.receiving_unit if self.result_at_receiving and self.receiving_unit else self.unit

    @property
    def appointment_at(self) -> datetime:
        """When and where the citizen collects the result: the way back's end when at the receiving desk."""
        return self.result_back_due_at or self.due_at

    def handover_progress(self) -> HandoverProgress:
        return HandoverProgress(self.handover_sent_at, self.handed_over_at, self.result_sent_at, self.result_back_at,
                                bool(self.result_at_receiving))

    def handover_dues(self) -> dict:
        return {step: step_due(step, self.handover_due_at, self.due_at, self.result_back_due_at)
                for step in HandoverStep} if self.is_received_for_another else {}

    @property
    def state_label(self) -> str:
        return DossierState(self.state).label

    @property
    def channel_label(self) -> str:
        return ChannelKind(self.channel).label

    @property
    def online_kind_label(self) -> str:
        return OnlineKind(self.online_kind).label if self.online_kind else ""

    @property
    def payment_method_label(self) -> str:
        return PaymentMethod(self.payment_method).label if self.payment_method else ""

    @property
    def is_paid(self) -> bool:
        return self.paid_at is not None

    @property
    def resolution_label(self) -> str:
        return Resolution(self.resolution).label if self.resolution else ""

    @property
    def outcome_label(self) -> str:
        return Outcome(self.outcome).label if self.outcome else ""

    @property
    def time_label(self) -> str:
        return format_time(self.time_value, self.time_unit)

    @property
    def counted_in_hours(self) -> bool:
        return self.time_unit == TimeUnit.WORKING_HOURS

    @property
    def is_open(self) -> bool:
        return DossierState(self.state).is_open

    @property
    def is_new_regime(self) -> bool:
        """Decree 118/2025/NĐ-CP applies (received from 1 Jul 2025): app/dossiers/regime.py."""
        return is_new_legal_regime(self.received_at.date())

    @property
    def has_new_forms(self) -> bool:
        """Its papers are Circular 03/2025/TT-VPCP's forms (received from 15 Sep 2025): app/dossiers/regime.py."""
        return uses_new_forms(self.received_at.date())


HANDOVER_ACTIONS = frozenset(step.value for step in HandoverStep)

# The event of a payment recorded (not a lifecycle Action: it never changes the state).
PAYMENT_ACTION = "payment"


class DossierDocument(db.Model):
    """A document received with the dossier, from the procedure's checklist or typed by the clerk."""

    __tablename__ = "dossier_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id"), index=True)
    position: Mapped[int]
    name: Mapped[str] = mapped_column(Text)
    copy_kind: Mapped[CopyKind] = mapped_column(String(10))
    count: Mapped[int] = mapped_column(default=1)
    # Digitised at receipt (Decision 766/QĐ-TTg): when. Set with a scan, with a reused earlier scan, or
    # by a register import that says so without a file.
    digitised_at: Mapped[datetime | None]
    scan_file_id: Mapped[int | None] = mapped_column(ForeignKey("stored_files.id"))
    # The same applicant's earlier document whose scan this one reuses instead of a new scan.
    reused_from_id: Mapped[int | None] = mapped_column(ForeignKey("dossier_documents.id"))

    dossier: Mapped[Dossier] = relationship(back_populates="documents")
    scan_file: Mapped[StoredFile | None] = relationship()
    reused_from: Mapped["DossierDocument | None"] = relationship(remote_side=[id])

    @property
    def is_digitised(self) -> bool:
        return self.digitised_at is not None

    @property
    def copy_kind_label(self) -> str:
        return CopyKind(self.copy_kind).label


# Events that record something about the dossier without moving it in its lifecycle (state unchanged).
RECORD_EVENT_LABELS = {
    "receive": "Tiếp nhận hồ sơ",
    "digitise": "Số hóa giấy tờ",
    "reuse_scan": "Dùng lại bản số hóa",
    "record_result": "Ghi hình thức kết quả",
}


class DossierEvent(db.Model):
    """One entry of a dossier's history: who did what, when, from which office to which.

    Append-only: rows are written once and never changed or deleted. A correction is an event
    whose `details` keep the old and new values.
    """

    __tablename__ = "dossier_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id"), index=True)
    at: Mapped[datetime]
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(30))  # Action, or "receive" for the intake
    from_state: Mapped[str | None] = mapped_column(String(24))
    to_state: Mapped[str] = mapped_column(String(24))
    from_office: Mapped[str] = mapped_column(String(200), default="")
    to_office: Mapped[str] = mapped_column(String(200), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    details: Mapped[dict] = mapped_column(JSON, default=dict)

    dossier: Mapped[Dossier] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship()

    @property
    def action_label(self) -> str:
        if self.action in RECORD_EVENT_LABELS:
            return RECORD_EVENT_LABELS[self.action]
        if self.action in HANDOVER_ACTIONS:
            return HandoverStep(self.action).label
        if self.action == PAYMENT_ACTION:
            return "Ghi nhận phí, lệ phí"
        return Action(self.action).label


class SupplementPeriod(db.Model):
    """A request for missing documents and, once they arrive, what it did to the due date."""

    __tablename__ = "supplement_periods"

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id"), index=True)
    requested_at: Mapped[datetime]
    reason: Mapped[str] = mapped_column(Text)
    rule: Mapped[str] = mapped_column(String(10))
    received_at: Mapped[datetime | None]
    old_due_at: Mapped[datetime]
    new_due_at: Mapped[datetime | None]

    dossier: Mapped[Dossier] = relationship(back_populates="supplements")


class Apology(db.Model):
    """The apology letter with a new return date: at most one per dossier, approved by the chair."""

    __tablename__ = "apologies"
    __table_args__ = (UniqueConstraint("dossier_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id"))
    reason: Mapped[str] = mapped_column(Text)
    responsible_office: Mapped[str] = mapped_column(String(200), default="")
    new_due_at: Mapped[datetime]
    requested_at: Mapped[datetime]
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    approved_at: Mapped[datetime | None]
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    dossier: Mapped[Dossier] = relationship(back_populates="apology")
    requested_by: Mapped[User | None] = relationship(foreign_keys=[requested_by_id])
    approved_by: Mapped[User | None] = relationship(foreign_keys=[approved_by_id])


class DossierCounter(db.Model):
    """The last sequence number given to a unit's dossiers on a day (the NNNN of the code)."""

    __tablename__ = "dossier_counters"

    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), primary_key=True)
    day: Mapped[date] = mapped_column(primary_key=True)
    last_number: Mapped[int] = mapped_column(default=0)
