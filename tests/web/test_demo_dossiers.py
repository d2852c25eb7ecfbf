"""The demo's dossiers: a few months of a ward desk's work, made by the real operations."""
import itertools
import random
import re
from collections import Counter
from datetime import date, datetime, time

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app.audit.models import AuditEntry
from app.auth.models import Role
from app.catalog.models import ChannelKind
from app.demo.cli import load_demo
from app.demo.dossiers import FAMILY_NAMES, generate_dossiers
from app.dossiers.lifecycle import DossierState
from app.dossiers.models import Dossier
from app.dossiers.ontime import Resolution
from app.dossiers.queries import DESK_LISTS, DeskClock, desk_list_condition
from app.extensions import db
from app.lookup.models import DossierRating, Rating
from app.stats.figures import satisfaction
from app.units.models import Unit, UnitKind
from app.worktime.clock import calendar_for
from app.worktime.deadlines import TimeUnit, due_at, working_time_between

TODAY = date(2026, 6, 17)  # a Wednesday; two months back reaches over 30/4 and 1/5


def _make_demo(seed: int = 7, dossiers_per_day: float = 3, months: int = 2):
    load_demo(TODAY)
    wards = db.session.scalars(select(Unit).where(Unit.kind == UnitKind.WARD).order_by(Unit.code)).all()
    summary = generate_dossiers(wards, TODAY, random.Random(seed), dossiers_per_day, months)
    dossiers = db.session.scalars(select(Dossier).options(
        selectinload(Dossier.events), selectinload(Dossier.supplements), selectinload(Dossier.apology),
        selectinload(Dossier.unit))).all()
    return wards, summary, dossiers


def test_the_demo_dossiers_reach_every_state_with_late_ones_supplements_and_apologies(app):
    wards, summary, dossiers = _make_demo()
    assert summary.dossiers == len(dossiers) > 300
    assert {DossierState(d.state) for d in dossiers} == set(DossierState)
    assert Counter(d.resolution for d in dossiers)[Resolution.LATE] > 0
    periods = [period for d in dossiers for period in d.supplements]
    assert any(p.received_at is not None for p in periods) and any(p.received_at is None for p in periods)
    apologies = [d for d in dossiers if d.apology is not None]
    assert apologies
    calendars = {ward.id: calendar_for(ward) for ward in wards}
    for dossier in apologies:
        apology = dossier.apology
        assert apology.approved_by.role == Role.CHAIR and apology.approved_by.unit_id == dossier.unit_id
        calendar = calendars[dossier.unit_id]
        assert working_time_between(calendar, apology.requested_at, dossier.due_at).total_seconds() >= 8 * 3600
        assert apology.new_due_at > dossier.due_at
    assert {d.channel for d in dossiers} == set(ChannelKind)


def test_the_demo_dossiers_are_what_the_desk_would_have_recorded(app):
    wards, _, dossiers = _make_demo()
    codes = [d.code for d in dossiers]
    assert len(set(codes)) == len(codes)
    numbers_by_day = {}
    for dossier in dossiers:
        prefix, number = dossier.code.rsplit("-", 1)
        # Numbered by the desk that received it (another ward's centre for a few: Decree 118/2025).
        assert prefix == f"{dossier.desk_unit.code}-{dossier.received_at:%y%m%d}"
        numbers_by_day.setdefault(prefix, []).append(int(number))
    assert all(sorted(numbers) == list(range(1, len(numbers) + 1)) for numbers in numbers_by_day.values())

    calendars = {ward.id: calendar_for(ward) for ward in wards}
    present = datetime.combine(TODAY, time())
    for dossier in dossiers:
        calendar = calendars[dossier.unit_id]
        periods = calendar.working_periods(dossier.received_at.date())  # [] on a day off
        assert any(start <= dossier.received_at < end for start, end in periods)
        events = dossier.events
        assert events[0].action == "receive" and events[0].at == dossier.received_at
        assert [e.at for e in events] == sorted(e.at for e in events) and events[-1].at < present
        assert dossier.version == len(events)
        assert DossierState(events[-1].to_state) == dossier.state
        if not dossier.supplements and dossier.receiving_unit_id is None:
            assert dossier.due_at == due_at(calendar, dossier.received_at, dossier.time_value, dossier.time_unit)
        elif not dossier.supplements:  # the resolving ward's time runs from the end of the hand-over
            assert dossier.due_at == due_at(calendar, dossier.handover_due_at, dossier.time_value, dossier.time_unit)
        if DossierState(dossier.state).is_resolved:
            assert dossier.resolution is not None and dossier.resolved_at is not None
        else:
            assert dossier.resolution is None
    one = next(d for d in dossiers if d.time_unit == TimeUnit.WORKING_DAYS and not d.supplements)
    assert one.due_at == due_at(calendars[one.unit_id], one.received_at, one.time_value, TimeUnit.WORKING_DAYS)


