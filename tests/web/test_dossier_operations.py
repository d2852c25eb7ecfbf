"""Registering dossiers and moving them through their life, on the real database: gap-free codes per
unit and day (also under concurrent clerks), due dates from the committed time, one event and one
version step per action, supplements, apologies, finishing, corrections."""
import threading
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from app.auth.models import Role, User
from app.catalog.models import Offering, SupplementRule
from app.dossiers.lifecycle import Action, DossierState, TransitionRefused
from app.dossiers.models import Apology, CopyKind, Dossier, DossierEvent, Outcome, SupplementPeriod
from app.dossiers.ontime import Resolution
from app.dossiers.operations import (DESK_OFFICE, ActionInput, Applicant, Intake,
                                     ReceivedDocument, StaleDossier, apply_action, events_since, preview_due_at,
                                     register_dossier)
from app.extensions import db
from app.units.models import Unit
from app.vntext import fold
from app.worktime.clock import calendar_for
from app.worktime.deadlines import OfficeHours, TimeUnit
from app.worktime.models import DayOverride
from app.worktime.vietnam import build_calendar
from conftest import World, make_procedure

WARD_A = "000.01.01.H99"  # the world's ward A
WARD_B = "000.00.02.H99"  # the world's ward B
CITIZEN = "Công dân"


def at(text: str) -> datetime:
    return datetime.strptime(text, "%d/%m/%Y %H:%M")


def make_offering(unit: Unit, procedure_code: str, value, time_unit: TimeUnit,
                  rule: SupplementRule | None = None) -> Offering:
    procedure = make_procedure(procedure_code, value=value, unit=time_unit)
    offering = Offering(unit=unit, procedure=procedure, supplement_rule=rule, active_from=date(2020, 1, 1))
    offering.set_committed_time(Decimal(value), time_unit)
    db.session.add(offering)
    db.session.flush()
    return offering


def make_intake(offering: Offering, received_at: datetime, name: str = "Nguyễn Văn An",
                documents: list[ReceivedDocument] | None = None) -> Intake:
    return Intake(offering=offering, applicant=Applicant(name, "001085012345", "0912345678",
                                                         "12 Ngõ Trạm, Hoàn Kiếm", "an@example.vn"),
                  channel="direct", online_kind=None, received_at=received_at, documents=documents or [])


def register(offering: Offering, received_at: datetime, now: datetime | None = None, actor: User | None = None,
             default_rule: str = "pause", name: str = "Nguyễn Văn An") -> Dossier:
    """Register and commit, as the intake view does."""
    dossier = register_dossier(make_intake(offering, received_at, name), calendar_for(offering.unit), actor,
                               default_rule, now or received_at)
    db.session.commit()
    return dossier


def act(dossier: Dossier, action: Action, actor: User, now: datetime, **data) -> DossierEvent:
    """Apply an action on the version the clerk sees, and commit, as the action view does."""
    event = apply_action(dossier, action, ActionInput(**data), actor, calendar_for(dossier.unit), now,
                         expected_version=dossier.version)
    db.session.commit()
    return event


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def sequence_numbers() -> list[int]:
    """The NNNN of every dossier code, in order."""
    return sorted(int(code.rsplit("-", 1)[1]) for code in db.session.scalars(select(Dossier.code)))


@dataclass
class Desk:
    world: World
    offering: Offering  # ward A, 3 working days, the setting's supplement rule
    clerk: User
    chair: User


@pytest.fixture
def desk(world) -> Desk:
    offering = make_offering(world.ward_a, "1.000001", 3, TimeUnit.WORKING_DAYS)
    db.session.commit()
    return Desk(world, offering, world.user("clerk"), world.user("chair"))


def test_a_registered_dossier_gets_the_agency_code_the_day_of_receipt_and_number_0001(desk):
    dossier = register(desk.offering, at("29/04/2025 10:00"), actor=desk.clerk)

    assert dossier.code == f"{WARD_A}-250429-0001"
    assert dossier.state == DossierState.RECEIVED
    assert dossier.version == 1
    assert dossier.unit_id == desk.world.ward_a.id
    assert (dossier.time_value, dossier.time_unit) == (Decimal(3), TimeUnit.WORKING_DAYS)


def test_numbers_follow_each_other_within_a_unit_and_a_day(desk):
    codes = [register(desk.offering, at(f"02/06/2025 {hour:02d}:00")).code for hour in (8, 9, 10, 14)]

    assert codes == [f"{WARD_A}-250602-{number:04d}" for number in (1, 2, 3, 4)]


def test_numbers_are_independent_between_units(desk):
    other = make_offering(desk.world.ward_b, "1.000002", 5, TimeUnit.WORKING_DAYS)
    db.session.commit()

    codes = [register(offering, at("02/06/2025 09:00")).code
             for offering in (desk.offering, desk.offering, other, desk.offering, other)]

    assert codes == [f"{WARD_A}-250602-0001", f"{WARD_A}-250602-0002", f"{WARD_B}-250602-0001",
                     f"{WARD_A}-250602-0003", f"{WARD_B}-250602-0002"]


def test_numbering_restarts_at_0001_the_next_day(desk):
    first_day = [register(desk.offering, at("02/06/2025 09:00")).code for _ in range(3)]
    next_day = register(desk.offering, at("03/06/2025 08:05")).code
    back_to_first_day = register(desk.offering, at("02/06/2025 16:00")).code

    assert first_day[-1] == f"{WARD_A}-250602-0003"
    assert next_day == f"{WARD_A}-250603-0001"
    assert back_to_first_day == f"{WARD_A}-250602-0004"


