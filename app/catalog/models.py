"""Procedures of the national catalog, their per-channel terms and documents, and units' offerings."""
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import ForeignKey, Numeric, String, Text, SmallInteger, UniqueConstraint, or_
from sqlalchemy import false as sa_false
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.units.models import Unit
from app.vntext import fold
from app.worktime.deadlines import TimeUnit

# Half a working day is 4 hours: office hours are 8 hours a day (DOMAIN.md "The clock").
WORKING_HOURS_PER_DAY = 8

TIME_UNIT_LABELS = {
    TimeUnit.WORKING_DAYS: "ngày làm việc",
    TimeUnit.WORKING_HOURS: "giờ làm việc",
    TimeUnit.DAYS: "ngày",
}


class OnlineKind(StrEnum):
    """Online public service kind since Decree 42/2022/NĐ-CP (before it: levels 1–4 of Decree 43/2011)."""

    END_TO_END = "toan_trinh"
    PARTIAL = "mot_phan"
    NONE = "none"

    @property
    def label(self) -> str:
        return {"toan_trinh": "Toàn trình", "mot_phan": "Một phần", "none": "Không trực tuyến"}[
            self.value
        ]


class ChannelKind(StrEnum):
    DIRECT = "direct"
    ONLINE = "online"
    POST = "post"

    @property
    def label(self) -> str:
        return {"direct": "Trực tiếp", "online": "Trực tuyến", "post": "Dịch vụ bưu chính"}[self.value]


def comparable_time(value: Decimal | None, unit: str | None) -> tuple[Decimal | None, Decimal | None]:
    """(working hours, calendar days) of a processing time; the measure that does not apply is None.

    Working days and working hours compare with each other (1 day = 8 hours); calendar days only
    with calendar days, because how many working days they hold depends on the date.
    """
    if value is None or unit is None:
        return None, None
    if unit == TimeUnit.WORKING_DAYS:
        return Decimal(value) * WORKING_HOURS_PER_DAY, None
    if unit == TimeUnit.WORKING_HOURS:
        return Decimal(value), None
    return None, Decimal(value)


def format_time(value: Decimal | None, unit: str | None) -> str:
    if value is None or unit is None:
        return "—"
    number = f"{Decimal(value).normalize():f}".replace(".", ",")
    return f"{number} {TIME_UNIT_LABELS[TimeUnit(unit)]}"


class Procedure(db.Model):
    """A procedure (thủ tục hành chính) of the national catalog."""

    __tablename__ = "procedures"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(Text)
    field: Mapped[str] = mapped_column(String(200), index=True, default="")
    levels: Mapped[str] = mapped_column(String(200), default="")
    decision: Mapped[str] = mapped_column(String(300), default="")
    kind: Mapped[str] = mapped_column(String(200), default="")
    subjects: Mapped[str] = mapped_column(Text, default="")
    agency: Mapped[str] = mapped_column(Text, default="")
    result: Mapped[str] = mapped_column(Text, default="")
    legal_basis: Mapped[str] = mapped_column(Text, default="")
    url: Mapped[str] = mapped_column(String(500), default="")
    online_kind: Mapped[OnlineKind | None] = mapped_column(String(20))
    # The statutory time at the desk (or, failing that, by post or online), which offerings are
    # compared with to decide whether a unit has shortened it.
    statutory_value: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    statutory_unit: Mapped[TimeUnit | None] = mapped_column(String(20))
    statutory_hours: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    statutory_days: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    # Phí, lệ phí at the desk in đồng (0: free), read from the portal on import (the desk's channel,
    # else post, else online) or set by an administrator; None: not known, the clerk types it.
    fee_amount: Mapped[Decimal | None] = mapped_column(Numeric(14, 0))
    needs_review: Mapped[bool] = mapped_column(default=False, index=True)
    review_notes: Mapped[str] = mapped_column(Text, default="")
    search_key: Mapped[str] = mapped_column(Text, default="")
    source_digest: Mapped[str] = mapped_column(String(64), default="")
    is_demo: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[datetime | None]

    channels: Mapped[list["ProcedureChannel"]] = relationship(
        back_populates="procedure", cascade="all, delete-orphan", order_by="ProcedureChannel.id"
    )
    documents: Mapped[list["RequiredDocument"]] = relationship(
        back_populates="procedure", cascade="all, delete-orphan", order_by="RequiredDocument.position"
    )

    def __repr__(self) -> str:
        return f"<Procedure {self.code}>"

    def refresh_search_key(self) -> None:
        self.search_key = fold(f"{self.code} {self.name} {self.field}")

    def set_statutory_time(self, value: Decimal | None, unit: str | None) -> None:
        self.statutory_value, self.statutory_unit = value, unit
        self.statutory_hours, self.statutory_days = comparable_time(value, unit)

    @property
    def statutory_label(self) -> str:
        return format_time(self.statutory_value, self.statutory_unit)

    def fee_for(self, channel: str) -> Decimal | None:
        """The fee a dossier of this procedure owes when submitted by `channel`: that channel's amount
        read from the portal (online fees may be lower), else the procedure's."""
        for terms in self.channels:
            if terms.channel == channel and terms.fee_amount is not None:
                return terms.fee_amount
        return self.fee_amount


