"""The control slip's rows: one per hand-off, each judged against the due date in force when it happened."""
from datetime import datetime

import pytest

from app.dossiers.ontime import Resolution
from app.reports.control import StepEvent, control_rows, due_in_force, initial_due_at
from app.reports.papers import (NoSuchForm, Paper, applicable_papers, legal_basis, register_book_number,
                                register_legal_basis)

DESK, EXPERT, CITIZEN = "Bộ phận Một cửa", "Công chức Tư pháp - Hộ tịch", "Công dân"
CLERK, EXPERT_OFFICER, CHAIR = "Nguyễn Thị Một Cửa", "Lê Văn Tư Pháp", "Trần Văn Chủ Tịch"
# Received Monday 16/11/2026 10:00 with 3 working days: due Thursday 19/11/2026 10:00.
RECEIVED, DUE = datetime(2026, 11, 16, 10, 0), datetime(2026, 11, 19, 10, 0)


def receive(due=DUE):
    return StepEvent(RECEIVED, "receive", "", DESK, CLERK, details={"due_at": due.isoformat()} if due else {})


def hand_over(at, to=EXPERT):
    return StepEvent(at, "hand_over", DESK, to, CLERK)


def finish(at, note="Cấp giấy khai sinh"):
    return StepEvent(at, "finish", EXPERT, DESK, EXPERT_OFFICER, note)


def results(rows):
    return [row.result for row in rows]


def test_each_hand_off_is_a_row_judged_against_the_due_date():
    events = [receive(), hand_over(datetime(2026, 11, 16, 11, 0)), finish(datetime(2026, 11, 19, 9, 0)),
              StepEvent(datetime(2026, 11, 20, 15, 0), "return_result", DESK, CITIZEN, CLERK)]
    rows = control_rows(events, DUE, counted_in_hours=False, applicant="Nguyễn Thị Ánh")
    assert [(row.from_office, row.to_office) for row in rows] == [
        (CITIZEN, DESK), (DESK, EXPERT), (EXPERT, DESK), (DESK, CITIZEN)]
    # Intake and the return of a ready result are not the office's to answer for.
    assert results(rows) == [None, Resolution.EARLY, Resolution.ON_TIME, None]
    assert [(row.given_by, row.received_by) for row in rows] == [
        ("Nguyễn Thị Ánh", CLERK), (CLERK, EXPERT_OFFICER), (EXPERT_OFFICER, CLERK), (CLERK, "Nguyễn Thị Ánh")]
    assert rows[2].note == "Cấp giấy khai sinh"


@pytest.mark.parametrize("finished_at, expected", [
    (datetime(2026, 11, 18, 16, 59), Resolution.EARLY),
    (datetime(2026, 11, 19, 16, 30), Resolution.ON_TIME),  # same date, later hour: on time for a day limit
    (datetime(2026, 11, 20, 8, 0), Resolution.LATE),
])
def test_the_finishing_step_is_the_dossiers_own_classification(finished_at, expected):
    rows = control_rows([receive(), hand_over(datetime(2026, 11, 16, 11, 0)), finish(finished_at)], DUE, False)
    assert rows[-1].result == expected


def test_a_hand_over_after_the_due_date_is_late_even_if_nothing_else_is():
    rows = control_rows([receive(), hand_over(datetime(2026, 11, 20, 9, 0))], DUE, False)
    assert results(rows) == [None, Resolution.LATE]


def test_a_limit_in_working_hours_compares_the_times():
    due = datetime(2026, 11, 16, 14, 0)
    events = [receive(due), hand_over(datetime(2026, 11, 16, 13, 0)), finish(datetime(2026, 11, 16, 14, 30))]
    assert results(control_rows(events, due, counted_in_hours=True)) == [None, Resolution.EARLY, Resolution.LATE]
    events[-1] = finish(datetime(2026, 11, 16, 14, 0))
    assert control_rows(events, due, counted_in_hours=True)[-1].result == Resolution.ON_TIME


