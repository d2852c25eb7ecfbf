"""Named operations that change dossiers: register one, and apply an action of its lifecycle.

Each operation writes the dossier and its event in one transaction; the caller commits.
"""
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm.attributes import flag_modified

from app.auth.models import Role, User
from app.catalog.models import ChannelKind, Offering
from app.dossiers.handover import DEFAULT_HANDOVER_DAYS, HandoverStep, leg_due, plan
from app.dossiers.handover import next_step as next_handover_step
from app.dossiers.lifecycle import Action, DossierState, TransitionRefused, next_state, refusal_for
from app.dossiers.models import (HANDOVER_ACTIONS, PAYMENT_ACTION, Apology, CopyKind, Dossier, DossierDocument,
                                 DossierEvent, Outcome, PaymentMethod, SupplementPeriod, new_lookup_pin)
from app.dossiers.numbering import format_dossier_code, take_next_number
from app.dossiers.ontime import classify
from app.dossiers.steps import Pause, Split, Step, step_due_times
from app.extensions import db
from app.units.models import Unit
from app.vntext import fold, nfc, nfc_lines
from app.worktime.deadlines import WorkingCalendar, due_at, shift_by_working_time, working_time_between

DESK_OFFICE = "Bộ phận Một cửa"
PROCESSING_OFFICE = "Bộ phận chuyên môn"
APPROVAL_OFFICE = "Lãnh đạo UBND"
# Applicant fields a correction may change; the event keeps the old values.
CORRECTABLE_FIELDS = ("applicant_name", "applicant_id_number", "applicant_phone", "applicant_address",
                      "applicant_email")


@dataclass
class Applicant:
    name: str
    id_number: str = ""
    phone: str = ""
    address: str = ""
    email: str = ""


@dataclass
class ReceivedDocument:
    name: str
    copy_kind: CopyKind = CopyKind.ORIGINAL
    count: int = 1


@dataclass
class Intake:
    offering: Offering
    applicant: Applicant
    channel: str
    online_kind: str | None
    received_at: datetime
    sets_count: int = 1
    documents: list[ReceivedDocument] = field(default_factory=list)
    # Received at another unit's desk for the offering's unit (Decree 118/2025): that desk, and
    # whether the citizen collects the result there rather than at the resolving unit.
    receiving_unit: Unit | None = None
    result_at_receiving: bool = False


def province_handover_days(unit: Unit) -> int:
    """The hand-over time in force for a desk: the nearest value set on it or a unit above it (the
    province sets it on the higher unit), else DEFAULT_HANDOVER_DAYS."""
    ids = unit.ancestor_ids()
    rows = dict(db.session.execute(select(Unit.id, Unit.handover_days).where(
        Unit.id.in_(ids), Unit.handover_days.is_not(None))).all())
    for unit_id in reversed(ids):
        if unit_id in rows:
            return rows[unit_id]
    return DEFAULT_HANDOVER_DAYS


def preview_due_at(calendar: WorkingCalendar, offering: Offering, received_at: datetime) -> datetime:
    """The due time the unit's committed time gives for a dossier received at `received_at`."""
    return due_at(calendar, received_at, offering.committed_value, offering.committed_unit)


