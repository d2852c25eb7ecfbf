"""Each step's own due time: the unit's split of the committed time between desk, specialist and approval."""
from datetime import datetime, timedelta

import pytest

from app.dossiers.ontime import Resolution
from app.dossiers.steps import DEFAULT_SPLIT, Pause, Split, SplitRefused, step_due_times
from app.reports.control import StepEvent, control_rows
from app.worktime.deadlines import OfficeHours, due_at
from app.worktime.vietnam import build_calendar

CALENDAR = build_calendar(OfficeHours())  # 08:00–12:00, 13:00–17:00, Monday to Friday, Vietnam's holidays
# Monday 16/11/2026 08:00, 5 working days: due Monday 23/11/2026 08:00 (40 working hours).
RECEIVED = datetime(2026, 11, 16, 8, 0)
DUE = due_at(CALENDAR, RECEIVED, 5, "working_days")


def test_the_five_day_procedure_due_next_monday():
    assert DUE == datetime(2026, 11, 23, 8, 0)


def test_the_default_split_gives_the_desk_half_a_day_and_the_approval_a_day():
    dues = step_due_times(CALENDAR, RECEIVED, DUE, [], DEFAULT_SPLIT)
    assert dues.desk == datetime(2026, 11, 16, 12, 0)  # 10% of 40 h = 4 h
    assert dues.specialist == datetime(2026, 11, 19, 17, 0)  # 80% = 32 h: Thursday at closing time
    assert dues.approval == DUE


@pytest.mark.parametrize("desk, approval, expected_desk, expected_specialist", [
    (5, 15, datetime(2026, 11, 16, 10, 0), datetime(2026, 11, 20, 10, 0)),
    (0, 50, datetime(2026, 11, 16, 8, 0), datetime(2026, 11, 18, 12, 0)),
    (None, None, datetime(2026, 11, 16, 12, 0), datetime(2026, 11, 19, 17, 0)),
])
def test_an_offering_sets_its_own_split(desk, approval, expected_desk, expected_specialist):
    dues = step_due_times(CALENDAR, RECEIVED, DUE, [], Split.of(desk, approval))
    assert (dues.desk, dues.specialist, dues.approval) == (expected_desk, expected_specialist, DUE)


@pytest.mark.parametrize("parts, message", [
    ((50, 0, 50), "phải có thời gian"),
    ((10, 70, 30), "bằng 100%"),
    ((-10, 90, 20), "không âm"),
])
def test_a_split_that_does_not_add_up_is_refused(parts, message):
    with pytest.raises(SplitRefused, match=message):
        Split(*parts)


def test_a_paused_supplement_moves_only_the_steps_after_it_began():
    # The specialist asks for a supplement Tuesday 08:00; the citizen brings it Wednesday 08:00 (8 h).
    pause = Pause(datetime(2026, 11, 17, 8, 0), datetime(2026, 11, 18, 8, 0))
    moved_due = DUE + timedelta(days=1)  # the dossier's own due moves by the 8 working hours
    dues = step_due_times(CALENDAR, RECEIVED, moved_due, [pause], DEFAULT_SPLIT)
    assert dues.desk == datetime(2026, 11, 16, 12, 0)  # before the pause: unchanged
    assert dues.specialist == datetime(2026, 11, 20, 17, 0)  # one working day later
    assert dues.approval == moved_due


def test_a_pause_still_waiting_moves_nothing_yet():
    pause = Pause(datetime(2026, 11, 17, 8, 0), None)
    assert step_due_times(CALENDAR, RECEIVED, DUE, [pause], DEFAULT_SPLIT).specialist == datetime(2026, 11, 19, 17, 0)


def test_a_restarting_supplement_counts_every_step_again_from_its_arrival():
    arrived = datetime(2026, 11, 18, 8, 0)
    new_due = due_at(CALENDAR, arrived, 5, "working_days")
    dues = step_due_times(CALENDAR, RECEIVED, new_due, [Pause(datetime(2026, 11, 17, 8, 0), arrived, restarts=True)],
                          DEFAULT_SPLIT)
    assert dues.desk == datetime(2026, 11, 18, 12, 0)
    assert dues.approval == new_due


def test_a_dossier_received_after_hours_counts_from_the_next_morning():
    dues = step_due_times(CALENDAR, datetime(2026, 11, 15, 20, 0), DUE, [], DEFAULT_SPLIT)  # Sunday evening
    assert dues.desk == datetime(2026, 11, 16, 12, 0)


def test_the_control_slip_judges_each_step_against_its_own_due_time():
    desk, specialist = "Bộ phận Một cửa", "Công chức Tư pháp – Hộ tịch"
    events = [
        StepEvent(RECEIVED, "receive", "", desk, "Một Cửa", details={"due_at": DUE.isoformat()}),
        # Handed over the next morning, after the desk's own Monday 12:00: late for that step, though days
        # before the dossier's due.
        StepEvent(datetime(2026, 11, 17, 9, 0), "hand_over", desk, specialist, "Một Cửa",
                  details={"step_due_at": datetime(2026, 11, 16, 12, 0).isoformat()}),
        StepEvent(datetime(2026, 11, 18, 16, 0), "submit_for_approval", specialist, "Lãnh đạo UBND", "Chuyên Môn",
                  details={"step_due_at": datetime(2026, 11, 19, 17, 0).isoformat(), "outcome": "approved"}),
        StepEvent(datetime(2026, 11, 20, 9, 0), "approve_result", "Lãnh đạo UBND", desk, "Chủ Tịch",
                  details={"outcome": "approved"}),
    ]
    rows = control_rows(events, DUE, counted_in_hours=False)
    assert [row.result for row in rows] == [None, Resolution.LATE, Resolution.EARLY, Resolution.EARLY]
    assert rows[1].due_at == datetime(2026, 11, 16, 12, 0)
    assert rows[3].due_at == DUE  # the approval is the last step: the dossier's own due time
