"""The rows of the control slip (phiếu kiểm soát quá trình giải quyết hồ sơ) from a dossier's events.

Pure logic: no Flask, no SQLAlchemy, no clock. The slip is Form 05 of Circular 01/2018/TT-VPCP
(kept as one of the seven forms of Circular 03/2025/TT-VPCP): one row per hand-off of the dossier,
"Giao: <office>, <person> / Nhận: <office>, <person>", the time of the hand-off, and the result of
that step — early, on time or late (trước hạn / đúng hạn / quá hạn) — with a note.

A step that the unit gave its own share of the time (the desk's hand-over to a specialist, the
specialist's submission for approval: app/dossiers/steps.py) is judged against that step's own due
time, recorded on its event (`step_due_at`). The circulars do not say how a step is judged when the
unit allots no share of the time to each office: every other step is judged against the dossier's due
date *in force when the step happened*, with the rule that classifies the dossier itself (`classify`:
by calendar date, or by time for a limit counted in working hours):

- the due date in force starts as the one computed at receipt and moves only when a supplement is
  received (pause or restart rule, DOMAIN.md); an apology's new date never moves it (Decree
  61/2018/NĐ-CP art. 11: the apology does not make a late dossier on time);
- the step that resolves the dossier (finished, withdrawn, stopped) is judged against the dossier's
  final due date, so that its result is exactly the dossier's own classification;
- steps the office does not answer for are not judged: the intake (nothing was due yet), the
  citizen bringing a supplement (the clock was paused or restarts) and the return of a result
  that was ready already (the citizen chooses when to collect it).

One time per hand-off: the app records a hand-off as it happens, so giving and receiving are the
same moment (the form has one column "thời gian giao, nhận hồ sơ"). The giver is the person who
recorded the event and the receiver the person who next moved the dossier out of the receiving
office (who handled it there); when the citizen hands something in, the applicant gives and the
person who recorded it receives; a hand-off to the citizen is received by the applicant.
"""
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from app.dossiers.lifecycle import Action
from app.dossiers.ontime import Resolution, classify

CITIZEN_OFFICE = "Công dân"
RECEIVE = "receive"  # the intake's event (not an Action)
RESOLVING = frozenset({Action.FINISH, Action.APPROVE_RESULT, Action.WITHDRAW, Action.STOP})
NOT_JUDGED = frozenset({RECEIVE, Action.RECEIVE_SUPPLEMENT, Action.RETURN_RESULT})


@dataclass(frozen=True)
class StepEvent:
    """What the control slip needs of one DossierEvent."""

    at: datetime
    action: str
    from_office: str = ""
    to_office: str = ""
    actor: str = ""  # full name of who recorded it; "" when unknown (imported)
    note: str = ""
    details: Mapping = field(default_factory=dict)


@dataclass(frozen=True)
class ControlRow:
    action: str
    from_office: str
    to_office: str
    at: datetime
    given_by: str
    received_by: str
    due_at: datetime  # the due date the step was judged against (or in force, when not judged)
    result: Resolution | None  # None: a step the office does not answer for
    note: str


def _moment(value) -> datetime | None:
    if isinstance(value, datetime):
        return value
    return datetime.fromisoformat(value) if value else None


def initial_due_at(events: Sequence[StepEvent], final_due_at: datetime) -> datetime:
    """The due date computed at receipt: the intake's, else the first supplement's old one, else the final one.

    Dossiers loaded from a register file have no due date on their intake event; their first
    supplement event keeps the date it moved.
    """
    for event in events:
        if event.action == RECEIVE and _moment(event.details.get("due_at")):
            return _moment(event.details["due_at"])
    for event in events:
        if event.action == Action.RECEIVE_SUPPLEMENT and _moment(event.details.get("old_due_at")):
            return _moment(event.details["old_due_at"])
    return final_due_at


def due_in_force(events: Sequence[StepEvent], moment: datetime, final_due_at: datetime) -> datetime:
    """The due date in force at `moment` (inclusive): moved only by supplements received by then."""
    due = initial_due_at(events, final_due_at)
    for event in events:
        if event.at > moment:
            break
        if event.action == Action.RECEIVE_SUPPLEMENT and _moment(event.details.get("new_due_at")):
            due = _moment(event.details["new_due_at"])
    return due


def control_rows(events: Sequence[StepEvent], final_due_at: datetime, counted_in_hours: bool,
                 applicant: str = CITIZEN_OFFICE) -> list[ControlRow]:
    """One row per hand-off of `events` (in the order they happened), judged as the module says.

    `final_due_at` is the dossier's due date now (moved by every supplement); `applicant` names the
    citizen as giver or receiver. Events that move the dossier between no offices (a correction,
    an apology request or approval) are not hand-offs and give no row; a withdrawal or a stop
    gives one, from the office that held the dossier.
    """
    rows: list[ControlRow] = []
    due = initial_due_at(events, final_due_at)
    office = ""
    for index, event in enumerate(events):
        if event.action == Action.RECEIVE_SUPPLEMENT and _moment(event.details.get("new_due_at")):
            # The supplement's new due date applies from the moment the citizen brings it.
            due = _moment(event.details["new_due_at"])
        is_hand_off = bool(event.from_office or event.to_office) or event.action in RESOLVING
        if not is_hand_off:
            continue
        from_office = event.from_office or office
        to_office = event.to_office
        if _moment(event.details.get("step_due_at")):
            # A hand-over between the receiving desk and the resolving unit (app/dossiers/handover.py)
            # has its own due time, set by the province's hand-over time.
            judged_due = _moment(event.details["step_due_at"])
            result = classify(event.at, judged_due, counted_in_hours)
        elif event.action == RECEIVE:
            result, judged_due = None, due
        elif event.action in RESOLVING:
            judged_due = final_due_at
            result = classify(event.at, final_due_at, counted_in_hours)
        elif event.action in NOT_JUDGED or from_office == CITIZEN_OFFICE:
            result, judged_due = None, due
        else:
            judged_due = _moment(event.details.get("step_due_at")) or due
            result = classify(event.at, judged_due, counted_in_hours)
        from_office = from_office or CITIZEN_OFFICE
        if from_office == CITIZEN_OFFICE:
            # The citizen hands in (the dossier, a supplement): who recorded it received it.
            given_by, received_by = applicant, event.actor
        else:
            given_by, received_by = event.actor, _receiver(events, index, to_office, applicant)
        rows.append(ControlRow(action=str(event.action), from_office=from_office, to_office=to_office, at=event.at,
                               given_by=given_by, received_by=received_by, due_at=judged_due, result=result,
                               note=event.note))
        if to_office:
            office = to_office
    return rows


def _receiver(events: Sequence[StepEvent], index: int, to_office: str, applicant: str) -> str:
    """Who took the dossier in `to_office`: the applicant, or whoever next moved it out of that office."""
    if not to_office:
        return ""
    if to_office == CITIZEN_OFFICE:
        return applicant
    for later in events[index + 1:]:
        if later.from_office == to_office or (later.action in RESOLVING and not later.from_office):
            return later.actor
        if later.to_office and later.to_office != to_office:
            break
    return ""
