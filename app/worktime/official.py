"""Loading the government's calendar decisions into `official_days`, and reading them for the calendar."""
from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.worktime import vietnam
from app.worktime.models import OfficialDay

_FIELDS = ("year", "is_working", "status", "source", "document", "document_date", "issuer", "description", "note")


def load_official(session: Session, path: Path = vietnam.OFFICIAL_DATA_FILE) -> dict[str, int]:
    """Insert or update one row per day of the shipped file; days not in the file are left alone.

    Idempotent: a second run changes nothing. A day an administrator confirmed stays confirmed
    (with its confirmation) even where the file still says pending: the file cannot undo a decision.
    Commits. Returns counts of rows created, updated and unchanged.
    """
    rows = vietnam.read_official_file(path)
    existing = {row.day: row for row in session.scalars(select(OfficialDay))}
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    for item in rows:
        day = date.fromisoformat(item["date"])
        values = {
            "year": int(item["year"]), "is_working": item["kind"] == "working", "status": item["status"],
            "source": item["source"], "document": item["document"],
            "document_date": date.fromisoformat(item["document_date"]) if item["document_date"] else None,
            "issuer": item["issuer"], "description": item["description"], "note": item["note"],
        }
        row = existing.get(day)
        if row is None:
            session.add(OfficialDay(day=day, **values))
            counts["created"] += 1
            continue
        if row.confirmed_by_id is not None and values["status"] == "pending":
            continue  # the administrator's confirmation wins over the file's "pending"
        if all(getattr(row, name) == values[name] for name in _FIELDS):
            counts["unchanged"] += 1
            continue
        for name, value in values.items():
            setattr(row, name, value)
        counts["updated"] += 1
    session.commit()
    return counts


def calendar_decisions(session: Session) -> list[vietnam.OfficialDay]:
    """Every official day, as the pure calendar takes them."""
    return [
        vietnam.OfficialDay(day=row.day, is_working=row.is_working, year=row.year, confirmed=row.confirmed,
                            source=row.source_text, description=row.description)
        for row in session.scalars(select(OfficialDay).order_by(OfficialDay.day))
    ]
