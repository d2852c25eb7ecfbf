"""The states of a dossier and the actions that move it (DOMAIN.md "A dossier's life").

Pure logic: no Flask, no SQLAlchemy. Decree 61/2018/NĐ-CP art. 18–22 (kept by Decree 118/2025/NĐ-CP)
describe receipt, hand-over to the processing office, supplement requests, apology letters,
return of results, withdrawal and stopping.
"""
from enum import StrEnum


class DossierState(StrEnum):
    RECEIVED = "received"  # đã tiếp nhận
    IN_PROGRESS = "in_progress"  # đang xử lý
    AWAITING_SUPPLEMENT = "awaiting_supplement"  # chờ bổ sung
    FINISHED = "finished"  # đã có kết quả
    RETURNED = "returned"  # đã trả kết quả
    WITHDRAWN = "withdrawn"  # công dân rút hồ sơ
    STOPPED = "stopped"  # dừng xử lý

    @property
    def label(self) -> str:
        return STATE_LABELS[self]

    @property
    def is_open(self) -> bool:
        """Still being handled: counts as pending in the figures."""
        return self in OPEN_STATES

    @property
    def is_resolved(self) -> bool:
        return not self.is_open


STATE_LABELS = {
    DossierState.RECEIVED: "Đã tiếp nhận",
    DossierState.IN_PROGRESS: "Đang xử lý",
    DossierState.AWAITING_SUPPLEMENT: "Chờ bổ sung",
    DossierState.FINISHED: "Đã có kết quả",
    DossierState.RETURNED: "Đã trả kết quả",
    DossierState.WITHDRAWN: "Công dân rút hồ sơ",
    DossierState.STOPPED: "Dừng xử lý",
}

OPEN_STATES = frozenset({DossierState.RECEIVED, DossierState.IN_PROGRESS, DossierState.AWAITING_SUPPLEMENT})
# Open states whose clock runs; awaiting a supplement stops it (DOMAIN.md "While the clock is stopped").
CLOCK_RUNNING_STATES = frozenset({DossierState.RECEIVED, DossierState.IN_PROGRESS})


class Action(StrEnum):
    HAND_OVER = "hand_over"
    REQUEST_SUPPLEMENT = "request_supplement"
    RECEIVE_SUPPLEMENT = "receive_supplement"
    REQUEST_APOLOGY = "request_apology"
    APPROVE_APOLOGY = "approve_apology"
    FINISH = "finish"
    RETURN_RESULT = "return_result"
    WITHDRAW = "withdraw"
    STOP = "stop"
    CORRECT = "correct"
    SUBMIT_FOR_APPROVAL = "submit_for_approval"
    APPROVE_RESULT = "approve_result"

    @property
    def label(self) -> str:
        return ACTION_LABELS[self]


ACTION_LABELS = {
    Action.HAND_OVER: "Chuyển xử lý",
    Action.REQUEST_SUPPLEMENT: "Yêu cầu bổ sung",
    Action.RECEIVE_SUPPLEMENT: "Nhận hồ sơ bổ sung",
    Action.REQUEST_APOLOGY: "Lập phiếu xin lỗi, hẹn lại",
    Action.APPROVE_APOLOGY: "Duyệt phiếu xin lỗi",
    Action.FINISH: "Có kết quả",
    Action.RETURN_RESULT: "Trả kết quả",
    Action.WITHDRAW: "Công dân rút hồ sơ",
    Action.STOP: "Dừng xử lý",
    Action.CORRECT: "Đính chính thông tin",
    Action.SUBMIT_FOR_APPROVAL: "Trình lãnh đạo duyệt",
    Action.APPROVE_RESULT: "Duyệt kết quả",
}