def register_dossier(intake: Intake, calendar: WorkingCalendar, actor: User | None, default_rule: str,
                     now: datetime, receiving_calendar: WorkingCalendar | None = None) -> Dossier:
    """Create the dossier with its code, due time, documents and first event (not committed).

    `calendar` is the resolving unit's (the offering's). A dossier received at another unit's desk
    (`intake.receiving_unit`) is numbered by that desk — the code names the agency that received it
    (Circular 01/2018/TT-VPCP art. 19; see README "Tiếp nhận không phụ thuộc địa giới") — and its due
    date adds the province's hand-over time to the resolving unit's committed time
    (app/dossiers/handover.py), `receiving_calendar` being the receiving unit's.
    """
    offering = intake.offering
    unit = offering.unit
    receiving = intake.receiving_unit if intake.receiving_unit is not None and intake.receiving_unit.id != unit.id else None
    desk = receiving or unit
    number = take_next_number(desk.id, intake.received_at.date())
    applicant = intake.applicant
    dossier = Dossier(
        code=format_dossier_code(desk.code, intake.received_at.date(), number),
        lookup_pin=new_lookup_pin(),
        unit=unit,
        procedure=offering.procedure,
        applicant_name=nfc(applicant.name),
        applicant_search=fold(applicant.name),
        applicant_id_number=applicant.id_number,
        applicant_phone=applicant.phone,
        applicant_address=nfc(applicant.address),
        applicant_email=applicant.email,
        channel=intake.channel,
        # Online kind (Decree 42/2022/NĐ-CP: toàn trình / một phần) belongs to a dossier submitted online;
        # one received at the desk or by post is not online whatever the procedure offers.
        online_kind=intake.online_kind if intake.channel == ChannelKind.ONLINE else None,
        # What the catalog says a dossier of this procedure owes by this channel (None: unknown).
        fee_due=offering.procedure.fee_for(intake.channel),
        sets_count=intake.sets_count,
        received_at=intake.received_at,
        time_value=offering.committed_value,
        time_unit=offering.committed_unit,
        supplement_rule=offering.supplement_rule or default_rule,
        due_at=preview_due_at(calendar, offering, intake.received_at),
        state=DossierState.RECEIVED,
        created_by=actor,
        updated_at=now,
    )
    if receiving is not None:
        days = province_handover_days(receiving)
        handover = plan(receiving_calendar or calendar, calendar, intake.received_at, offering.committed_value,
                        offering.committed_unit, days, intake.result_at_receiving)
        dossier.receiving_unit = receiving
        dossier.handover_days = days
        dossier.result_at_receiving = intake.result_at_receiving
        dossier.handover_due_at = handover.there_due_at
        dossier.due_at = handover.due_at
        dossier.result_back_due_at = handover.back_due_at
    dossier.documents = [
        DossierDocument(position=index, name=nfc(document.name), copy_kind=document.copy_kind, count=document.count)
        for index, document in enumerate(intake.documents, start=1)
    ]
    details = {"due_at": dossier.due_at.isoformat()}
    if receiving is not None:
        details.update(receiving_unit=receiving.code, handover_due_at=dossier.handover_due_at.isoformat(),
                       appointment_at=dossier.appointment_at.isoformat())
    dossier.events = [DossierEvent(at=now, actor=actor, action="receive", from_state=None,
                                   to_state=DossierState.RECEIVED,
                                   to_office=desk_office(receiving) if receiving is not None else DESK_OFFICE,
                                   details=details)]
    db.session.add(dossier)
    return dossier


def desk_office(unit: Unit) -> str:
    """How the control slip names another unit's desk: "Bộ phận Một cửa — Phường X"."""
    return f"{DESK_OFFICE} — {unit.name}"


def acting_unit_id(dossier: Dossier, action: str) -> int:
    """The unit whose desk records `action` (an Action or a HandoverStep value): the receiving desk
    sends the dossier, takes the result back and returns it when the citizen collects it there; the
    resolving unit does everything else."""
    if dossier.receiving_unit_id is None:
        return dossier.unit_id
    if action in HANDOVER_ACTIONS:
        return dossier.receiving_unit_id if HandoverStep(action).side == "receiving" else dossier.unit_id
    if action == Action.RETURN_RESULT and dossier.result_at_receiving:
        return dossier.receiving_unit_id
    return dossier.unit_id


def handover_step_available(dossier: Dossier, step: HandoverStep) -> bool:
    if not dossier.is_received_for_another or dossier.state in (DossierState.WITHDRAWN, DossierState.STOPPED):
        return False
    has_result = dossier.state in (DossierState.FINISHED, DossierState.RETURNED)
    return next_handover_step(dossier.handover_progress(), has_result) is step