def test_the_code_carries_the_day_of_receipt_not_the_day_it_was_typed_in(desk):
    # A dossier that came by post on Friday and was entered on Monday is numbered in Friday's series.
    late_entry = register(desk.offering, at("30/05/2025 16:30"), now=at("02/06/2025 08:10"))
    monday = register(desk.offering, at("02/06/2025 08:15"), now=at("02/06/2025 08:15"))
    friday_again = register(desk.offering, at("30/05/2025 11:00"), now=at("02/06/2025 08:20"))

    assert late_entry.code == f"{WARD_A}-250530-0001"
    assert monday.code == f"{WARD_A}-250602-0001"
    assert friday_again.code == f"{WARD_A}-250530-0002"
    assert late_entry.events[0].at == at("02/06/2025 08:10")  # the event records when it was typed in


def test_a_dossier_received_on_a_weekend_is_numbered_in_that_days_series(desk):
    dossier = register(desk.offering, at("07/06/2025 09:00"))  # a Saturday (online)

    assert dossier.code == f"{WARD_A}-250607-0001"
    assert dossier.due_at == at("12/06/2025 08:00")  # counted from Monday 08:00: Tue, Wed, Thu


@pytest.mark.parametrize(
    ("value", "time_unit", "received_at", "due"),
    [
        # Tuesday 29/04/2025; 30/04, 01/05 and the bridge day 02/05 are off: Mon 05, Tue 06, Wed 07.
        (3, TimeUnit.WORKING_DAYS, "29/04/2025 10:00", "07/05/2025 10:00"),
        # Friday 29/08/2025 before National Day (01/09 and 02/09 off): Wed 03, Thu 04, Fri 05.
        (3, TimeUnit.WORKING_DAYS, "29/08/2025 10:00", "05/09/2025 10:00"),
        # A plain week: Monday 10:00 + 3 → Thursday 10:00.
        (3, TimeUnit.WORKING_DAYS, "09/06/2025 10:00", "12/06/2025 10:00"),
        # Half a day is 4 working hours: from 15:00 Tuesday 29/04, 2 hours that day, 2 on Monday 05/05.
        (Decimal("0.5"), TimeUnit.WORKING_DAYS, "29/04/2025 15:00", "05/05/2025 10:00"),
        (4, TimeUnit.WORKING_HOURS, "29/04/2025 15:00", "05/05/2025 10:00"),
        # Received on Sunday 20/04 counts from Monday 21/04 08:00; 10 days later is 01/05, a holiday.
        (10, TimeUnit.DAYS, "20/04/2025 09:00", "05/05/2025 08:00"),
    ],
)
def test_the_due_time_is_the_committed_time_counted_on_the_vietnamese_calendar(world, value, time_unit,
                                                                              received_at, due):
    offering = make_offering(world.ward_a, "1.000009", value, time_unit)
    db.session.commit()

    dossier = register(offering, at(received_at))

    assert dossier.due_at == at(due)
    assert dossier.due_at == preview_due_at(build_calendar(OfficeHours()), offering, at(received_at))
    assert dossier.events[0].details == {"due_at": at(due).isoformat()}


def test_the_due_time_follows_the_units_own_calendar(desk):
    db.session.add(DayOverride(day=date(2025, 6, 10), unit_id=desk.world.ward_a.id, is_working=False,
                               note="Nghỉ bầu cử"))
    db.session.commit()

    dossier = register(desk.offering, at("09/06/2025 10:00"))

    assert dossier.due_at == at("13/06/2025 10:00")  # Tuesday 10/06 is off for ward A only


def test_registration_keeps_the_applicant_the_documents_and_a_first_event(desk):
    documents = [ReceivedDocument("Tờ khai đăng ký khai sinh"),
                 ReceivedDocument("Giấy chứng sinh", CopyKind.CERTIFIED, 2)]
    intake = make_intake(desk.offering, at("09/06/2025 10:00"), name="  Nguyễn   Thị Hồng  ", documents=documents)

    dossier = register_dossier(intake, calendar_for(desk.world.ward_a), desk.clerk, "pause", at("09/06/2025 10:02"))
    db.session.commit()
    db.session.expire_all()

    assert dossier.applicant_name == "Nguyễn Thị Hồng"
    assert dossier.applicant_search == "nguyen thi hong"
    assert [(d.position, d.name, d.copy_kind, d.count) for d in dossier.documents] == [
        (1, "Tờ khai đăng ký khai sinh", CopyKind.ORIGINAL, 1), (2, "Giấy chứng sinh", CopyKind.CERTIFIED, 2)]
    assert dossier.supplement_rule == "pause"
    [event] = dossier.events
    assert (event.action, event.from_state, event.to_state, event.to_office) == (
        "receive", None, DossierState.RECEIVED, DESK_OFFICE)
    assert (event.actor, event.at) == (desk.clerk, at("09/06/2025 10:02"))
    assert event.action_label == "Tiếp nhận hồ sơ"


@pytest.mark.parametrize(
    ("offering_rule", "default_rule", "kept"),
    [(None, "pause", "pause"), (None, "restart", "restart"), (SupplementRule.PAUSE, "restart", "pause"),
     (SupplementRule.RESTART, "pause", "restart")],
)
def test_the_offerings_supplement_rule_wins_over_the_setting(world, offering_rule, default_rule, kept):
    offering = make_offering(world.ward_a, "1.000003", 3, TimeUnit.WORKING_DAYS, rule=offering_rule)
    db.session.commit()

    assert register(offering, at("09/06/2025 10:00"), default_rule=default_rule).supplement_rule == kept