def test_some_citizens_rate_their_returned_dossiers_after_collecting_the_result(app):
    wards, summary, dossiers = _make_demo()
    ratings = db.session.scalars(select(DossierRating).options(selectinload(DossierRating.dossier))).all()
    assert summary.rated == len(ratings) > 0
    assert {rating.rating for rating in ratings} == {r.value for r in Rating}
    present = datetime.combine(TODAY, time())
    for rating in ratings:
        dossier = rating.dossier
        assert dossier.state == DossierState.RETURNED
        assert dossier.rating_code_hash  # rated with the code drawn at the return (issue 12)
        returned_at = next(e.at for e in dossier.events if e.action == "return_result")
        assert returned_at < rating.rated_at < present
    # The engine counts them for the unit above the wards, over the whole demo.
    city = wards[0].parent
    figures = satisfaction(city, date(2026, 1, 1), TODAY)
    assert figures["rated"] == len(ratings)
    assert figures["satisfied"] == sum(rating.rating == Rating.SATISFIED for rating in ratings)


def test_the_demo_writes_its_audit_log_at_the_simulated_times_of_the_events(app):
    _, _, dossiers = _make_demo(dossiers_per_day=1, months=1)
    logged = Counter(db.session.execute(select(AuditEntry.target, AuditEntry.at, AuditEntry.user_id)).all())
    happened = Counter((d.code, e.at, e.actor_id) for d in dossiers for e in d.events)
    assert logged == happened and logged


def test_the_demo_applicants_look_like_vietnamese_citizens_of_the_ward(app):
    _, _, dossiers = _make_demo(dossiers_per_day=2, months=1)
    for dossier in dossiers:
        words = dossier.applicant_name.split()
        assert len(words) >= 3 and words[0] in FAMILY_NAMES
        assert re.fullmatch(r"\d{12}", dossier.applicant_id_number)
        assert re.fullmatch(r"0\d{9}", dossier.applicant_phone)
        assert dossier.applicant_address.endswith(f"{dossier.unit.name}, Thành phố Hà Nội")
        if dossier.channel == ChannelKind.ONLINE:
            assert dossier.online_kind is not None
        else:
            assert dossier.online_kind is None
    assert any(ch in "".join(d.applicant_name for d in dossiers) for ch in "ễầạđ")


def test_every_list_of_the_desks_home_page_has_dossiers_in_every_demo_ward(app):
    wards, _, _ = _make_demo(dossiers_per_day=8, months=1)
    for ward, hour in itertools.product(wards, (9, 15)):
        clock = DeskClock.at(datetime.combine(TODAY, time(hour)), calendar_for(ward))
        for name in DESK_LISTS:
            count = db.session.scalar(select(func.count()).select_from(Dossier).where(
                Dossier.unit_id == ward.id, desk_list_condition(name, clock)))
            assert count > 0, (ward.name, hour, name)


def test_the_same_seed_makes_the_same_dossiers(app):
    def fingerprint():
        return db.session.execute(select(Dossier.code, Dossier.applicant_name, Dossier.state, Dossier.due_at)
                                  .order_by(Dossier.code)).all()

    _make_demo(seed=11, dossiers_per_day=1, months=1)
    first = fingerprint()
    for table in ("dossier_ratings", "dossier_events", "supplement_periods", "apologies", "dossier_documents", "dossiers",
                  "dossier_counters"):
        db.session.execute(db.metadata.tables[table].delete())
    db.session.commit()
    wards = db.session.scalars(select(Unit).where(Unit.kind == UnitKind.WARD).order_by(Unit.code)).all()
    generate_dossiers(wards, TODAY, random.Random(11), 1, 1)
    assert fingerprint() == first and first