def record_handover_step(dossier: Dossier, step: HandoverStep, actor: User, now: datetime, note: str,
                         expected_version: int, receiving_calendar: WorkingCalendar) -> DossierEvent:
    """Record one hand-over step as an event with its own due time (kept in `details` for the control
    slip); raise TransitionRefused if it is not the step due now, StaleDossier if the dossier changed."""
    if dossier.version != expected_version:
        raise StaleDossier(dossier, expected_version)
    if not handover_step_available(dossier, step):
        raise TransitionRefused(f"Không thể ghi «{step.label.lower()}» ở bước này của hồ sơ.")
    receiving, resolving = desk_office(dossier.receiving_unit), dossier.unit.name
    if step is HandoverStep.SENT:
        dossier.handover_sent_at, offices = now, (receiving, resolving)
    elif step is HandoverStep.RECEIVED:
        dossier.handed_over_at, offices = now, (receiving, resolving)
    elif step is HandoverStep.RESULT_SENT:
        dossier.result_sent_at, offices = now, (resolving, receiving)
        # A supplement may have moved the due date since receipt: the way back then ends later too,
        # never earlier than the appointment the receipt gave.
        moved = leg_due(receiving_calendar, dossier.due_at, dossier.handover_days or 0)
        if dossier.result_back_due_at is None or moved > dossier.result_back_due_at:
            dossier.result_back_due_at = moved
    else:
        dossier.result_back_at, offices = now, (resolving, receiving)
    due = dossier.handover_dues()[step]
    state = DossierState(dossier.state)
    event = DossierEvent(at=now, actor=actor, action=step.value, from_state=state, to_state=state,
                         from_office=offices[0], to_office=offices[1], note=nfc_lines(note),
                         details={"step_due_at": due.isoformat() if due else None,
                                  "late": bool(due and now > due)})
    dossier.updated_at = now
    flag_modified(dossier, "updated_at")
    dossier.events.append(event)
    return event


class StaleDossier(Exception):
    """Someone else changed the dossier since the clerk opened it."""

    def __init__(self, dossier: Dossier, since_version: int):
        self.dossier = dossier
        self.since_version = since_version
        super().__init__("Hồ sơ vừa được người khác cập nhật.")


@dataclass
class ActionInput:
    note: str = ""
    to_office: str = ""
    reason: str = ""
    outcome: str | None = None
    new_due_at: datetime | None = None
    corrections: dict[str, str] = field(default_factory=dict)
    assignee: User | None = None  # the specialist a hand-over gives the dossier to


def apply_action(dossier: Dossier, action: Action, data: ActionInput, actor: User, calendar: WorkingCalendar,
                 now: datetime, expected_version: int) -> DossierEvent:
    """Move the dossier by `action` and append its event; raise TransitionRefused or StaleDossier.

    `expected_version` is the version the clerk saw: acting on a dossier that changed since then
    is refused, so that two people cannot both succeed (the version column catches the race
    between loading and writing as well).
    """
    if dossier.version != expected_version:
        raise StaleDossier(dossier, expected_version)
    state = DossierState(dossier.state)
    target = next_state(state, action)
    refusal = refusal_for(actor.role, action, dossier.step) if actor is not None else None
    if refusal:
        raise TransitionRefused(refusal)
    event = DossierEvent(at=now, actor=actor, action=action, from_state=state, to_state=target,
                         note=nfc_lines(data.note), details={})
    handler = _HANDLERS[action]
    handler(dossier, data, event, actor, calendar, now)
    dossier.state = target
    dossier.updated_at = now
    # Written even when nothing else changed (an apology request at the same second as the previous
    # action): every action must bump the version, one event per version step.
    flag_modified(dossier, "updated_at")
    dossier.events.append(event)
    return event


def _current_office(dossier: Dossier) -> str:
    """Where the dossier is: the office the latest hand-off sent it to (the citizen's return aside)."""
    for previous in reversed(dossier.events):
        if previous.to_office and previous.to_office != "Công dân":
            return previous.to_office
    return DESK_OFFICE


def offering_split(dossier: Dossier) -> Split:
    """The split of the committed time between the steps that the unit set on the offering the dossier
    was received under (the latest one in force on its day of receipt), or the default."""
    offering = db.session.scalar(
        select(Offering).where(Offering.unit_id == dossier.unit.id, Offering.procedure_id == dossier.procedure.id,
                               Offering.active_from <= dossier.received_at.date())
        .order_by(Offering.active_from.desc()).limit(1))
    return Split.of(offering.desk_percent, offering.approval_percent) if offering is not None else Split.of(None, None)


def _pauses(dossier: Dossier) -> list[Pause]:
    return [Pause(period.requested_at, period.received_at, period.rule == "restart") for period in dossier.supplements]


def _recorded_split(dossier: Dossier) -> Split:
    """The split the hand-over to the specialist used (kept on its event), so that later steps keep it."""
    for previous in reversed(dossier.events):
        if previous.action == Action.HAND_OVER and previous.details.get("split"):
            return Split.from_list(previous.details["split"])
    return offering_split(dossier)


def current_step_dues(dossier: Dossier, calendar: WorkingCalendar):
    """The due time of every step of `dossier` as things stand (app/dossiers/steps.py)."""
    return step_due_times(calendar, dossier.received_at, dossier.due_at, _pauses(dossier), _recorded_split(dossier))


