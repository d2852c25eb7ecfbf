"""Dossier codes `{agency code}-{YYMMDD}-{NNNN}` (Circular 01/2018/TT-VPCP art. 19), gap-free per unit and day.

The number is taken inside the transaction that saves the dossier, from a counter row that the
UPDATE locks until commit: concurrent clerks queue on that row (PostgreSQL row lock; SQLite's
single writer), and a save that fails rolls its number back with it, so no number is skipped.
"""
from datetime import date

from sqlalchemy import update
from sqlalchemy.dialects import postgresql, sqlite

from app.dossiers.models import DossierCounter
from app.extensions import db


class DailyNumbersExhausted(ValueError):
    """A unit received more than 9,999 dossiers in a day: the code has four digits for the number."""


def format_dossier_code(agency_code: str, received_on: date, number: int) -> str:
    if not 1 <= number <= 9999:
        raise DailyNumbersExhausted(
            f"Đơn vị đã dùng hết số thứ tự 0001–9999 của mã hồ sơ ngày {received_on:%d/%m/%Y}.")
    return f"{agency_code}-{received_on:%y%m%d}-{number:04d}"


def take_next_number(unit_id: int, received_on: date) -> int:
    """The next number of the unit's day, reserved in the current transaction (not committed here)."""
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    db.session.execute(
        insert(DossierCounter)
        .values(unit_id=unit_id, day=received_on, last_number=0)
        .on_conflict_do_nothing(index_elements=["unit_id", "day"])
    )
    return db.session.execute(
        update(DossierCounter)
        .where(DossierCounter.unit_id == unit_id, DossierCounter.day == received_on)
        .values(last_number=DossierCounter.last_number + 1)
        .returning(DossierCounter.last_number)
    ).scalar_one()
