"""The steps of a dossier a citizen may read on the public lookup, from its event log: received, in
processing, awaiting the citizen's supplement (with what to bring), supplement received, result ready,
returned — or withdrawn, stopped — each with its date. Nothing that names an officer or the applicant.

Pure logic: no Flask, no SQLAlchemy; takes the events as (action, at, note) triples, oldest first.
"""
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class PublicStep:
    label: str
    at: datetime
    detail: str = ""  # what to bring, for a supplement request; the reason of a stop
    is_citizens_turn: bool = False  # the citizen has something to do (bring papers, collect the result)


# Event actions the citizen sees, and how the step reads. Approval of an apology moves the appointment
# (shown beside the due date), a correction changes nothing of the progress: neither is a step.
_LABELS = {
    "receive": "Đã tiếp nhận hồ sơ",
    "hand_over": "Đang giải quyết (đã chuyển bộ phận chuyên môn)",
    "request_supplement": "Chờ ông/bà bổ sung hồ sơ",
    "receive_supplement": "Đã nhận hồ sơ bổ sung, tiếp tục giải quyết",
    "submit_for_approval": "Đã trình lãnh đạo duyệt kết quả",
    "finish": "Đã có kết quả, mời ông/bà đến nhận",
    "approve_result": "Đã có kết quả, mời ông/bà đến nhận",
    "return_result": "Đã trả kết quả",
    "withdraw": "Ông/bà đã rút hồ sơ",
    "stop": "Dừng giải quyết hồ sơ",
}


def public_steps(events: Iterable[tuple[str, datetime, str]], state: str) -> list[PublicStep]:
    """The steps so far, oldest first. The supplement request carries its note (what to bring); the
    last step is the citizen's turn when the dossier now waits for them (a supplement, the result)."""
    steps = []
    for action, at, note in events:
        label = _LABELS.get(str(action))
        if label is None:
            continue
        detail = note if action in ("request_supplement", "stop") else ""
        steps.append(PublicStep(label, at, detail))
    if steps and state in ("awaiting_supplement", "finished"):
        last = steps[-1]
        steps[-1] = PublicStep(last.label, last.at, last.detail, is_citizens_turn=True)
    return steps