def test_a_supplement_moves_the_due_date_for_the_steps_after_it_only():
    new_due = datetime(2026, 11, 24, 10, 0)  # two working days of waiting added (pause rule)
    events = [
        receive(), hand_over(datetime(2026, 11, 16, 11, 0)),
        StepEvent(datetime(2026, 11, 17, 9, 0), "request_supplement", EXPERT, CITIZEN, EXPERT_OFFICER,
                  "Thiếu giấy chứng sinh bản chính"),
        StepEvent(datetime(2026, 11, 19, 9, 0), "receive_supplement", CITIZEN, EXPERT, CLERK,
                  details={"old_due_at": DUE.isoformat(), "new_due_at": new_due.isoformat(), "rule": "pause"}),
        finish(datetime(2026, 11, 23, 15, 0)),
    ]
    rows = control_rows(events, new_due, False, applicant="Nguyễn Thị Ánh")
    assert results(rows) == [None, Resolution.EARLY, Resolution.EARLY, None, Resolution.EARLY]
    assert [row.due_at for row in rows] == [DUE, DUE, DUE, new_due, new_due]
    request, brought = rows[2], rows[3]
    assert (request.given_by, request.received_by, request.note) == (
        EXPERT_OFFICER, "Nguyễn Thị Ánh", "Thiếu giấy chứng sinh bản chính")
    assert (brought.from_office, brought.given_by, brought.received_by) == (CITIZEN, "Nguyễn Thị Ánh", CLERK)
    # Finished on 23/11, after the first due date but before the moved one: not late.
    assert rows[-1].result == Resolution.EARLY
    assert due_in_force(events, datetime(2026, 11, 18, 12, 0), new_due) == DUE
    assert due_in_force(events, datetime(2026, 11, 19, 9, 0), new_due) == new_due


def test_an_apology_neither_makes_a_row_nor_moves_the_due_date():
    apology_date = datetime(2026, 11, 27, 10, 0)
    events = [receive(), hand_over(datetime(2026, 11, 16, 11, 0)),
              StepEvent(datetime(2026, 11, 18, 9, 0), "request_apology", actor=CLERK, note="Chờ xác minh",
                        details={"new_due_at": apology_date.isoformat()}),
              StepEvent(datetime(2026, 11, 18, 10, 0), "approve_apology", actor=CHAIR,
                        details={"new_due_at": apology_date.isoformat()}),
              StepEvent(datetime(2026, 11, 18, 11, 0), "correct", actor=CLERK, details={"changes": {}}),
              finish(datetime(2026, 11, 25, 9, 0))]
    rows = control_rows(events, DUE, False)
    assert [row.action for row in rows] == ["receive", "hand_over", "finish"]
    assert rows[-1].result == Resolution.LATE  # the apology's date does not make it on time
    assert rows[1].received_by == EXPERT_OFFICER  # the non-hand-off events in between are passed over


def test_a_stop_is_a_row_from_the_office_that_held_the_dossier():
    events = [receive(), hand_over(datetime(2026, 11, 16, 11, 0)),
              StepEvent(datetime(2026, 11, 18, 9, 0), "stop", actor=EXPERT_OFFICER, note="Người nộp đã mất")]
    rows = control_rows(events, DUE, False)
    assert (rows[-1].from_office, rows[-1].to_office, rows[-1].result) == (EXPERT, "", Resolution.EARLY)
    assert rows[1].received_by == EXPERT_OFFICER


def test_an_imported_dossier_takes_its_first_due_date_from_the_supplement_it_records():
    first_due, moved_due = datetime(2024, 3, 4, 9, 0), datetime(2024, 3, 6, 9, 0)
    events = [StepEvent(datetime(2024, 3, 1, 9, 0), "receive", "", DESK, details={"imported_from": "so.csv"}),
              StepEvent(datetime(2024, 3, 4, 8, 0), "request_supplement", EXPERT, CITIZEN),
              StepEvent(datetime(2024, 3, 5, 8, 0), "receive_supplement", CITIZEN, EXPERT,
                        details={"old_due_at": first_due.isoformat(), "new_due_at": moved_due.isoformat()}),
              StepEvent(datetime(2024, 3, 6, 8, 0), "finish", EXPERT, DESK)]
    assert initial_due_at(events, moved_due) == first_due
    rows = control_rows(events, moved_due, False)
    assert results(rows) == [None, Resolution.ON_TIME, None, Resolution.ON_TIME]
    assert rows[0].given_by == CITIZEN and rows[0].received_by == ""  # nobody recorded by name