def _hand_over(dossier, data, event, actor, calendar, now):
    assignee = data.assignee
    if assignee is None:
        event.from_office, event.to_office = DESK_OFFICE, nfc(data.to_office) or PROCESSING_OFFICE
        return
    # The unit through its relationship: a dossier built in the same unflushed batch (the demo) has no unit_id yet.
    if assignee.role != Role.SPECIALIST or assignee.unit_id != dossier.unit.id or not assignee.is_active:
        raise TransitionRefused("Chỉ giao hồ sơ cho công chức chuyên môn của đơn vị.")
    split = offering_split(dossier)
    dues = step_due_times(calendar, dossier.received_at, dossier.due_at, _pauses(dossier), split)
    dossier.assignee, dossier.step, dossier.step_due_at = assignee, Step.SPECIALIST.value, dues.specialist
    event.from_office, event.to_office = DESK_OFFICE, assignee.office or PROCESSING_OFFICE
    # The hand-over ends the desk's step: the control slip judges it against the desk's own due time.
    event.details = {"assignee_id": assignee.id, "assignee": assignee.full_name, "split": split.as_list(),
                     "step_due_at": dues.desk.isoformat(), "next_step_due_at": dues.specialist.isoformat()}


def _submit_for_approval(dossier, data, event, actor, calendar, now):
    if dossier.assignee is None or dossier.assignee.id != actor.id:
        raise TransitionRefused("Chỉ công chức được giao hồ sơ mới trình lãnh đạo duyệt.")
    if data.outcome not in {o.value for o in Outcome}:
        raise TransitionRefused("Chọn kết quả đề xuất: giải quyết hay từ chối.")
    if data.outcome == Outcome.REFUSED and not nfc_lines(data.note):
        raise TransitionRefused("Ghi rõ lý do đề xuất từ chối.")
    event.details = {"outcome": data.outcome,
                     "step_due_at": (dossier.step_due_at or dossier.due_at).isoformat()}
    event.from_office, event.to_office = _current_office(dossier), APPROVAL_OFFICE
    dossier.step, dossier.step_due_at = Step.APPROVAL.value, dossier.due_at


def proposal_of(dossier: Dossier):
    """The latest submission for approval (its event: outcome in details, the specialist's note)."""
    return next((e for e in reversed(dossier.events) if e.action == Action.SUBMIT_FOR_APPROVAL), None)


def _approve_result(dossier, data, event, actor, calendar, now):
    proposal = proposal_of(dossier)
    if proposal is None:
        raise TransitionRefused("Hồ sơ chưa được trình duyệt kết quả.")
    outcome = proposal.details.get("outcome")
    dossier.outcome = Outcome(outcome)
    dossier.result_note = nfc_lines(data.note) or proposal.note
    _resolve(dossier, now)
    dossier.step = dossier.step_due_at = None
    event.details = {"outcome": outcome, "resolution": dossier.resolution}
    event.from_office, event.to_office = APPROVAL_OFFICE, DESK_OFFICE


def _request_supplement(dossier, data, event, actor, calendar, now):
    reason = nfc_lines(data.reason)
    if not reason:
        raise TransitionRefused("Ghi rõ giấy tờ cần bổ sung và lý do.")
    dossier.supplements.append(SupplementPeriod(requested_at=now, reason=reason, rule=dossier.supplement_rule,
                                                old_due_at=dossier.due_at))
    event.note = reason
    event.from_office, event.to_office = _current_office(dossier), "Công dân"


def _receive_supplement(dossier, data, event, actor, calendar, now):
    period = dossier.supplements[-1]
    period.received_at = now
    if dossier.supplement_rule == "restart":
        # The full period starts again from the day the supplement arrives.
        new_due = due_at(calendar, now, dossier.time_value, dossier.time_unit)
    else:
        # The working time spent waiting for the citizen does not count.
        new_due = shift_by_working_time(calendar, dossier.due_at,
                                        working_time_between(calendar, period.requested_at, now))
    period.new_due_at = new_due
    event.details = {"old_due_at": dossier.due_at.isoformat(), "new_due_at": new_due.isoformat(),
                     "rule": dossier.supplement_rule}
    dossier.due_at = new_due
    if dossier.step == Step.SPECIALIST:
        dossier.step_due_at = current_step_dues(dossier, calendar).specialist
    elif dossier.step == Step.APPROVAL:
        dossier.step_due_at = new_due
    # The supplement goes back to where the request came from.
    requested_from = next((e.from_office for e in reversed(dossier.events) if e.action == Action.REQUEST_SUPPLEMENT),
                          PROCESSING_OFFICE)
    event.from_office, event.to_office = "Công dân", requested_from


