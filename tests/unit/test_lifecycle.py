"""The states of a dossier and the actions that move it: every (state, action) pair, checked against
the table of DOMAIN.md "A dossier's life" typed out here by hand."""
from itertools import product

import pytest

from app.dossiers.lifecycle import Action, DossierState, TransitionRefused, allowed_actions, next_state, refusal_for

S = DossierState
A = Action

# The documented moves, written independently of TRANSITIONS: (from, action) → to.
# Actions that only record something (apology, correction) keep the state.
EXPECTED = {
    (S.RECEIVED, A.HAND_OVER): S.IN_PROGRESS,
    (S.RECEIVED, A.REQUEST_SUPPLEMENT): S.AWAITING_SUPPLEMENT,
    (S.RECEIVED, A.REQUEST_APOLOGY): S.RECEIVED,
    (S.RECEIVED, A.APPROVE_APOLOGY): S.RECEIVED,
    (S.RECEIVED, A.FINISH): S.FINISHED,  # settled at the desk on the spot
    (S.RECEIVED, A.WITHDRAW): S.WITHDRAWN,
    (S.RECEIVED, A.STOP): S.STOPPED,
    (S.RECEIVED, A.CORRECT): S.RECEIVED,
    (S.IN_PROGRESS, A.REQUEST_SUPPLEMENT): S.AWAITING_SUPPLEMENT,
    (S.IN_PROGRESS, A.REQUEST_APOLOGY): S.IN_PROGRESS,
    (S.IN_PROGRESS, A.APPROVE_APOLOGY): S.IN_PROGRESS,
    (S.IN_PROGRESS, A.FINISH): S.FINISHED,
    (S.IN_PROGRESS, A.WITHDRAW): S.WITHDRAWN,
    (S.IN_PROGRESS, A.STOP): S.STOPPED,
    (S.IN_PROGRESS, A.CORRECT): S.IN_PROGRESS,
    (S.IN_PROGRESS, A.SUBMIT_FOR_APPROVAL): S.IN_PROGRESS,  # the specialist's proposal waits for the chair
    (S.IN_PROGRESS, A.APPROVE_RESULT): S.FINISHED,
    (S.AWAITING_SUPPLEMENT, A.RECEIVE_SUPPLEMENT): S.IN_PROGRESS,
    (S.AWAITING_SUPPLEMENT, A.APPROVE_APOLOGY): S.AWAITING_SUPPLEMENT,
    (S.AWAITING_SUPPLEMENT, A.WITHDRAW): S.WITHDRAWN,
    (S.AWAITING_SUPPLEMENT, A.STOP): S.STOPPED,
    (S.AWAITING_SUPPLEMENT, A.CORRECT): S.AWAITING_SUPPLEMENT,
    (S.FINISHED, A.RETURN_RESULT): S.RETURNED,
    (S.FINISHED, A.CORRECT): S.FINISHED,
    (S.RETURNED, A.CORRECT): S.RETURNED,
    (S.WITHDRAWN, A.CORRECT): S.WITHDRAWN,
    (S.STOPPED, A.CORRECT): S.STOPPED,
}
REFUSED = sorted(set(product(DossierState, Action)) - EXPECTED.keys())
RESOLVED = (S.FINISHED, S.RETURNED, S.WITHDRAWN, S.STOPPED)


def pair_id(pair) -> str:
    state, action = pair
    return f"{state}-{action}"


@pytest.mark.parametrize(("state", "action"), sorted(EXPECTED), ids=map(pair_id, sorted(EXPECTED)))
def test_an_allowed_action_leads_to_the_documented_state(state, action):
    assert next_state(state, action) is EXPECTED[state, action]


@pytest.mark.parametrize(("state", "action"), REFUSED, ids=map(pair_id, REFUSED))
def test_a_refused_action_names_the_action_and_the_state_in_vietnamese(state, action):
    with pytest.raises(TransitionRefused) as refusal:
        next_state(state, action)
    message = str(refusal.value)
    assert message.startswith("Không thể")
    assert action.label.lower() in message
    assert state.label.lower() in message


def test_the_table_covers_every_pair_of_state_and_action():
    assert len(EXPECTED) + len(REFUSED) == len(DossierState) * len(Action) == 84


