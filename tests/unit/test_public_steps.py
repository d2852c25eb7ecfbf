"""The steps of a dossier the citizen reads on the public lookup."""
from datetime import datetime

from app.lookup.progress import public_steps

AT = datetime(2026, 11, 16, 10, 0)


def test_the_citizen_reads_each_step_with_its_date_and_what_to_bring():
    events = [("receive", AT, ""), ("hand_over", AT.replace(hour=11), "nội bộ"),
              ("request_supplement", AT.replace(day=17), "Bản chính Giấy chứng sinh")]
    steps = public_steps(events, "awaiting_supplement")
    assert [step.label for step in steps] == ["Đã tiếp nhận hồ sơ", "Đang giải quyết (đã chuyển bộ phận chuyên môn)",
                                              "Chờ ông/bà bổ sung hồ sơ"]
    assert steps[1].detail == ""  # an internal note is not the citizen's
    assert steps[2].detail == "Bản chính Giấy chứng sinh" and steps[2].is_citizens_turn
    assert [step.at for step in steps] == [AT, AT.replace(hour=11), AT.replace(day=17)]


def test_corrections_and_apologies_are_not_steps_and_a_ready_result_is_the_citizens_turn():
    events = [("receive", AT, ""), ("correct", AT, ""), ("request_apology", AT, "lý do nội bộ"),
              ("approve_apology", AT, ""), ("submit_for_approval", AT, "đề xuất"), ("approve_result", AT, "")]
    steps = public_steps(events, "finished")
    assert [step.label for step in steps] == ["Đã tiếp nhận hồ sơ", "Đã trình lãnh đạo duyệt kết quả",
                                              "Đã có kết quả, mời ông/bà đến nhận"]
    assert steps[-1].is_citizens_turn and not public_steps(events[:1], "received")[0].is_citizens_turn