class ProcedureChannel(db.Model):
    """Processing time and fee of a procedure for one submission channel."""

    __tablename__ = "procedure_channels"
    __table_args__ = (UniqueConstraint("procedure_id", "channel"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    procedure_id: Mapped[int] = mapped_column(ForeignKey("procedures.id"), index=True)
    channel: Mapped[ChannelKind] = mapped_column(String(20))
    time_value: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    time_unit: Mapped[TimeUnit | None] = mapped_column(String(20))
    time_text: Mapped[str] = mapped_column(String(200), default="")
    fee_text: Mapped[str] = mapped_column(Text, default="")
    # The fee and charge in đồng read from fee_text (app/catalog/fees.py); None when the portal's
    # text states no amount (unknown, set locally, in USD, in thousands without the full figure).
    fee_amount: Mapped[Decimal | None] = mapped_column(Numeric(14, 0))
    description: Mapped[str] = mapped_column(Text, default="")

    procedure: Mapped[Procedure] = relationship(back_populates="channels")

    @property
    def channel_label(self) -> str:
        return ChannelKind(self.channel).label

    @property
    def time_label(self) -> str:
        return format_time(self.time_value, self.time_unit)


class RequiredDocument(db.Model):
    """A document the applicant must hand in (thành phần hồ sơ)."""

    __tablename__ = "required_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    procedure_id: Mapped[int] = mapped_column(ForeignKey("procedures.id"), index=True)
    position: Mapped[int]
    name: Mapped[str] = mapped_column(Text)
    originals: Mapped[int | None]
    copies: Mapped[int | None]

    procedure: Mapped[Procedure] = relationship(back_populates="documents")


class SupplementRule(StrEnum):
    PAUSE = "pause"
    RESTART = "restart"


class Offering(db.Model):
    """A procedure that a unit's desk handles, with the time the unit commits to, from a date on."""

    __tablename__ = "offerings"
    __table_args__ = (UniqueConstraint("unit_id", "procedure_id", "active_from"),)
    __scope_column__ = "unit_id"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    procedure_id: Mapped[int] = mapped_column(ForeignKey("procedures.id"), index=True)
    committed_value: Mapped[Decimal] = mapped_column(Numeric(10, 2))
    committed_unit: Mapped[TimeUnit] = mapped_column(String(20))
    committed_hours: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    committed_days: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    at_desk: Mapped[bool] = mapped_column(default=True)
    online_kind: Mapped[OnlineKind] = mapped_column(String(20), default=OnlineKind.NONE)
    # None: the SUPPLEMENT_RULE setting applies.
    supplement_rule: Mapped[SupplementRule | None] = mapped_column(String(20))
    active_from: Mapped[date]
    # The unit's desk also receives this procedure for the other units of the province (Decree 118/2025,
    # receiving regardless of administrative boundary). On a higher unit it publishes the province's
    # list once for all the wards below it.
    accepts_for_others: Mapped[bool] = mapped_column(default=False, server_default=sa_false())
    # The unit's split of the committed time between its steps (app/dossiers/steps.py), in percent:
    # the desk's and the approval's; the specialist has the rest. Both None: the default split.
    desk_percent: Mapped[int | None] = mapped_column(SmallInteger)
    approval_percent: Mapped[int | None] = mapped_column(SmallInteger)

    unit: Mapped[Unit] = relationship()
    procedure: Mapped[Procedure] = relationship(lazy="joined")

    def set_committed_time(self, value: Decimal, unit: str) -> None:
        self.committed_value, self.committed_unit = value, unit
        self.committed_hours, self.committed_days = comparable_time(value, unit)

    @property
    def online_kind_label(self) -> str:
        return OnlineKind(self.online_kind).label

    @property
    def committed_label(self) -> str:
        return format_time(self.committed_value, self.committed_unit)

    @hybrid_property
    def is_shortened(self) -> bool:
        """Committed time below the statutory one (được rút ngắn); derived, never typed in."""
        procedure = self.procedure
        return bool(
            (self.committed_hours is not None and procedure.statutory_hours is not None
             and self.committed_hours < procedure.statutory_hours)
            or (self.committed_days is not None and procedure.statutory_days is not None
                and self.committed_days < procedure.statutory_days)
        )

    @is_shortened.inplace.expression
    @classmethod
    def _is_shortened_expression(cls):
        # Needs Procedure joined; comparisons with NULL are not true, so incomparable times count
        # as not shortened.
        return or_(cls.committed_hours < Procedure.statutory_hours,
                   cls.committed_days < Procedure.statutory_days)