def test_a_save_that_fails_after_taking_a_number_leaves_no_gap(desk):
    register(desk.offering, at("02/06/2025 09:00"))
    failed = register_dossier(make_intake(desk.offering, at("02/06/2025 09:30")), calendar_for(desk.world.ward_a),
                              None, "pause", at("02/06/2025 09:30"))
    db.session.flush()
    assert failed.code == f"{WARD_A}-250602-0002"
    db.session.rollback()  # e.g. the printer or a later check failed: nothing of that save is kept

    after = register(desk.offering, at("02/06/2025 10:00"))

    assert after.code == f"{WARD_A}-250602-0002"
    assert sequence_numbers() == [1, 2]


def test_the_first_save_of_a_day_that_fails_leaves_no_gap_either(desk):
    register_dossier(make_intake(desk.offering, at("02/06/2025 09:30")), calendar_for(desk.world.ward_a),
                     None, "pause", at("02/06/2025 09:30"))
    db.session.flush()
    db.session.rollback()

    assert register(desk.offering, at("02/06/2025 10:00")).code == f"{WARD_A}-250602-0001"


THREADS = 8
SAVES_PER_THREAD = 5


def test_clerks_saving_at_the_same_time_get_every_number_exactly_once(app, desk):
    """8 clerks × 5 dossiers of the same unit and day, each clerk in its own session and transaction."""
    offering_id, clerk_id = desk.offering.id, desk.clerk.id
    calendar = build_calendar(OfficeHours())
    db.session.commit()  # the test's own session holds no transaction while the clerks work
    barrier = threading.Barrier(THREADS, timeout=60)
    failures: list[BaseException] = []

    def clerk(index: int) -> None:
        try:
            with app.app_context():
                offering = db.session.get(Offering, offering_id)
                actor = db.session.get(User, clerk_id)
                _ = offering.unit  # loaded before the start, so that the saves really overlap
                barrier.wait()
                for save in range(SAVES_PER_THREAD):
                    intake = make_intake(offering, at("02/06/2025 09:00"), name=f"Công dân {index}-{save}")
                    register_dossier(intake, calendar, actor, "pause", at("02/06/2025 09:00"))
                    db.session.commit()
        except BaseException as error:  # noqa: BLE001 (reported by the main thread)
            failures.append(error)
            barrier.abort()

    threads = [threading.Thread(target=clerk, args=(index,)) for index in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert not any(thread.is_alive() for thread in threads)
    assert failures == []
    db.session.expire_all()
    assert sequence_numbers() == list(range(1, THREADS * SAVES_PER_THREAD + 1))
    assert db.session.scalar(select(func.count(func.distinct(Dossier.code)))) == THREADS * SAVES_PER_THREAD
    assert all(code.startswith(f"{WARD_A}-250602-") for code in db.session.scalars(select(Dossier.code)))


JUSTICE_OFFICE = "Công chức Tư pháp - Hộ tịch"


def test_each_action_writes_one_event_and_bumps_the_version_by_one(desk):
    """Offices follow the dossier: the office it was handed to asks for the supplement, gets it back
    and sends the result to the desk."""
    dossier = register(desk.offering, at("09/06/2025 09:00"), actor=desk.clerk)
    steps = [
        (Action.HAND_OVER, at("09/06/2025 09:30"), {"to_office": "Công chức Tư pháp - Hộ tịch", "note": "Chuyển ngay"},
         DossierState.IN_PROGRESS, (DESK_OFFICE, "Công chức Tư pháp - Hộ tịch"), "Chuyển ngay"),
        (Action.REQUEST_SUPPLEMENT, at("09/06/2025 10:00"), {"reason": "Thiếu giấy chứng sinh"},
         DossierState.AWAITING_SUPPLEMENT, (JUSTICE_OFFICE, CITIZEN), "Thiếu giấy chứng sinh"),
        (Action.RECEIVE_SUPPLEMENT, at("11/06/2025 10:00"), {},
         DossierState.IN_PROGRESS, (CITIZEN, JUSTICE_OFFICE), ""),
        (Action.FINISH, at("12/06/2025 15:00"), {"outcome": "approved", "note": "Đã ký"},
         DossierState.FINISHED, (JUSTICE_OFFICE, DESK_OFFICE), "Đã ký"),
        (Action.RETURN_RESULT, at("13/06/2025 08:30"), {}, DossierState.RETURNED, (DESK_OFFICE, CITIZEN), ""),
    ]
    for number, (action, now, data, target, offices, note) in enumerate(steps, start=2):
        before = DossierState(dossier.state)

        event = act(dossier, action, desk.clerk, now, **data)

        db.session.expire_all()
        assert dossier.version == number
        assert len(dossier.events) == number
        assert dossier.events[-1].id == event.id
        assert (event.action, event.actor, event.at) == (action, desk.clerk, now)
        assert (event.from_state, event.to_state) == (before, target)
        assert (event.from_office, event.to_office) == offices
        assert event.note == note
        assert dossier.state == target
        assert dossier.updated_at == now
    assert dossier.returned_at == at("13/06/2025 08:30")


def test_an_action_that_keeps_the_state_still_writes_an_event_and_a_version(desk):
    dossier = register(desk.offering, at("09/06/2025 09:00"))

    event = act(dossier, Action.REQUEST_APOLOGY, desk.clerk, at("11/06/2025 09:00"),
                reason="Chờ xác minh", new_due_at=at("16/06/2025 09:00"))

    assert (event.from_state, event.to_state) == (DossierState.RECEIVED, DossierState.RECEIVED)
    assert dossier.version == 2
    assert len(dossier.events) == 2


def test_an_action_at_the_same_moment_as_the_previous_one_still_bumps_the_version(desk):
    dossier = register(desk.offering, at("09/06/2025 09:00"))
    act(dossier, Action.HAND_OVER, desk.clerk, at("09/06/2025 09:30"))

    act(dossier, Action.REQUEST_APOLOGY, desk.clerk, at("09/06/2025 09:30"),
        reason="Chờ xác minh", new_due_at=at("16/06/2025 09:00"))

    db.session.expire_all()
    assert len(dossier.events) == 3
    assert dossier.version == 3


def row_snapshot(dossier: Dossier) -> dict:
    db.session.expire_all()
    return {
        "dossier": {column.key: getattr(dossier, column.key) for column in Dossier.__table__.columns},
        "events": count(DossierEvent), "supplements": count(SupplementPeriod), "apologies": count(Apology),
    }


REFUSALS = [
    # (actions before, refused action, input, who acts)
    ([], Action.RECEIVE_SUPPLEMENT, {}, "clerk"),
    ([], Action.RETURN_RESULT, {}, "clerk"),
    ([], Action.REQUEST_SUPPLEMENT, {"reason": "   "}, "clerk"),
    ([], Action.FINISH, {}, "clerk"),
    ([], Action.FINISH, {"outcome": "refused", "note": " "}, "clerk"),
    ([], Action.WITHDRAW, {"note": ""}, "clerk"),
    ([], Action.STOP, {"note": ""}, "clerk"),
    ([], Action.REQUEST_APOLOGY, {"reason": "Chậm", "new_due_at": None}, "clerk"),
    ([], Action.REQUEST_APOLOGY, {"reason": "", "new_due_at": at("20/06/2025 09:00")}, "clerk"),
    ([], Action.APPROVE_APOLOGY, {}, "chair"),
    ([], Action.CORRECT, {"corrections": {}}, "clerk"),
    ([], Action.CORRECT, {"corrections": {"code": "X"}}, "clerk"),
    ([(Action.HAND_OVER, {})], Action.HAND_OVER, {}, "clerk"),
    ([(Action.REQUEST_SUPPLEMENT, {"reason": "Thiếu"})], Action.FINISH, {"outcome": "approved"}, "clerk"),
    ([(Action.REQUEST_SUPPLEMENT, {"reason": "Thiếu"})], Action.REQUEST_APOLOGY,
     {"reason": "Chậm", "new_due_at": at("20/06/2025 09:00")}, "clerk"),
    ([(Action.WITHDRAW, {"note": "Công dân xin rút"})], Action.HAND_OVER, {}, "clerk"),
    ([(Action.STOP, {"note": "Có tranh chấp"})], Action.FINISH, {"outcome": "approved"}, "clerk"),
    ([(Action.FINISH, {"outcome": "approved"})], Action.WITHDRAW, {"note": "Rút"}, "clerk"),
    ([(Action.FINISH, {"outcome": "approved"}), (Action.RETURN_RESULT, {})], Action.RETURN_RESULT, {}, "clerk"),
    ([(Action.REQUEST_APOLOGY, {"reason": "Chậm", "new_due_at": at("20/06/2025 09:00")})],
     Action.APPROVE_APOLOGY, {}, "clerk"),
]


@pytest.mark.parametrize(("before", "action", "data", "who"), REFUSALS,
                         ids=[f"{index}-{refusal[1]}" for index, refusal in enumerate(REFUSALS)])
def test_a_refused_action_changes_nothing_even_if_the_caller_commits(desk, before, action, data, who):
    dossier = register(desk.offering, at("09/06/2025 09:00"))
    for earlier, earlier_data in before:
        act(dossier, earlier, desk.clerk, at("09/06/2025 10:00"), **earlier_data)
    snapshot = row_snapshot(dossier)
    actor = desk.world.user(who)

    with pytest.raises(TransitionRefused) as refusal:
        apply_action(dossier, action, ActionInput(**data), actor, calendar_for(dossier.unit), at("10/06/2025 11:00"),
                     expected_version=dossier.version)
    db.session.commit()

    assert str(refusal.value)
    assert row_snapshot(dossier) == snapshot


def test_a_correction_refused_for_one_field_changes_no_other_field(desk):
    dossier = register(desk.offering, at("09/06/2025 09:00"))
    snapshot = row_snapshot(dossier)

    with pytest.raises(TransitionRefused, match="code"):
        apply_action(dossier, Action.CORRECT,
                     ActionInput(corrections={"applicant_phone": "0987654321", "code": "X"}), desk.clerk,
                     calendar_for(dossier.unit), at("10/06/2025 11:00"), expected_version=dossier.version)
    phone_after_refusal = dossier.applicant_phone
    db.session.commit()  # a caller that does not roll back; also keeps the session clean for the report

    assert phone_after_refusal == "0912345678"
    assert row_snapshot(dossier) == snapshot


def test_acting_on_an_old_version_is_refused_and_tells_what_happened_since(desk):
    dossier = register(desk.offering, at("09/06/2025 09:00"))
    seen = dossier.version
    act(dossier, Action.HAND_OVER, desk.clerk, at("09/06/2025 09:30"))
    act(dossier, Action.REQUEST_SUPPLEMENT, desk.clerk, at("09/06/2025 10:00"), reason="Thiếu tờ khai")
    snapshot = row_snapshot(dossier)

    with pytest.raises(StaleDossier) as stale:
        apply_action(dossier, Action.FINISH, ActionInput(outcome="approved"), desk.clerk, calendar_for(dossier.unit),
                     at("09/06/2025 11:00"), expected_version=seen)
    db.session.commit()

    assert stale.value.dossier is dossier
    assert stale.value.since_version == seen
    assert str(stale.value) == "Hồ sơ vừa được người khác cập nhật."
    assert row_snapshot(dossier) == snapshot
    assert [event.action for event in events_since(dossier, seen)] == [Action.HAND_OVER, Action.REQUEST_SUPPLEMENT]
    assert [event.action for event in events_since(dossier, dossier.version)] == []
    assert [event.action for event in events_since(dossier, 0)] == ["receive", Action.HAND_OVER,
                                                                    Action.REQUEST_SUPPLEMENT]


def test_two_clerks_who_opened_the_same_dossier_cannot_both_act(app, desk):
    dossier_id, clerk_id = register(desk.offering, at("09/06/2025 09:00")).id, desk.clerk.id
    first = db.session.get(Dossier, dossier_id)
    with Session(db.engine) as second_session:
        second = second_session.get(Dossier, dossier_id)
        second_clerk = second_session.get(User, clerk_id)
        assert first.version == second.version == 1

        act(first, Action.HAND_OVER, desk.clerk, at("09/06/2025 09:30"))
        with pytest.raises((StaleDossier, StaleDataError)):
            apply_action(second, Action.REQUEST_SUPPLEMENT, ActionInput(reason="Thiếu tờ khai"), second_clerk,
                         calendar_for(desk.world.ward_a), at("09/06/2025 09:31"), expected_version=1)
            second_session.commit()
        second_session.rollback()

    db.session.expire_all()
    assert (first.state, first.version) == (DossierState.IN_PROGRESS, 2)
    assert [event.action for event in first.events] == ["receive", Action.HAND_OVER]
    assert count(SupplementPeriod) == 0


def test_two_clerks_acting_at_the_same_moment_exactly_one_commit_succeeds(app, desk):
    dossier_id, clerk_id = register(desk.offering, at("09/06/2025 09:00")).id, desk.clerk.id
    db.session.commit()
    barrier = threading.Barrier(2, timeout=60)
    outcomes: dict[Action, object] = {}

    def clerk(action: Action, data: ActionInput) -> None:
        with app.app_context():
            try:
                dossier = db.session.get(Dossier, dossier_id)
                actor = db.session.get(User, clerk_id)
                _ = dossier.events, dossier.supplements, dossier.unit  # loaded before the race
                calendar = calendar_for(dossier.unit)
                version = dossier.version
                barrier.wait()
                apply_action(dossier, action, data, actor, calendar, at("09/06/2025 09:30"), expected_version=version)
                db.session.commit()
                outcomes[action] = "saved"
            except BaseException as error:  # noqa: BLE001 (judged by the main thread)
                db.session.rollback()
                outcomes[action] = error

    threads = [threading.Thread(target=clerk, args=(Action.HAND_OVER, ActionInput())),
               threading.Thread(target=clerk, args=(Action.REQUEST_SUPPLEMENT, ActionInput(reason="Thiếu tờ khai")))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert not any(thread.is_alive() for thread in threads)
    winners = [action for action, outcome in outcomes.items() if outcome == "saved"]
    losers = [outcome for outcome in outcomes.values() if outcome != "saved"]
    assert len(winners) == 1, outcomes
    assert len(losers) == 1 and isinstance(losers[0], (StaleDossier, StaleDataError)), outcomes
    db.session.expire_all()
    dossier = db.session.get(Dossier, dossier_id)
    assert dossier.version == 2
    assert [event.action for event in dossier.events] == ["receive", winners[0]]
    assert count(SupplementPeriod) == (1 if winners[0] == Action.REQUEST_SUPPLEMENT else 0)


def test_a_paused_supplement_moves_the_due_time_by_the_working_time_spent_waiting(desk):
    dossier = register(desk.offering, at("09/06/2025 09:00"))  # Monday, 3 working days
    assert dossier.due_at == at("12/06/2025 09:00")

    act(dossier, Action.REQUEST_SUPPLEMENT, desk.clerk, at("09/06/2025 10:00"), reason="Thiếu giấy chứng sinh")
    assert dossier.due_at == at("12/06/2025 09:00")  # waiting does not move it yet
    event = act(dossier, Action.RECEIVE_SUPPLEMENT, desk.clerk, at("11/06/2025 10:00"))

    # Monday 10:00 → Wednesday 10:00 is 16 working hours; Thursday 09:00 + 16 h → Monday 16/06 09:00.
    assert dossier.due_at == at("16/06/2025 09:00")
    [period] = dossier.supplements
    assert (period.requested_at, period.received_at) == (at("09/06/2025 10:00"), at("11/06/2025 10:00"))
    assert (period.old_due_at, period.new_due_at) == (at("12/06/2025 09:00"), at("16/06/2025 09:00"))
    assert (period.rule, period.reason) == ("pause", "Thiếu giấy chứng sinh")
    assert event.details == {"old_due_at": "2025-06-12T09:00:00", "new_due_at": "2025-06-16T09:00:00",
                             "rule": "pause"}


def test_a_paused_supplement_over_the_april_holidays_counts_only_working_time(desk):
    dossier = register(desk.offering, at("28/04/2025 09:00"))  # Mon 28/04 + 3 → Tue 29/04, Mon 05/05, Tue 06/05
    assert dossier.due_at == at("06/05/2025 09:00")

    act(dossier, Action.REQUEST_SUPPLEMENT, desk.clerk, at("29/04/2025 10:00"), reason="Thiếu bản sao")
    act(dossier, Action.RECEIVE_SUPPLEMENT, desk.clerk, at("06/05/2025 10:00"))

    # Waited 6 h on 29/04 + 8 h on 05/05 + 2 h on 06/05 = 16 h (30/04–04/05 are off): due + 16 h → 08/05 09:00.
    assert dossier.due_at == at("08/05/2025 09:00")


def test_a_restarted_supplement_counts_the_full_time_again_from_its_arrival(world):
    offering = make_offering(world.ward_a, "1.000004", 3, TimeUnit.WORKING_DAYS, rule=SupplementRule.RESTART)
    db.session.commit()
    clerk = world.user("clerk")
    dossier = register(offering, at("09/06/2025 09:00"))

    act(dossier, Action.REQUEST_SUPPLEMENT, clerk, at("09/06/2025 10:00"), reason="Thiếu giấy chứng sinh")
    event = act(dossier, Action.RECEIVE_SUPPLEMENT, clerk, at("11/06/2025 10:00"))

    assert dossier.due_at == at("16/06/2025 10:00")  # Wednesday 10:00 + 3 working days
    [period] = dossier.supplements
    assert (period.rule, period.old_due_at, period.new_due_at) == ("restart", at("12/06/2025 09:00"),
                                                                   at("16/06/2025 10:00"))
    assert event.details["rule"] == "restart"


def test_every_supplement_period_is_kept(desk):
    dossier = register(desk.offering, at("09/06/2025 09:00"))
    act(dossier, Action.REQUEST_SUPPLEMENT, desk.clerk, at("09/06/2025 10:00"), reason="Thiếu tờ khai")
    act(dossier, Action.RECEIVE_SUPPLEMENT, desk.clerk, at("10/06/2025 10:00"))  # 8 h: due → 13/06 09:00
    act(dossier, Action.REQUEST_SUPPLEMENT, desk.clerk, at("11/06/2025 14:00"), reason="Thiếu chữ ký")
    act(dossier, Action.RECEIVE_SUPPLEMENT, desk.clerk, at("11/06/2025 16:00"))  # 2 h: due → 13/06 11:00

    db.session.expire_all()
    assert [(p.reason, p.requested_at, p.received_at, p.old_due_at, p.new_due_at) for p in dossier.supplements] == [
        ("Thiếu tờ khai", at("09/06/2025 10:00"), at("10/06/2025 10:00"), at("12/06/2025 09:00"),
         at("13/06/2025 09:00")),
        ("Thiếu chữ ký", at("11/06/2025 14:00"), at("11/06/2025 16:00"), at("13/06/2025 09:00"),
         at("13/06/2025 11:00")),
    ]
    assert dossier.due_at == at("13/06/2025 11:00")


def test_an_apology_needs_a_new_date_after_the_due_time(desk):
    dossier = register(desk.offering, at("09/06/2025 09:00"))  # due 12/06/2025 09:00
    for new_due in (at("12/06/2025 09:00"), at("11/06/2025 16:00")):
        with pytest.raises(TransitionRefused, match="Ngày hẹn mới phải sau"):
            act(dossier, Action.REQUEST_APOLOGY, desk.clerk, at("11/06/2025 09:00"), reason="Chậm xác minh",
                new_due_at=new_due)
        db.session.rollback()

    event = act(dossier, Action.REQUEST_APOLOGY, desk.clerk, at("11/06/2025 09:00"), reason="Chậm xác minh",
                to_office="Công chức Địa chính", new_due_at=at("12/06/2025 09:01"))

    apology = dossier.apology
    assert (apology.reason, apology.responsible_office, apology.new_due_at) == (
        "Chậm xác minh", "Công chức Địa chính", at("12/06/2025 09:01"))
    assert (apology.requested_at, apology.requested_by, apology.approved_at) == (
        at("11/06/2025 09:00"), desk.clerk, None)
    assert event.details == {"new_due_at": "2025-06-12T09:01:00"}
    assert dossier.apology_due_at is None  # not until the chair approves
    assert dossier.due_at == at("12/06/2025 09:00")


def test_a_dossier_gets_only_one_apology(desk):
    dossier = register(desk.offering, at("09/06/2025 09:00"))
    act(dossier, Action.REQUEST_APOLOGY, desk.clerk, at("11/06/2025 09:00"), reason="Chậm",
        new_due_at=at("16/06/2025 09:00"))
    act(dossier, Action.APPROVE_APOLOGY, desk.chair, at("11/06/2025 10:00"))

    with pytest.raises(TransitionRefused, match="chỉ được hẹn lại một lần"):
        act(dossier, Action.REQUEST_APOLOGY, desk.clerk, at("12/06/2025 09:00"), reason="Chậm nữa",
            new_due_at=at("20/06/2025 09:00"))
    db.session.rollback()

    assert count(Apology) == 1
    assert dossier.apology_due_at == at("16/06/2025 09:00")


@pytest.mark.parametrize("role", ["clerk", "admin"])
def test_only_the_chair_approves_an_apology(desk, role):
    dossier = register(desk.offering, at("09/06/2025 09:00"))
    act(dossier, Action.REQUEST_APOLOGY, desk.clerk, at("11/06/2025 09:00"), reason="Chậm",
        new_due_at=at("16/06/2025 09:00"))

    with pytest.raises(TransitionRefused, match="Chủ tịch"):
        act(dossier, Action.APPROVE_APOLOGY, desk.world.user(role), at("11/06/2025 10:00"))
    db.session.rollback()
    assert dossier.apology_due_at is None and dossier.apology.approved_at is None


def test_an_officer_of_a_higher_unit_cannot_approve_an_apology(desk):
    dossier = register(desk.offering, at("09/06/2025 09:00"))
    act(dossier, Action.REQUEST_APOLOGY, desk.clerk, at("11/06/2025 09:00"), reason="Chậm",
        new_due_at=at("16/06/2025 09:00"))
    assert desk.world.user("officer", "district").role == Role.OFFICER

    with pytest.raises(TransitionRefused):
        act(dossier, Action.APPROVE_APOLOGY, desk.world.user("officer", "district"), at("11/06/2025 10:00"))


def test_the_chairs_approval_sets_the_apology_date_and_cannot_be_given_twice(desk):
    dossier = register(desk.offering, at("09/06/2025 09:00"))
    act(dossier, Action.REQUEST_APOLOGY, desk.clerk, at("11/06/2025 09:00"), reason="Chậm",
        new_due_at=at("16/06/2025 09:00"))

    event = act(dossier, Action.APPROVE_APOLOGY, desk.chair, at("11/06/2025 10:00"))

    assert dossier.apology_due_at == at("16/06/2025 09:00")
    assert (dossier.apology.approved_at, dossier.apology.approved_by) == (at("11/06/2025 10:00"), desk.chair)
    assert (event.actor, event.details) == (desk.chair, {"new_due_at": "2025-06-16T09:00:00"})
    assert dossier.due_at == at("12/06/2025 09:00")  # the legal due time stays
    with pytest.raises(TransitionRefused, match="Không có phiếu xin lỗi nào đang chờ duyệt"):
        act(dossier, Action.APPROVE_APOLOGY, desk.chair, at("11/06/2025 11:00"))


def test_a_dossier_finished_after_its_due_date_but_before_the_apology_date_is_late(desk):
    dossier = register(desk.offering, at("09/06/2025 09:00"))  # due 12/06/2025 09:00
    act(dossier, Action.HAND_OVER, desk.clerk, at("09/06/2025 09:30"))
    act(dossier, Action.REQUEST_APOLOGY, desk.clerk, at("11/06/2025 09:00"), reason="Chậm",
        new_due_at=at("18/06/2025 09:00"))
    act(dossier, Action.APPROVE_APOLOGY, desk.chair, at("11/06/2025 10:00"))

    act(dossier, Action.FINISH, desk.clerk, at("13/06/2025 09:00"), outcome="approved")

    assert dossier.resolution == Resolution.LATE
    assert dossier.resolved_at == at("13/06/2025 09:00")
    assert dossier.apology_due_at == at("18/06/2025 09:00")


@pytest.mark.parametrize(
    ("finished_at", "resolution"),
    [("11/06/2025 16:00", Resolution.EARLY), ("12/06/2025 16:30", Resolution.ON_TIME),
     ("13/06/2025 08:00", Resolution.LATE)],
)
def test_finishing_stores_the_outcome_and_how_it_compares_with_the_due_date(desk, finished_at, resolution):
    dossier = register(desk.offering, at("09/06/2025 09:00"))  # due 12/06/2025 09:00
    act(dossier, Action.HAND_OVER, desk.clerk, at("09/06/2025 09:30"))

    event = act(dossier, Action.FINISH, desk.clerk, at(finished_at), outcome="approved")

    db.session.expire_all()
    assert (dossier.state, dossier.outcome, dossier.resolution) == (DossierState.FINISHED, Outcome.APPROVED,
                                                                    resolution)
    assert dossier.resolved_at == at(finished_at)
    assert event.details == {"outcome": "approved", "resolution": resolution}


@pytest.mark.parametrize(
    ("finished_at", "resolution"),
    [("29/04/2025 17:00", Resolution.EARLY), ("05/05/2025 10:00", Resolution.ON_TIME),
     ("05/05/2025 10:05", Resolution.LATE)],
)
def test_a_limit_in_working_hours_is_judged_by_the_time(world, finished_at, resolution):
    offering = make_offering(world.ward_a, "1.000005", 4, TimeUnit.WORKING_HOURS)
    db.session.commit()
    dossier = register(offering, at("29/04/2025 15:00"))  # due 05/05/2025 10:00

    act(dossier, Action.FINISH, world.user("clerk"), at(finished_at), outcome="approved")

    assert dossier.resolution == resolution


@pytest.mark.parametrize("outcome", [None, "", "maybe"])
def test_finishing_needs_an_outcome(desk, outcome):
    dossier = register(desk.offering, at("09/06/2025 09:00"))

    with pytest.raises(TransitionRefused, match="Chọn kết quả"):
        act(dossier, Action.FINISH, desk.clerk, at("10/06/2025 09:00"), outcome=outcome)


def test_a_refusal_needs_its_reasons_and_keeps_them(desk):
    dossier = register(desk.offering, at("09/06/2025 09:00"))
    with pytest.raises(TransitionRefused, match="lý do từ chối"):
        act(dossier, Action.FINISH, desk.clerk, at("10/06/2025 09:00"), outcome="refused", note="  ")
    db.session.rollback()

    act(dossier, Action.FINISH, desk.clerk, at("10/06/2025 09:00"), outcome="refused",
        note="Không đủ điều kiện theo Điều 5")

    assert (dossier.outcome, dossier.result_note) == (Outcome.REFUSED, "Không đủ điều kiện theo Điều 5")
    assert dossier.resolution == Resolution.EARLY


@pytest.mark.parametrize(("action", "state"), [(Action.WITHDRAW, DossierState.WITHDRAWN),
                                               (Action.STOP, DossierState.STOPPED)])
@pytest.mark.parametrize(("ended_at", "resolution"), [("12/06/2025 16:00", Resolution.ON_TIME),
                                                      ("13/06/2025 09:00", Resolution.LATE)])
def test_withdrawing_or_stopping_needs_a_note_and_resolves_the_dossier(desk, action, state, ended_at, resolution):
    dossier = register(desk.offering, at("09/06/2025 09:00"))  # due 12/06/2025 09:00
    act(dossier, Action.HAND_OVER, desk.clerk, at("09/06/2025 10:00"))
    with pytest.raises(TransitionRefused, match="Ghi rõ lý do"):
        act(dossier, action, desk.clerk, at(ended_at), note=" ")
    db.session.rollback()

    event = act(dossier, action, desk.clerk, at(ended_at), note="Công dân có đơn")

    db.session.expire_all()
    assert dossier.state == state
    assert (dossier.resolved_at, dossier.resolution) == (at(ended_at), resolution)
    assert dossier.result_note == "Công dân có đơn"
    assert dossier.outcome is None
    assert (event.note, event.details) == ("Công dân có đơn", {"resolution": resolution.value})


@pytest.mark.parametrize("action", [Action.WITHDRAW, Action.STOP])
def test_a_dossier_ended_while_awaiting_a_paused_supplement_is_not_late_for_the_time_waited(desk, action):
    dossier = register(desk.offering, at("09/06/2025 09:00"))  # due 12/06/2025 09:00, rule "pause"
    act(dossier, Action.REQUEST_SUPPLEMENT, desk.clerk, at("09/06/2025 10:00"), reason="Thiếu tờ khai")

    # 31 working hours waited so far do not count: the paused due time is 17/06/2025 17:00.
    act(dossier, action, desk.clerk, at("13/06/2025 09:00"), note="Công dân không bổ sung")

    assert dossier.resolution == Resolution.EARLY


def test_a_correction_keeps_old_and_new_values_and_refolds_the_search_name(desk):
    dossier = register(desk.offering, at("09/06/2025 09:00"), name="Nguyễn Văn An")

    event = act(dossier, Action.CORRECT, desk.clerk, at("10/06/2025 09:00"),
                corrections={"applicant_name": "Nguyễn  Văn Ân ", "applicant_phone": "0912345678",
                             "applicant_address": "15 Ngõ Trạm, Hoàn Kiếm"})

    db.session.expire_all()
    assert dossier.applicant_name == "Nguyễn Văn Ân"
    assert dossier.applicant_search == fold("Nguyễn Văn Ân") == "nguyen van an"
    assert dossier.applicant_address == "15 Ngõ Trạm, Hoàn Kiếm"
    assert event.details == {"changes": {
        "applicant_name": {"old": "Nguyễn Văn An", "new": "Nguyễn Văn Ân"},
        "applicant_address": {"old": "12 Ngõ Trạm, Hoàn Kiếm", "new": "15 Ngõ Trạm, Hoàn Kiếm"},
    }}  # the unchanged phone is not listed
    assert (event.from_state, event.to_state) == (DossierState.RECEIVED, DossierState.RECEIVED)


def test_the_search_name_follows_a_corrected_name(desk):
    dossier = register(desk.offering, at("09/06/2025 09:00"), name="Nguyễn Văn An")

    act(dossier, Action.CORRECT, desk.clerk, at("10/06/2025 09:00"),
        corrections={"applicant_name": "Đặng Thị Bích"})

    found = db.session.scalars(select(Dossier.id).where(Dossier.applicant_search.contains("dang thi bich"))).all()
    assert found == [dossier.id]
    assert db.session.scalars(select(Dossier.id).where(Dossier.applicant_search.contains("nguyen"))).all() == []


@pytest.mark.parametrize("corrections", [
    {},
    {"applicant_name": "Nguyễn Văn An"},
    {"applicant_name": " Nguyễn   Văn An ", "applicant_phone": "0912345678"},  # same once normalised
])
def test_a_correction_that_changes_nothing_is_refused(desk, corrections):
    dossier = register(desk.offering, at("09/06/2025 09:00"), name="Nguyễn Văn An")

    with pytest.raises(TransitionRefused, match="Không có thông tin nào thay đổi"):
        act(dossier, Action.CORRECT, desk.clerk, at("10/06/2025 09:00"), corrections=corrections)


@pytest.mark.parametrize("field", ["code", "state", "due_at", "received_at", "resolution"])
def test_only_the_applicants_details_can_be_corrected(desk, field):
    dossier = register(desk.offering, at("09/06/2025 09:00"))

    with pytest.raises(TransitionRefused, match=field):
        act(dossier, Action.CORRECT, desk.clerk, at("10/06/2025 09:00"), corrections={field: "X"})


def test_a_returned_dossier_can_still_be_corrected_and_nothing_is_ever_deleted(desk):
    dossier = register(desk.offering, at("09/06/2025 09:00"))
    register(desk.offering, at("09/06/2025 09:30"), name="Lê Văn Bình")
    act(dossier, Action.FINISH, desk.clerk, at("10/06/2025 09:00"), outcome="approved")
    act(dossier, Action.RETURN_RESULT, desk.clerk, at("10/06/2025 10:00"))
    events_before = db.session.scalars(select(DossierEvent.id).order_by(DossierEvent.id)).all()

    act(dossier, Action.CORRECT, desk.clerk, at("11/06/2025 09:00"),
        corrections={"applicant_id_number": "001085099999"})

    assert count(Dossier) == 2
    events_after = db.session.scalars(select(DossierEvent.id).order_by(DossierEvent.id)).all()
    assert events_after[:-1] == events_before and len(events_after) == len(events_before) + 1
    assert dossier.state == DossierState.RETURNED
    assert dossier.applicant_id_number == "001085099999"
    assert dossier.events[-1].details == {"changes": {"applicant_id_number": {"old": "001085012345",
                                                                              "new": "001085099999"}}}
