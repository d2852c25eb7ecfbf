"""The tree of administrative units."""
from datetime import date
from enum import StrEnum

from sqlalchemy import ForeignKey, SmallInteger, String, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.reports.letterhead import Letterhead, committee_letterhead, committee_name, desk_letterhead, desk_name


class UnitKind(StrEnum):
    CITY = "city"
    DISTRICT = "district"
    WARD = "ward"

    @property
    def label(self) -> str:
        return {"city": "Tỉnh/Thành phố", "district": "Quận/Huyện", "ward": "Phường/Xã"}[self.value]


# A unit of each kind may only sit under these kinds (DOMAIN.md "Who and where": city → optional
# district → ward; districts exist only in data from before the 1 Jul 2025 reform).
ALLOWED_PARENT_KINDS = {
    UnitKind.CITY: (),
    UnitKind.DISTRICT: (UnitKind.CITY,),
    UnitKind.WARD: (UnitKind.CITY, UnitKind.DISTRICT),
}


class Unit(db.Model):
    __tablename__ = "units"
    __scope_column__ = "id"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)  # agency code, mã định danh
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[UnitKind] = mapped_column(String(20))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    # Materialised path "/1/4/17/": a subtree is one indexed prefix match, on SQLite and PostgreSQL.
    path: Mapped[str] = mapped_column(String(400), index=True, default="")
    is_demo: Mapped[bool] = mapped_column(default=False)
    # How papers print the committee ("ỦY BAN NHÂN DÂN\nPHƯỜNG HOÀN KIẾM", one printed line per line) and
    # the name of its Trung tâm Phục vụ hành chính công; blank: derived from `name` (app/reports/letterhead.py).
    official_name: Mapped[str] = mapped_column(String(300), default="", server_default="")
    centre_name: Mapped[str] = mapped_column(String(200), default="", server_default="")
    # The desk's address and phone, shown to the citizen on the public lookup.
    address: Mapped[str] = mapped_column(String(300), default="", server_default="")
    phone: Mapped[str] = mapped_column(String(40), default="", server_default="")
    # A result not collected after this many days is flagged in "ready to return" (the desk calls the citizen).
    return_wait_days: Mapped[int] = mapped_column(default=10, server_default="10")
    # The time the province allows each leg of a hand-over between two of its units' desks (dossiers
    # received regardless of administrative boundary, Decree 118/2025), in working days. Set on the
    # higher unit; None: the nearest unit above decides (app/dossiers/handover.py).
    handover_days: Mapped[int | None] = mapped_column(SmallInteger)

    parent: Mapped["Unit | None"] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list["Unit"]] = relationship(back_populates="parent", order_by="Unit.name")

    def __repr__(self) -> str:
        return f"<Unit {self.code} {self.name}>"

    @property
    def depth(self) -> int:
        return self.path.count("/") - 2

    @property
    def kind_label(self) -> str:
        return UnitKind(self.kind).label

    @property
    def committee_letterhead(self) -> Letterhead:
        """The header block of a paper its People's Committee issues (Decree 30/2020/NĐ-CP)."""
        return committee_letterhead(self.official_name or "", self.name)

    def desk_letterhead(self, on: date) -> Letterhead:
        """The header block of a paper its one-stop desk issues on `on` (the desk's name follows the date)."""
        return desk_letterhead(on, self.official_name or "", self.name, self.centre_name or "")

    def desk_name(self, on: date) -> str:
        """The desk's full name on `on`: its Trung tâm Phục vụ hành chính công from 1 Jul 2025, else the old name."""
        return desk_name(on, self.name, self.centre_name or "")

    @property
    def committee_name(self) -> str:
        return committee_name(self.name)

    def is_within(self, other: "Unit") -> bool:
        """True when this unit is `other` or lies below it."""
        return self.path.startswith(other.path)

    def ancestor_ids(self) -> list[int]:
        """The ids on its path, itself last."""
        return [int(part) for part in self.path.strip("/").split("/") if part]

    def refresh_path(self) -> None:
        """Recompute the path of this unit and of every unit below it (after a move or insert)."""
        if self.id is None:
            db.session.flush()
        old_prefix = self.path
        new_prefix = (self.parent.path if self.parent else "/") + f"{self.id}/"
        if old_prefix == new_prefix:
            return
        if old_prefix:
            descendants = db.session.scalars(
                select(Unit).where(Unit.path.startswith(old_prefix), Unit.id != self.id)
            )
            for unit in descendants:
                unit.path = new_prefix + unit.path.removeprefix(old_prefix)
        self.path = new_prefix
