"""The PAR index as data: rubrics versioned by year, their areas and criteria, and units' manual scores with
evidence."""
from datetime import datetime
from decimal import Decimal

from sqlalchemy import JSON, ForeignKey, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.auth.models import Role, User
from app.extensions import db
from app.stats.par_index import Band, CriterionRule, ManualEntry, Method, Rule, Status
from app.units.models import Unit


class Rubric(db.Model):
    """A scoring method for one year (bộ tiêu chí): a code such as "cchc-tthc" and its criteria."""

    __tablename__ = "index_rubrics"
    __table_args__ = (UniqueConstraint("code", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40))
    year: Mapped[int]
    name: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    # Loaded by `flask index load-defaults`: a starting point to adjust to the guidance in force.
    is_builtin_default: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[datetime | None]

    criteria: Mapped[list["Criterion"]] = relationship(
        back_populates="rubric", order_by="Criterion.position", cascade="all, delete-orphan"
    )
    areas: Mapped[list["Area"]] = relationship(
        back_populates="rubric", order_by="Area.position", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<Rubric {self.code} {self.year}>"

    @property
    def max_points(self) -> Decimal:
        return sum((criterion.max_points for criterion in self.criteria), Decimal(0))

    @property
    def rules(self) -> list[CriterionRule]:
        return [criterion.as_rule() for criterion in self.criteria]


class Area(db.Model):
    """An area of the index (lĩnh vực đánh giá), e.g. "Cải cách thủ tục hành chính": its maximum is the sum
    of its criteria's."""

    __tablename__ = "index_areas"
    __table_args__ = (UniqueConstraint("rubric_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    rubric_id: Mapped[int] = mapped_column(ForeignKey("index_rubrics.id"))  # indexed by the unique pair
    position: Mapped[int] = mapped_column(default=1)
    code: Mapped[str] = mapped_column(String(20))  # "LV3"
    name: Mapped[str] = mapped_column(Text)

    rubric: Mapped[Rubric] = relationship(back_populates="areas")

    def __repr__(self) -> str:
        return f"<Area {self.code} of rubric {self.rubric_id}>"


class Criterion(db.Model):
    """One criterion (tiêu chí) of a rubric: scored from a named figure, or entered by hand."""

    __tablename__ = "index_criteria"
    __table_args__ = (UniqueConstraint("rubric_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    rubric_id: Mapped[int] = mapped_column(ForeignKey("index_rubrics.id"), index=True)
    # None only for a criterion made outside the pages and loaders (they always name one): it then counts
    # in an area of its own, "Tiêu chí chưa xếp lĩnh vực".
    area_id: Mapped[int | None] = mapped_column(ForeignKey("index_areas.id"), index=True)
    position: Mapped[int] = mapped_column(default=1)
    code: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(Text)
    max_points: Mapped[Decimal] = mapped_column(Numeric(6, 2))
    method: Mapped[Method] = mapped_column(String(10))
    figure: Mapped[str | None] = mapped_column(String(40))  # a key of FIGURE_LABELS, for automatic criteria
    rule: Mapped[Rule | None] = mapped_column(String(20))
    # [{"min": 0.95, "share": 0.5}, ...]: fractions of the figure and of the maximum points.
    bands: Mapped[list] = mapped_column(JSON, default=list)
    # The share of the points a figure with no data gives (0: none), e.g. full points for apology
    # letters when no dossier was late.
    share_without_data: Mapped[Decimal] = mapped_column(Numeric(4, 3), default=Decimal(0))
    source: Mapped[str] = mapped_column(Text, default="")  # legal source and notes

    rubric: Mapped[Rubric] = relationship(back_populates="criteria")
    area: Mapped[Area | None] = relationship()

    def __repr__(self) -> str:
        return f"<Criterion {self.code} of rubric {self.rubric_id}>"

    @property
    def method_label(self) -> str:
        return Method(self.method).label

    @property
    def is_manual(self) -> bool:
        return self.method == Method.MANUAL

    @property
    def band_list(self) -> tuple[Band, ...]:
        return tuple(Band(Decimal(str(band["min"])), Decimal(str(band["share"]))) for band in self.bands or [])

    def set_bands(self, bands: tuple[Band, ...]) -> None:
        self.bands = [{"min": float(band.minimum), "share": float(band.share)} for band in bands]

    def as_rule(self) -> CriterionRule:
        return CriterionRule(
            code=self.code, name=self.name, max_points=Decimal(self.max_points), method=Method(self.method),
            figure=self.figure, rule=Rule(self.rule) if self.rule else None, bands=self.band_list,
            share_without_data=Decimal(self.share_without_data or 0),
        )


class ManualScore(db.Model):
    """Points a unit's chair gives the unit on a manual criterion, with a note and evidence; they count
    once an officer or administrator of a higher unit confirms them. The criterion's rubric gives the year."""

    __tablename__ = "index_manual_scores"
    __scope_column__ = "unit_id"
    __table_args__ = (UniqueConstraint("criterion_id", "unit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    criterion_id: Mapped[int] = mapped_column(ForeignKey("index_criteria.id"))  # indexed by the unique pair
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    points: Mapped[Decimal] = mapped_column(Numeric(6, 2))
    note: Mapped[str] = mapped_column(Text, default="")
    evidence_url: Mapped[str] = mapped_column(String(500), default="")
    evidence_name: Mapped[str] = mapped_column(String(255), default="")  # the uploaded file's original name
    evidence_file: Mapped[str] = mapped_column(String(120), default="")  # where it is stored, under the evidence folder
    status: Mapped[Status] = mapped_column(String(12), default=Status.PENDING)
    entered_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    entered_at: Mapped[datetime]
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reviewed_at: Mapped[datetime | None]
    review_note: Mapped[str] = mapped_column(Text, default="")

    criterion: Mapped[Criterion] = relationship()
    unit: Mapped[Unit] = relationship()
    entered_by: Mapped[User] = relationship(foreign_keys=[entered_by_id])
    reviewed_by: Mapped[User | None] = relationship(foreign_keys=[reviewed_by_id])

    def __repr__(self) -> str:
        return f"<ManualScore criterion {self.criterion_id} unit {self.unit_id} {self.status}>"

    @property
    def status_label(self) -> str:
        return Status(self.status).label

    def as_entry(self) -> ManualEntry:
        return ManualEntry(Decimal(self.points), Status(self.status))

    def can_be_reviewed_by(self, user: User) -> bool:
        """An officer or administrator of a unit above this one, never the person who entered it."""
        return (
            user.role in (Role.OFFICER, Role.ADMIN)
            and self.unit.is_within(user.unit)
            and self.unit_id != user.unit_id
            and self.entered_by_id != user.id
        )


def may_enter_manual_scores(user: User, unit: Unit) -> bool:
    """Only the chair of the unit itself assesses it (DOMAIN.md "People": the chair reviews figures)."""
    return user.role == Role.CHAIR and user.unit_id == unit.id