def _request_apology(dossier, data, event, actor, calendar, now):
    if dossier.apology is not None:
        raise TransitionRefused("Hồ sơ đã có phiếu xin lỗi và hẹn lại: mỗi hồ sơ chỉ được hẹn lại một lần.")
    reason = nfc_lines(data.reason)
    if not reason:
        raise TransitionRefused("Ghi rõ lý do chậm trả kết quả.")
    if data.new_due_at is None or data.new_due_at <= dossier.due_at:
        raise TransitionRefused("Ngày hẹn mới phải sau hạn trả kết quả hiện tại.")
    dossier.apology = Apology(reason=reason, responsible_office=nfc(data.to_office) or PROCESSING_OFFICE,
                              new_due_at=data.new_due_at, requested_at=now, requested_by=actor)
    event.note = reason
    event.details = {"new_due_at": data.new_due_at.isoformat()}


def _approve_apology(dossier, data, event, actor, calendar, now):
    if actor.role != Role.CHAIR:
        raise TransitionRefused("Chỉ Chủ tịch UBND duyệt phiếu xin lỗi và hẹn lại.")
    apology = dossier.apology
    if apology is None or apology.approved_at is not None:
        raise TransitionRefused("Không có phiếu xin lỗi nào đang chờ duyệt.")
    apology.approved_at, apology.approved_by = now, actor
    dossier.apology_due_at = apology.new_due_at
    event.details = {"new_due_at": apology.new_due_at.isoformat()}


def _resolve(dossier, now):
    dossier.step = dossier.step_due_at = None  # back at the desk, for the citizen
    dossier.resolved_at = now
    dossier.resolution = classify(now, dossier.due_at, dossier.counted_in_hours)


def _finish(dossier, data, event, actor, calendar, now):
    if data.outcome not in {o.value for o in Outcome}:
        raise TransitionRefused("Chọn kết quả: giải quyết hay từ chối.")
    if data.outcome == Outcome.REFUSED and not nfc_lines(data.note):
        raise TransitionRefused("Ghi rõ lý do từ chối.")
    dossier.outcome = Outcome(data.outcome)
    dossier.result_note = nfc_lines(data.note)
    _resolve(dossier, now)
    event.details = {"outcome": data.outcome, "resolution": dossier.resolution}
    event.from_office, event.to_office = _current_office(dossier), DESK_OFFICE


def _return_result(dossier, data, event, actor, calendar, now):
    if dossier.result_at_receiving and dossier.result_back_at is None:
        raise TransitionRefused("Kết quả chưa được chuyển về nơi tiếp nhận: ghi nhận kết quả về trước khi trả cho công dân.")
    dossier.returned_at = now
    event.from_office = desk_office(dossier.receiving_unit) if dossier.result_at_receiving else DESK_OFFICE
    event.to_office = "Công dân"


def _end(dossier, data, event, actor, calendar, now):
    if not nfc_lines(data.note):
        raise TransitionRefused("Ghi rõ lý do.")
    if dossier.state == DossierState.AWAITING_SUPPLEMENT and dossier.supplement_rule == "pause":
        # Ended while the citizen had not yet supplemented: the time waited so far does not count
        # against the unit either.
        period = dossier.supplements[-1]
        period.new_due_at = shift_by_working_time(calendar, dossier.due_at,
                                                  working_time_between(calendar, period.requested_at, now))
        event.details["old_due_at"] = dossier.due_at.isoformat()
        dossier.due_at = period.new_due_at
    dossier.result_note = nfc_lines(data.note)
    _resolve(dossier, now)
    event.details["resolution"] = dossier.resolution


def _correct(dossier, data, event, actor, calendar, now):
    refused = [name for name in data.corrections if name not in CORRECTABLE_FIELDS]
    if refused:  # checked before anything is written, so a refused correction changes nothing
        raise TransitionRefused(f"Không thể đính chính trường {', '.join(refused)}.")
    changes = {name: {"old": getattr(dossier, name), "new": nfc(value)}
               for name, value in data.corrections.items() if getattr(dossier, name) != nfc(value)}
    if not changes:
        raise TransitionRefused("Không có thông tin nào thay đổi.")
    for name, change in changes.items():
        setattr(dossier, name, change["new"])
    if "applicant_name" in changes:
        dossier.applicant_search = fold(dossier.applicant_name)
    event.details = {"changes": changes}


