"""The deadline of a period's report at the higher unit, a unit's submission state, and the figures that
moved after submission (app/reports/submission_rules.py)."""
from datetime import date

import pytest

from app.reports.submission_rules import (SubmissionState, can_submit, figure_changes, submission_deadline,
                                          submission_state)
from app.worktime.deadlines import WorkingCalendar

# 2026: Sat 10 Jan worked, Fri 2 Jan off (the New Year swap); 30 Apr and 1 May off.
CALENDAR = WorkingCalendar(days_off={date(2026, 1, 1), date(2026, 1, 2), date(2026, 4, 30), date(2026, 5, 1)},
                           extra_working_days={date(2026, 1, 10)})


@pytest.mark.parametrize(("period_end", "days", "deadline"), [
    (date(2026, 6, 14), 2, date(2026, 6, 16)),  # a Sunday: Mon 15, Tue 16
    (date(2026, 3, 14), 2, date(2026, 3, 17)),  # a Saturday
    (date(2026, 4, 29), 2, date(2026, 5, 5)),  # across 30 Apr, 1 May and the weekend
    (date(2025, 12, 31), 2, date(2026, 1, 6)),  # across 1–2 Jan 2026 and the weekend
    (date(2026, 1, 9), 1, date(2026, 1, 10)),  # the Saturday worked counts
    (date(2026, 6, 14), 0, date(2026, 6, 14)),
])
def test_the_deadline_counts_working_days_after_the_periods_last_day(period_end, days, deadline):
    assert submission_deadline(period_end, days, CALENDAR) == deadline


def test_a_negative_number_of_days_is_refused():
    with pytest.raises(ValueError):
        submission_deadline(date(2026, 6, 14), -1, CALENDAR)


END, DEADLINE = date(2026, 6, 14), date(2026, 6, 16)


@pytest.mark.parametrize(("today", "submitted_on", "state"), [
    (date(2026, 6, 14), None, SubmissionState.NOT_DUE),
    (date(2026, 6, 15), None, SubmissionState.WAITING),
    (date(2026, 6, 16), None, SubmissionState.WAITING),
    (date(2026, 6, 17), None, SubmissionState.LATE),
    (date(2026, 6, 20), date(2026, 6, 16), SubmissionState.SUBMITTED),
    (date(2026, 6, 20), date(2026, 6, 17), SubmissionState.SUBMITTED_LATE),
])
def test_a_units_state_follows_the_deadline(today, submitted_on, state):
    assert submission_state(END, DEADLINE, today, submitted_on) == state


def test_a_report_is_submitted_only_after_its_period():
    assert not can_submit(END, END)
    assert can_submit(END, date(2026, 6, 15))


def test_only_the_figures_that_moved_are_listed_with_their_difference():
    submitted = {"received": 10, "resolved": 7, "pending": 3, "late": 1}
    live = {"received": 11, "resolved": 7, "pending": 4, "late": 0}
    changes = figure_changes(submitted, live)

    assert [(c.key, c.submitted, c.live, c.delta_text) for c in changes] == [
        ("received", 10, 11, "+1"), ("late", 1, 0, "−1"), ("pending", 3, 4, "+1")]
    assert figure_changes(submitted, dict(submitted)) == []
