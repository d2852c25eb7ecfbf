"""Early / on time / late: day-based limits compare calendar dates, hour-based limits compare times."""
import inspect
from datetime import datetime

import pytest

from app.dossiers.ontime import Resolution, classify


def at(text: str) -> datetime:
    return datetime.strptime(text, "%d/%m/%Y %H:%M")


DUE = at("12/06/2025 10:00")  # a Thursday


@pytest.mark.parametrize(
    ("resolved_at", "expected"),
    [
        ("11/06/2025 16:59", Resolution.EARLY),  # the working day before
        ("02/06/2025 08:00", Resolution.EARLY),  # well before
        ("11/06/2025 23:59", Resolution.EARLY),  # the evening before
        ("12/06/2025 00:00", Resolution.ON_TIME),  # the due day, whatever the hour
        ("12/06/2025 08:00", Resolution.ON_TIME),
        ("12/06/2025 10:00", Resolution.ON_TIME),
        ("12/06/2025 16:30", Resolution.ON_TIME),  # after the due hour, still the due day
        ("12/06/2025 23:59", Resolution.ON_TIME),
        ("13/06/2025 00:00", Resolution.LATE),  # the next day
        ("13/06/2025 08:00", Resolution.LATE),
        ("20/06/2025 10:00", Resolution.LATE),
    ],
)
def test_a_day_based_limit_is_judged_by_the_calendar_date(resolved_at, expected):
    assert classify(at(resolved_at), DUE, counted_in_hours=False) is expected


@pytest.mark.parametrize(
    ("resolved_at", "expected"),
    [
        ("12/06/2025 09:59", Resolution.EARLY),
        ("12/06/2025 08:00", Resolution.EARLY),
        ("11/06/2025 16:00", Resolution.EARLY),
        ("12/06/2025 10:00", Resolution.ON_TIME),  # exactly at the due time
        ("12/06/2025 10:01", Resolution.LATE),  # the same day, but after the due time
        ("12/06/2025 16:30", Resolution.LATE),
        ("13/06/2025 08:00", Resolution.LATE),
    ],
)
def test_an_hour_based_limit_is_judged_by_the_time(resolved_at, expected):
    assert classify(at(resolved_at), DUE, counted_in_hours=True) is expected


def test_seconds_after_the_due_time_of_an_hour_based_limit_are_late():
    assert classify(datetime(2025, 6, 12, 10, 0, 1), DUE, counted_in_hours=True) is Resolution.LATE


def test_an_apologys_new_date_is_not_an_input_of_the_classification():
    """The apology letter never makes a late dossier on time: only the (supplement-moved) due date counts."""
    assert list(inspect.signature(classify).parameters) == ["resolved_at", "due_at", "counted_in_hours"]
    # Finished two days late, before the apology's new date: still late.
    assert classify(at("16/06/2025 09:00"), DUE, counted_in_hours=False) is Resolution.LATE


@pytest.mark.parametrize(
    ("resolution", "label"),
    [(Resolution.EARLY, "Trước hạn"), (Resolution.ON_TIME, "Đúng hạn"), (Resolution.LATE, "Quá hạn")],
)
def test_each_resolution_reads_in_vietnamese(resolution, label):
    assert resolution.label == label