_HANDLERS = {
    Action.HAND_OVER: _hand_over,
    Action.REQUEST_SUPPLEMENT: _request_supplement,
    Action.RECEIVE_SUPPLEMENT: _receive_supplement,
    Action.REQUEST_APOLOGY: _request_apology,
    Action.APPROVE_APOLOGY: _approve_apology,
    Action.FINISH: _finish,
    Action.RETURN_RESULT: _return_result,
    Action.WITHDRAW: _end,
    Action.STOP: _end,
    Action.CORRECT: _correct,
    Action.SUBMIT_FOR_APPROVAL: _submit_for_approval,
    Action.APPROVE_RESULT: _approve_result,
}


@dataclass
class PaymentInput:
    """The fee recorded on a dossier; amounts in đồng."""

    fee_due: int | None
    fee_paid: int | None
    method: str | None
    paid_at: datetime | None
    receipt_number: str = ""


# A payment made online may precede the desk's receipt of the dossier (paid while submitting it).
PAYMENT_BEFORE_RECEIPT = timedelta(days=30)


def record_payment(dossier: Dossier, payment: PaymentInput, actor: User | None, now: datetime,
                   expected_version: int) -> DossierEvent:
    """Record what the dossier owes and what was paid, with an event keeping the old values.

    Refused (TransitionRefused, message for the clerk) when it is incomplete or impossible: a
    payment needs its amount, method and time; it is not in the future, nor more than 30 days before
    the receipt, and never more than what is owed. Recording the same values again is refused
    ("nothing changed"), as a correction is.
    """
    if dossier.version != expected_version:
        raise StaleDossier(dossier, expected_version)
    fee_due = payment.fee_due if payment.fee_due is not None else dossier.fee_due
    paying = payment.fee_paid is not None or payment.method or payment.paid_at or payment.receipt_number
    if paying:
        if payment.fee_paid is None:
            raise TransitionRefused("Nhập số tiền đã nộp.")
        if payment.fee_paid > 0 and payment.method not in {m.value for m in PaymentMethod}:
            raise TransitionRefused("Chọn hình thức nộp: tiền mặt, chuyển khoản hay trực tuyến.")
        if payment.paid_at is None:
            raise TransitionRefused("Nhập thời điểm nộp.")
        if payment.paid_at > now + timedelta(minutes=5):
            raise TransitionRefused("Thời điểm nộp không được ở tương lai.")
        if payment.paid_at < dossier.received_at - PAYMENT_BEFORE_RECEIPT:
            raise TransitionRefused("Thời điểm nộp không được trước ngày tiếp nhận quá 30 ngày.")
        if fee_due is not None and payment.fee_paid > fee_due:
            raise TransitionRefused("Số tiền đã nộp lớn hơn số phải nộp: sửa số phải nộp trước.")
    new = {"fee_due": fee_due, "fee_paid": payment.fee_paid if paying else None,
           "payment_method": (payment.method or None) if paying and payment.fee_paid else None,
           "paid_at": payment.paid_at.replace(second=0, microsecond=0) if paying else None,
           "receipt_number": nfc(payment.receipt_number or "") if paying else ""}
    changes = {}
    for name, value in new.items():
        old = getattr(dossier, name)
        if _comparable(old) != _comparable(value):
            changes[name] = {"old": _shown(old), "new": _shown(value)}
            setattr(dossier, name, value)
    if not changes:
        raise TransitionRefused("Không có thông tin phí, lệ phí nào thay đổi.")
    event = DossierEvent(at=now, actor=actor, action=PAYMENT_ACTION, from_state=dossier.state, to_state=dossier.state,
                         details={"payment": changes})
    dossier.updated_at = now
    flag_modified(dossier, "updated_at")
    dossier.events.append(event)
    return event


def _comparable(value):
    return int(value) if isinstance(value, (int, Decimal)) and not isinstance(value, bool) else value


def _shown(value) -> str | int | None:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return int(value)
    return value


def events_since(dossier: Dossier, version: int) -> list[DossierEvent]:
    """What happened to the dossier after the clerk saw `version`: every event is one version step."""
    return db.session.scalars(
        select(DossierEvent).where(DossierEvent.dossier_id == dossier.id).order_by(DossierEvent.id)
    ).all()[version:]