def test_a_state_given_as_its_stored_string_moves_like_the_enum():
    assert next_state("awaiting_supplement", Action.RECEIVE_SUPPLEMENT) is DossierState.IN_PROGRESS
    with pytest.raises(TransitionRefused, match="chờ bổ sung"):
        next_state("awaiting_supplement", Action.FINISH)


@pytest.mark.parametrize("state", RESOLVED)
def test_a_resolved_dossier_allows_only_a_correction_and_a_finished_one_its_return(state):
    expected = [A.RETURN_RESULT, A.CORRECT] if state is S.FINISHED else [A.CORRECT]
    assert allowed_actions(state) == expected
    assert state.is_resolved and not state.is_open


@pytest.mark.parametrize(
    ("state", "expected"),
    [
        (S.RECEIVED, [A.HAND_OVER, A.REQUEST_SUPPLEMENT, A.REQUEST_APOLOGY, A.APPROVE_APOLOGY, A.FINISH,
                      A.WITHDRAW, A.STOP, A.CORRECT]),
        (S.IN_PROGRESS, [A.REQUEST_SUPPLEMENT, A.REQUEST_APOLOGY, A.APPROVE_APOLOGY, A.FINISH, A.WITHDRAW,
                         A.STOP, A.CORRECT, A.SUBMIT_FOR_APPROVAL, A.APPROVE_RESULT]),
        (S.AWAITING_SUPPLEMENT, [A.RECEIVE_SUPPLEMENT, A.APPROVE_APOLOGY, A.WITHDRAW, A.STOP, A.CORRECT]),
        (S.FINISHED, [A.RETURN_RESULT, A.CORRECT]),
        (S.RETURNED, [A.CORRECT]),
        (S.WITHDRAWN, [A.CORRECT]),
        (S.STOPPED, [A.CORRECT]),
    ],
)
def test_allowed_actions_lists_exactly_the_allowed_moves_in_the_clerks_order(state, expected):
    assert allowed_actions(state) == expected


@pytest.mark.parametrize("state", list(DossierState))
def test_allowed_actions_agrees_with_next_state(state):
    allowed = set(allowed_actions(state))
    for action in Action:
        if action in allowed:
            next_state(state, action)
        else:
            with pytest.raises(TransitionRefused):
                next_state(state, action)


@pytest.mark.parametrize(
    ("state", "is_open"),
    [(S.RECEIVED, True), (S.IN_PROGRESS, True), (S.AWAITING_SUPPLEMENT, True),
     (S.FINISHED, False), (S.RETURNED, False), (S.WITHDRAWN, False), (S.STOPPED, False)],
)
def test_only_received_in_progress_and_awaiting_supplement_count_as_open(state, is_open):
    assert state.is_open is is_open
    assert state.is_resolved is not is_open


def test_every_state_and_action_has_a_vietnamese_label():
    assert [state.label for state in DossierState] == [
        "Đã tiếp nhận", "Đang xử lý", "Chờ bổ sung", "Đã có kết quả", "Đã trả kết quả",
        "Công dân rút hồ sơ", "Dừng xử lý",
    ]
    assert all(action.label for action in Action)


@pytest.mark.parametrize(("role", "action", "step", "allowed"), [
    ("specialist", A.SUBMIT_FOR_APPROVAL, "specialist", True),
    ("specialist", A.FINISH, "specialist", True),  # hands the result straight back to the desk
    ("specialist", A.REQUEST_SUPPLEMENT, "specialist", True),
    ("specialist", A.SUBMIT_FOR_APPROVAL, "approval", False),  # already submitted
    ("specialist", A.HAND_OVER, "specialist", False),
    ("specialist", A.RETURN_RESULT, None, False),
    ("specialist", A.APPROVE_RESULT, "approval", False),
    ("clerk", A.SUBMIT_FOR_APPROVAL, "specialist", False),
    ("clerk", A.APPROVE_RESULT, "approval", False),
    ("clerk", A.FINISH, "approval", False),  # the chair decides a submitted result
    ("clerk", A.FINISH, None, True),
    ("clerk", A.FINISH, "specialist", True),
    ("chair", A.APPROVE_RESULT, "approval", True),
    ("chair", A.APPROVE_RESULT, "specialist", False),
    ("chair", A.APPROVE_RESULT, None, False),
])
def test_who_acts_at_which_step(role, action, step, allowed):
    refusal = refusal_for(role, action, step)
    assert (refusal is None) is allowed
    assert refusal is None or refusal.endswith(".")
