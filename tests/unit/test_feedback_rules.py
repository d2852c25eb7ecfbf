"""Feedback answers: due ten working days after receipt on the desk's calendar, on time by date, overdue from the
day after (app/feedback/rules.py)."""
from datetime import date, datetime

import pytest

from app.dossiers.ontime import Resolution
from app.feedback.rules import (FeedbackState, Satisfaction, answer_due_at, answer_resolution, is_overdue,
                                state_of)
from app.worktime.deadlines import OfficeHours
from app.worktime.vietnam import build_calendar

CALENDAR = build_calendar(OfficeHours())


@pytest.mark.parametrize("received, days, due", [
    # Monday 10:00 + 10 working days → Monday two weeks later, 10:00.
    (datetime(2026, 11, 2, 10, 0), 10, datetime(2026, 11, 16, 10, 0)),
    # Received on Saturday: counted from Monday 08:00.
    (datetime(2026, 11, 7, 9, 0), 1, datetime(2026, 11, 10, 8, 0)),
    # Over 30 April and 1 May (Thursday and Friday in 2026).
    (datetime(2026, 4, 29, 9, 0), 2, datetime(2026, 5, 5, 9, 0)),
])
def test_the_answer_is_due_after_working_days_of_the_units_calendar(received, days, due):
    assert answer_due_at(CALENDAR, received, days) == due


def test_an_absurd_number_of_days_is_refused():
    with pytest.raises(ValueError):
        answer_due_at(CALENDAR, datetime(2026, 11, 2, 10), 0)


@pytest.mark.parametrize("answered, expected", [
    (datetime(2026, 11, 13, 16, 0), Resolution.EARLY),
    (datetime(2026, 11, 16, 16, 59), Resolution.ON_TIME),
    (datetime(2026, 11, 17, 8, 0), Resolution.LATE),
])
def test_on_time_or_late_compares_dates(answered, expected):
    assert answer_resolution(answered, datetime(2026, 11, 16, 10, 0)) == expected


def test_unanswered_feedback_is_overdue_from_the_day_after_its_due_date():
    due = datetime(2026, 11, 16, 10, 0)
    assert not is_overdue(due, None, datetime(2026, 11, 16, 16, 0))
    assert is_overdue(due, None, datetime(2026, 11, 17, 8, 0))
    assert not is_overdue(due, datetime(2026, 11, 20, 8, 0), datetime(2026, 11, 21, 8, 0))


def test_states_and_satisfaction():
    assert state_of(None, None) == FeedbackState.RECEIVED
    assert state_of(datetime(2026, 1, 1), None) == FeedbackState.ASSIGNED
    assert state_of(None, datetime(2026, 1, 1)) == FeedbackState.ANSWERED
    assert [s.is_satisfied for s in Satisfaction] == [True, True, False]