def test_a_dossier_without_events_has_no_rows():
    assert control_rows([], DUE, False) == []


@pytest.mark.parametrize("paper, new_forms, line", [
    (Paper.RECEIPT, False, "Mẫu số 01 ban hành kèm theo Thông tư số 01/2018/TT-VPCP"),
    (Paper.SUPPLEMENT, False, "Mẫu số 02 ban hành kèm theo Thông tư số 01/2018/TT-VPCP"),
    (Paper.REFUSAL, False, "Mẫu số 03 ban hành kèm theo Thông tư số 01/2018/TT-VPCP"),
    (Paper.APOLOGY, False, "Mẫu số 04 ban hành kèm theo Thông tư số 01/2018/TT-VPCP"),
    (Paper.CONTROL, False, "Mẫu số 05 ban hành kèm theo Thông tư số 01/2018/TT-VPCP"),
    (Paper.REGISTER, False, "Mẫu số 06 ban hành kèm theo Thông tư số 01/2018/TT-VPCP"),
    (Paper.RECEIPT, True, "Mẫu số 01 ban hành kèm theo Thông tư số 03/2025/TT-VPCP"),
    (Paper.SUPPLEMENT, True, "Mẫu số 02 ban hành kèm theo Thông tư số 03/2025/TT-VPCP"),
    (Paper.REFUSAL, True, "Mẫu số 03 ban hành kèm theo Thông tư số 03/2025/TT-VPCP"),
    (Paper.APOLOGY, True, "Mẫu số 04 ban hành kèm theo Thông tư số 03/2025/TT-VPCP"),
    (Paper.STOPPING, True, "Mẫu số 05 ban hành kèm theo Thông tư số 03/2025/TT-VPCP"),
    (Paper.CONTROL, True, "Mẫu số 06 ban hành kèm theo Thông tư số 03/2025/TT-VPCP"),
    (Paper.REGISTER, True, "Mẫu số 07 ban hành kèm theo Thông tư số 03/2025/TT-VPCP"),
])
def test_each_paper_names_the_form_of_its_regime(paper, new_forms, line):
    assert legal_basis(paper, new_forms) == line


def test_the_old_regime_has_no_notice_of_stopping():
    with pytest.raises(NoSuchForm):
        legal_basis(Paper.STOPPING, False)
    assert Paper.STOPPING not in applicable_papers(state="stopped", refused=False, supplements=0, has_apology=False,
                                                   new_forms=False)
    assert Paper.STOPPING in applicable_papers(state="stopped", refused=False, supplements=0, has_apology=False,
                                               new_forms=True)


def test_the_papers_a_dossier_can_print_follow_what_happened_to_it():
    assert applicable_papers(state="received", refused=False, supplements=0, has_apology=False,
                             new_forms=True) == [Paper.RECEIPT, Paper.CONTROL]
    assert applicable_papers(state="returned", refused=True, supplements=2, has_apology=True, new_forms=False) == [
        Paper.RECEIPT, Paper.SUPPLEMENT, Paper.REFUSAL, Paper.APOLOGY, Paper.CONTROL]


@pytest.mark.parametrize("code, expected", [
    ("000.00.06.H26-261116-0007", ("2026", "261116-0007")),
    ("000.00.06.H56-231027-0361", ("2023", "231027-0361")),
])
def test_the_register_book_number_comes_from_the_code(code, expected):
    assert register_book_number(code) == expected


def test_a_code_of_another_shape_has_no_register_number():
    with pytest.raises(ValueError):
        register_book_number("HS-2026-7")


def test_a_register_across_15_september_2025_names_both_forms():
    assert register_legal_basis(False, False) == "Mẫu số 06 ban hành kèm theo Thông tư số 01/2018/TT-VPCP"
    assert register_legal_basis(True, True) == "Mẫu số 07 ban hành kèm theo Thông tư số 03/2025/TT-VPCP"
    both = register_legal_basis(False, True)
    assert "01/2018/TT-VPCP" in both and "03/2025/TT-VPCP" in both
    assert "(hồ sơ tiếp nhận trước ngày 15/09/2025)" in both and "(từ ngày 15/09/2025)" in both