@pytest.mark.parametrize("first_args", [[], ["--no-dossiers"]])
def test_loading_the_demo_again_adds_no_dossiers(app, first_args):
    runner = app.test_cli_runner()
    small = ["--dossiers-per-day", "1", "--months", "1"]
    runner.invoke(args=["demo", "load", *small, *first_args])
    if first_args:
        assert db.session.scalar(select(func.count()).select_from(Dossier)) == 0
        created = runner.invoke(args=["demo", "load", *small])
        assert "Dữ liệu mẫu đã có sẵn" in created.output and "Đã tạo" in created.output
    count = db.session.scalar(select(func.count()).select_from(Dossier))
    assert count > 0
    again = runner.invoke(args=["demo", "load", *small])
    assert again.exit_code == 0 and "Hồ sơ mẫu đã có sẵn" in again.output
    assert db.session.scalar(select(func.count()).select_from(Dossier)) == count


def test_a_realistic_share_of_the_demo_is_received_at_another_wards_centre(app):
    from app.dossiers.handover import HandoverStep
    from app.dossiers.models import DossierEvent
    _, _, dossiers = _make_demo(dossiers_per_day=6)
    listed = [d for d in dossiers if d.procedure.field in ("Hộ tịch", "Chứng thực")]
    cross = [d for d in dossiers if d.receiving_unit_id is not None]
    assert cross and all(d.receiving_unit_id != d.unit_id for d in cross)
    assert all(d.procedure.field in ("Hộ tịch", "Chứng thực") for d in cross)
    assert 0.02 < len(cross) / len(listed) < 0.12
    for dossier in cross:
        assert dossier.code.startswith(dossier.receiving_unit.code + "-")  # numbered by the receiving desk
        actions = [e.action for e in dossier.events]
        if dossier.state == DossierState.RETURNED and dossier.result_at_receiving:
            assert actions.index(HandoverStep.RESULT_RECEIVED) < actions.index("return_result")
            returned = next(e for e in dossier.events if e.action == "return_result")
            assert returned.actor.unit_id == dossier.receiving_unit_id
        if dossier.handed_over_at is not None:
            sent = next(e for e in dossier.events if e.action == HandoverStep.SENT)
            assert sent.actor.unit_id == dossier.receiving_unit_id
    assert db.session.scalar(select(func.count()).select_from(DossierEvent).where(
        DossierEvent.action == HandoverStep.RECEIVED)) > 0


def test_the_demo_digitises_most_documents_reuses_a_returning_citizens_scans_and_issues_signed_results(app):
    from app.digitisation.models import StoredFile
    from app.digitisation.signing import verify_pdf
    from app.digitisation.results import trust_roots
    from app.digitisation.store import read_verified
    from app.dossiers.models import DossierDocument

    wards, _, dossiers = _make_demo()
    documents = db.session.scalars(select(DossierDocument)).all()
    digitised = [d for d in documents if d.digitised_at is not None]
    assert 0.4 < len(digitised) / len(documents) < 0.95  # not every dossier is digitised
    with_file = [d for d in digitised if d.scan_file_id is not None]
    assert with_file and len(with_file) < len(digitised)  # real files only for the recent weeks
    assert b"DEMO" in read_verified(with_file[0].scan_file)
    reused = [d for d in documents if d.reused_from_id is not None]
    assert reused
    for document in reused:
        source = document.reused_from
        assert source.dossier.applicant_id_number == document.dossier.applicant_id_number
        assert source.dossier_id != document.dossier_id and document.scan_file_id == source.scan_file_id
    forms = Counter(d.result_form for d in dossiers)
    assert forms["paper"] and forms["digitised"] and forms["electronic"]
    assert all(d.result_form is None for d in dossiers if d.state not in ("finished", "returned"))
    electronic = next(d for d in dossiers if d.result_form == "electronic")
    (report,) = verify_pdf(read_verified(electronic.result_file), trust_roots())
    assert report.ok and "DEMO" in report.signer
    assert db.session.scalar(select(func.count()).select_from(StoredFile)) > 0