_OPEN = OPEN_STATES
# action → (states it may start from, state it leads to; None keeps the state).
TRANSITIONS: dict[Action, tuple[frozenset[DossierState], DossierState | None]] = {
    Action.HAND_OVER: (frozenset({DossierState.RECEIVED}), DossierState.IN_PROGRESS),
    Action.REQUEST_SUPPLEMENT: (frozenset({DossierState.RECEIVED, DossierState.IN_PROGRESS}),
                                DossierState.AWAITING_SUPPLEMENT),
    Action.RECEIVE_SUPPLEMENT: (frozenset({DossierState.AWAITING_SUPPLEMENT}), DossierState.IN_PROGRESS),
    Action.REQUEST_APOLOGY: (frozenset({DossierState.RECEIVED, DossierState.IN_PROGRESS}), None),
    Action.APPROVE_APOLOGY: (frozenset({DossierState.RECEIVED, DossierState.IN_PROGRESS,
                                        DossierState.AWAITING_SUPPLEMENT}), None),
    # A procedure settled at the desk on the spot goes from received straight to finished.
    Action.FINISH: (frozenset({DossierState.RECEIVED, DossierState.IN_PROGRESS}), DossierState.FINISHED),
    Action.RETURN_RESULT: (frozenset({DossierState.FINISHED}), DossierState.RETURNED),
    Action.WITHDRAW: (_OPEN, DossierState.WITHDRAWN),
    Action.STOP: (_OPEN, DossierState.STOPPED),
    Action.CORRECT: (frozenset(DossierState), None),
    # The specialist's proposal goes to the chair; the dossier stays in processing until approved.
    Action.SUBMIT_FOR_APPROVAL: (frozenset({DossierState.IN_PROGRESS}), None),
    Action.APPROVE_RESULT: (frozenset({DossierState.IN_PROGRESS}), DossierState.FINISHED),
}

# What a specialist civil servant (role "specialist") may do, and only on the dossiers handed to them
# while they hold them: examine, ask for a supplement, hand the result back to the desk or submit it.
SPECIALIST_ACTIONS = frozenset({Action.REQUEST_SUPPLEMENT, Action.SUBMIT_FOR_APPROVAL, Action.FINISH})


class TransitionRefused(Exception):
    """The action is not allowed from the dossier's current state; the message is for the clerk."""


def allowed_actions(state: DossierState) -> list[Action]:
    """Actions that may start from `state`, in the order a clerk would look for them."""
    return [action for action, (sources, _) in TRANSITIONS.items() if state in sources]


def refusal_for(role: str, action: Action, step: str | None) -> str | None:
    """Why a person of `role` (app/auth/models.Role's value) may not take `action` on a dossier at
    `step` (app/dossiers/steps.Step's value; None: no specialist holds it), or None if they may.

    The state is checked separately (`next_state`); this is who acts at which step: a specialist
    acts only while holding the dossier, only the holder submits, only the chair approves the result,
    and a result waiting for the chair is not recorded by anyone else."""
    if role == "specialist":
        if action not in SPECIALIST_ACTIONS:
            return "Công chức chuyên môn chỉ yêu cầu bổ sung, trình duyệt hoặc trả kết quả hồ sơ được giao."
        if step != "specialist":
            return "Hồ sơ không còn ở bước thẩm định của công chức chuyên môn."
        return None
    if action == Action.SUBMIT_FOR_APPROVAL:
        return "Chỉ công chức chuyên môn được giao hồ sơ mới trình lãnh đạo duyệt."
    if action == Action.APPROVE_RESULT:
        if role != "chair":
            return "Chỉ Chủ tịch UBND duyệt kết quả."
        if step != "approval":
            return "Hồ sơ chưa được trình duyệt kết quả."
    if action == Action.FINISH and step == "approval":
        return "Hồ sơ đang chờ lãnh đạo duyệt kết quả."
    return None


def next_state(state: DossierState, action: Action) -> DossierState:
    sources, target = TRANSITIONS[action]
    if state not in sources:
        raise TransitionRefused(
            f"Không thể «{action.label.lower()}» khi hồ sơ đang ở trạng thái «{DossierState(state).label.lower()}»."
        )
    return target or DossierState(state)
