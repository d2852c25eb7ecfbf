"""The hand-over of a dossier received at one unit's desk for another unit (app/dossiers/handover.py)."""
from datetime import date, datetime

import pytest

from app.dossiers.handover import HandoverStep, Progress, late_steps, leg_due, next_step, plan, step_due, steps_of
from app.worktime.deadlines import TimeUnit, WorkingCalendar

PLAIN = WorkingCalendar()
# The resolving ward declared Wednesday 2 Dec 2026 a day off (its own decision): only its clock skips it.
RESOLVING_OFF_WEDNESDAY = WorkingCalendar(days_off=frozenset({date(2026, 12, 2)}))


def at(text: str) -> datetime:
    return datetime.strptime(text, "%d/%m/%Y %H:%M")


@pytest.mark.parametrize("start, days, expected", [
    ("30/11/2026 10:00", 1, "01/12/2026 10:00"),  # Monday + 1 working day
    ("04/12/2026 15:00", 1, "07/12/2026 15:00"),  # Friday afternoon: over the weekend
    ("05/12/2026 09:00", 1, "08/12/2026 08:00"),  # received on Saturday: counts from Monday 08:00
    ("30/11/2026 10:00", 0, "30/11/2026 10:00"),  # no hand-over time: electronic, at once
    ("30/11/2026 18:00", 0, "01/12/2026 08:00"),  # ... but still from office hours
    ("30/11/2026 10:00", 2, "02/12/2026 10:00"),
])
def test_one_leg_takes_the_provinces_working_days_on_the_receiving_calendar(start, days, expected):
    assert leg_due(PLAIN, at(start), days) == at(expected)


@pytest.mark.parametrize("days", [-1, 11])
def test_an_absurd_hand_over_time_is_refused(days):
    with pytest.raises(ValueError):
        leg_due(PLAIN, at("30/11/2026 10:00"), days)


def test_the_resolving_units_time_runs_on_its_calendar_from_the_end_of_the_first_leg():
    handover = plan(PLAIN, RESOLVING_OFF_WEDNESDAY, at("30/11/2026 10:00"), 3, TimeUnit.WORKING_DAYS, 1,
                    result_at_receiving=False)
    assert handover.there_due_at == at("01/12/2026 10:00")
    # Tue 10:00 + 3 working days of the resolving ward, which does not work on Wed 2 Dec: Thu, Fri, Mon.
    assert handover.due_at == at("07/12/2026 10:00")
    assert handover.back_due_at is None
    assert handover.appointment == handover.due_at


def test_a_result_returned_at_the_receiving_desk_adds_the_way_back():
    handover = plan(PLAIN, PLAIN, at("30/11/2026 10:00"), 3, TimeUnit.WORKING_DAYS, 1, result_at_receiving=True)
    assert handover.due_at == at("04/12/2026 10:00")
    assert handover.back_due_at == at("07/12/2026 10:00")  # Friday + 1 working day = Monday
    assert handover.appointment == at("07/12/2026 10:00")


def test_working_hours_are_counted_from_the_end_of_the_first_leg():
    handover = plan(PLAIN, PLAIN, at("30/11/2026 16:00"), 8, TimeUnit.WORKING_HOURS, 1, result_at_receiving=False)
    assert handover.there_due_at == at("01/12/2026 16:00")
    assert handover.due_at == at("02/12/2026 16:00")


def test_each_step_has_its_own_due_time():
    there, due, back = at("01/12/2026 10:00"), at("04/12/2026 10:00"), at("07/12/2026 10:00")
    assert step_due(HandoverStep.SENT, there, due, back) == there
    assert step_due(HandoverStep.RECEIVED, there, due, back) == there
    assert step_due(HandoverStep.RESULT_SENT, there, due, back) == due
    assert step_due(HandoverStep.RESULT_RECEIVED, there, due, back) == back


def test_the_steps_go_in_order_and_the_way_back_waits_for_the_result():
    assert steps_of(False) == [HandoverStep.SENT, HandoverStep.RECEIVED]
    progress = Progress(result_at_receiving=True)
    assert next_step(progress, has_result=False) is HandoverStep.SENT
    progress = Progress(sent_at=at("30/11/2026 11:00"), result_at_receiving=True)
    assert next_step(progress, has_result=False) is HandoverStep.RECEIVED
    progress = Progress(sent_at=at("30/11/2026 11:00"), received_at=at("01/12/2026 09:00"), result_at_receiving=True)
    assert next_step(progress, has_result=False) is None
    assert next_step(progress, has_result=True) is HandoverStep.RESULT_SENT
    done = Progress(at("30/11/2026 11:00"), at("01/12/2026 09:00"), at("03/12/2026 09:00"), at("04/12/2026 09:00"),
                    result_at_receiving=True)
    assert next_step(done, has_result=True) is None
    # Returned at the resolving unit: nothing travels back.
    assert next_step(Progress(at("30/11/2026 11:00"), at("01/12/2026 09:00")), has_result=True) is None


def test_a_late_hand_over_is_seen_whether_done_late_or_still_waiting():
    dues = {HandoverStep.SENT: at("01/12/2026 10:00"), HandoverStep.RECEIVED: at("01/12/2026 10:00"),
            HandoverStep.RESULT_SENT: at("04/12/2026 10:00"), HandoverStep.RESULT_RECEIVED: at("07/12/2026 10:00")}
    waiting = Progress(result_at_receiving=True)
    assert late_steps(waiting, dues, at("01/12/2026 09:00")) == []
    assert late_steps(waiting, dues, at("01/12/2026 11:00")) == [HandoverStep.SENT, HandoverStep.RECEIVED]
    sent_late = Progress(sent_at=at("01/12/2026 10:30"), received_at=at("01/12/2026 10:30"), result_at_receiving=True)
    assert late_steps(sent_late, dues, at("02/12/2026 09:00")) == [HandoverStep.SENT, HandoverStep.RECEIVED]
    # A result not finished by its due date is the dossier's lateness, not a hand-over's.
    on_time = Progress(sent_at=at("30/11/2026 11:00"), received_at=at("01/12/2026 09:00"), result_at_receiving=True)
    assert late_steps(on_time, dues, at("08/12/2026 09:00")) == []
    # Once sent back, its receipt at the desk is late after the way back's end.
    back = Progress(at("30/11/2026 11:00"), at("01/12/2026 09:00"), at("04/12/2026 09:00"), result_at_receiving=True)
    assert late_steps(back, dues, at("07/12/2026 11:00")) == [HandoverStep.RESULT_RECEIVED]
