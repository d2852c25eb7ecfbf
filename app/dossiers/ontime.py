"""Early / on time / late: how a resolved dossier is classified.

Pure logic (DOMAIN.md "Classification"; Circular 01/2020/TT-VPCP, Report 06): a finished dossier is
compared by the calendar date it was finished with the date it was due; for a limit counted in
working hours the times are compared. An apology's new date never makes a late dossier on time.
"""
from datetime import datetime
from enum import StrEnum


class Resolution(StrEnum):
    EARLY = "early"  # trước hạn
    ON_TIME = "on_time"  # đúng hạn
    LATE = "late"  # quá hạn

    @property
    def label(self) -> str:
        return {"early": "Trước hạn", "on_time": "Đúng hạn", "late": "Quá hạn"}[self.value]


def classify(resolved_at: datetime, due_at: datetime, counted_in_hours: bool) -> Resolution:
    """Classify a dossier resolved at `resolved_at` against its (supplement-adjusted) `due_at`."""
    if counted_in_hours:
        if resolved_at < due_at:
            return Resolution.EARLY
        return Resolution.ON_TIME if resolved_at == due_at else Resolution.LATE
    if resolved_at.date() < due_at.date():
        return Resolution.EARLY
    return Resolution.ON_TIME if resolved_at.date() == due_at.date() else Resolution.LATE

