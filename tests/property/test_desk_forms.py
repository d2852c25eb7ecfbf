"""Hostile values at the desk's forms and htmx endpoints: sign-in, intake, every dossier action, search,
the public lookup and rating. Never a 500, never the payload's markup in the page, a refusal writes
nothing, and what is stored is NFC, free of control characters and within its column."""
from datetime import date, datetime
from decimal import Decimal

import pytest
from hypothesis import assume, event, given
from hypothesis import strategies as st
from sqlalchemy import func, select

from app.catalog.models import Offering, OnlineKind
from app.dossiers.lifecycle import Action, DossierState
from app.dossiers.models import Dossier, DossierEvent
from app.dossiers.operations import Applicant, Intake, register_dossier
from app.extensions import db
from app.worktime.deadlines import OfficeHours, TimeUnit
from app.worktime.vietnam import build_calendar
from checks import assert_answered_cleanly, database_contents, hostile_settings, stored_text_problems
from conftest import make_procedure
from hostile import DATES, SCRIPT, hostile_date, hostile_number, hostile_text, hostile_value, odd_text

VALID_INTAKE = {
    "applicant_name": "Nguyễn Văn Thử", "applicant_id_number": "001099012345", "applicant_phone": "0912345678",
    "applicant_address": "Số 1 phố Hàng Bạc", "applicant_email": "thu@example.vn", "channel": "direct",
    "online_kind": "", "extra_documents": "Tờ khai", "sets_count": "1", "received_at": "03/03/2026 09:00",
}
INTAKE_STRATEGIES = {
    "applicant_name": hostile_text(), "applicant_id_number": hostile_value(), "applicant_phone": hostile_value(),
    "applicant_address": hostile_text(), "applicant_email": hostile_text(), "channel": hostile_text(),
    "online_kind": hostile_text(), "extra_documents": hostile_text(), "sets_count": hostile_number(),
    "received_at": hostile_date(), "procedure_filter": hostile_text(), "offering_id": hostile_number(),
    "documents-0-name": hostile_text(), "documents-0-count": hostile_number(), "documents-0-copy_kind": hostile_text(),
    "documents-0-received": hostile_text(),
}
# Fields that take free text: odd but short values there are mostly accepted, and must be stored clean.
TEXT_FIELDS = ["applicant_name", "applicant_address", "applicant_email", "extra_documents", "documents-0-name"]


def some_fields(strategies: dict, fields=None) -> st.SearchStrategy[dict]:
    """One to four fields of `strategies` (or of `fields`, drawn with `odd_text`) replaced by a hostile value."""
    names = sorted(fields or strategies)
    return st.lists(st.sampled_from(names), min_size=1, max_size=4, unique=True).flatmap(
        lambda keys: st.fixed_dictionaries({key: odd_text() if fields else strategies[key] for key in keys}))


@pytest.fixture
def desk(world):
    """Ward A offers one procedure; its clerk is signed in."""
    procedure = make_procedure("9.000777", "Đăng ký khai sinh thử")
    offering = Offering(unit=world.ward_a, procedure=procedure, active_from=date(2025, 1, 1),
                        online_kind=OnlineKind.PARTIAL)
    offering.set_committed_time(Decimal(3), TimeUnit.WORKING_DAYS)
    db.session.add(offering)
    db.session.commit()
    world.offering = offering
    return world


def counts() -> tuple[int, int]:
    return (db.session.scalar(select(func.count()).select_from(Dossier)),
            db.session.scalar(select(func.count()).select_from(DossierEvent)))


def fresh_dossier(offering: Offering, name: str = "Trần Thị Bình") -> Dossier:
    intake = Intake(offering=offering, applicant=Applicant(name, "001099012345"), channel="direct",
                    online_kind=None, received_at=datetime(2026, 11, 23, 9, 0))
    dossier = register_dossier(intake, build_calendar(OfficeHours()), None, "pause", datetime(2026, 11, 23, 9, 0))
    db.session.commit()
    return dossier


@hostile_settings(max_examples=60)
@given(changes=st.one_of(some_fields(INTAKE_STRATEGIES), some_fields(INTAKE_STRATEGIES, TEXT_FIELDS)))
def test_a_hostile_intake_is_saved_clean_or_refused_with_nothing_written(client, desk, login_as, changes):
    login_as(desk.user("clerk", "a"))
    form = VALID_INTAKE | {"offering_id": str(desk.offering.id)} | changes
    before = database_contents()
    response = client.post("/dossiers/new", data=form)
    page = assert_answered_cleanly(response, allowed=(200, 303, 404, 422))
    event(f"intake answered {response.status_code}")
    if response.status_code == 303:
        assert not stored_text_problems(before)
        created = db.session.scalars(select(Dossier).order_by(Dossier.id.desc())).first()
        assert created.applicant_id_number.isascii() and created.applicant_phone.isascii()
    else:
        assert database_contents() == before
        if response.status_code == 422:
            assert "không" in page.lower() or "nhập" in page.lower() or "chọn" in page.lower()


@hostile_settings(max_examples=30)
@given(value=hostile_value(), name=st.sampled_from(["offering_id", "received_at", "procedure_filter"]),
       endpoint=st.sampled_from(["/dossiers/new/procedure", "/dossiers/new/due", "/dossiers/new/offerings",
                                 "/dossiers/new"]))
def test_the_intake_fragments_answer_hostile_query_values_without_failing(client, desk, login_as, value, name,
                                                                          endpoint):
    login_as(desk.user("clerk", "a"))
    args = {"offering_id": str(desk.offering.id), "received_at": "03/03/2026 09:00", "procedure_filter": "khai"}
    args[name] = value
    before = database_contents()
    response = client.get(endpoint, query_string=args, headers={"HX-Request": "true"})
    assert_answered_cleanly(response, allowed=(200, 400, 404))
    assert database_contents() == before


ACTION_STRATEGIES = {
    "note": hostile_text(), "reason": hostile_text(), "to_office": hostile_text(), "outcome": hostile_text(),
    "new_due_at": hostile_date(), "applicant_name": hostile_text(), "applicant_id_number": hostile_value(),
    "applicant_phone": hostile_value(), "applicant_address": hostile_text(), "applicant_email": hostile_text(),
    "version": hostile_number(),
}
VALID_ACTION = {"note": "Ghi chú", "reason": "Thiếu bản sao", "to_office": "Công chức tư pháp - hộ tịch",
                "outcome": "approved", "new_due_at": "30/11/2026 16:00", "applicant_name": "Trần Thị Bình",
                "applicant_id_number": "001099012345", "applicant_phone": "", "applicant_address": "",
                "applicant_email": ""}


@hostile_settings(max_examples=80)
@given(action=st.one_of(st.sampled_from([a.value for a in Action]), st.sampled_from([a.value for a in Action]),
                        st.sampled_from([a.value for a in Action]), hostile_text()),
       steps=st.lists(st.sampled_from([Action.HAND_OVER, Action.REQUEST_SUPPLEMENT, Action.FINISH]), max_size=2),
       changes=st.one_of(some_fields(ACTION_STRATEGIES),
                         some_fields(ACTION_STRATEGIES, ["note", "reason", "to_office", "applicant_name",
                                                         "applicant_address", "applicant_email"])))
def test_a_hostile_action_is_applied_clean_or_leaves_the_dossier_as_it_was(client, desk, login_as, action, steps,
                                                                            changes):
    login_as(desk.user("chair", "a"))
    dossier = fresh_dossier(desk.offering)
    for step in steps:  # some examples act on a dossier further along its life
        client.post(f"/dossiers/{dossier.id}/act", data={"action": step, "version": str(dossier.version),
                                                          "to_office": "Tư pháp", "outcome": "approved",
                                                          "reason": "Thiếu giấy tờ"})
        db.session.refresh(dossier)
    form = VALID_ACTION | {"action": action, "version": str(dossier.version)} | changes
    before = database_contents()
    response = client.post(f"/dossiers/{dossier.id}/act", data=form)
    assert_answered_cleanly(response, allowed=(303, 400, 409, 422))
    event(f"action answered {response.status_code}")
    if response.status_code == 303:
        assert not stored_text_problems(before)
    else:
        assert database_contents() == before


@hostile_settings(max_examples=30)
@given(username=hostile_text(), password=hostile_text())
def test_signing_in_with_hostile_values_is_refused_with_a_message(client, world, username, password):
    assume(username.strip().lower() not in {user.username for user in world.users.values()})
    response = client.post("/login", data={"username": username, "password": password})
    page = assert_answered_cleanly(response, allowed=(200, 422))
    assert "đăng nhập" in page.lower()


SEARCH_ARGS = ["q", "state", "procedure_id", "field", "channel", "from", "to", "list", "sort", "page"]


@hostile_settings(max_examples=40)
@given(args=st.dictionaries(st.sampled_from(SEARCH_ARGS), hostile_value(), min_size=1, max_size=4),
       htmx=st.booleans())
def test_the_search_answers_any_query_with_a_page_not_a_failure(client, desk, login_as, args, htmx):
    login_as(desk.user("clerk", "a"))
    fresh_dossier(desk.offering, name=SCRIPT)
    response = client.get("/dossiers/", query_string=args, headers={"HX-Request": "true"} if htmx else {})
    page = assert_answered_cleanly(response, allowed=(200, 400))
    if response.status_code == 400:  # an id, page or date beyond what the app accepts: said in Vietnamese
        assert "Giá trị không hợp lệ" in page


@hostile_settings(max_examples=30)
@given(code=st.one_of(hostile_text(), st.just("")), pin=hostile_value(), comment=hostile_text(),
       rating=st.one_of(st.sampled_from(["satisfied", "acceptable", "dissatisfied"]), hostile_text()),
       right_code=st.booleans(), right_pin=st.booleans())
def test_the_public_lookup_and_rating_take_hostile_values_calmly(client, desk, code, pin, comment, rating,
                                                                  right_code, right_pin):
    dossier = fresh_dossier(desk.offering)
    dossier.state = DossierState.RETURNED  # a citizen may rate a dossier whose result was returned
    db.session.commit()
    code = dossier.code if right_code else code
    pin = dossier.lookup_pin if right_pin else pin
    assert_answered_cleanly(client.get("/tra-cuu", query_string={"code": code, "pin": pin}), allowed=(200,))
    assert_answered_cleanly(client.post("/tra-cuu", data={"code": code, "pin": pin}), allowed=(200, 404))
    before = database_contents()
    response = client.post("/tra-cuu/danh-gia", data={"code": code, "pin": pin, "rating": rating,
                                                      "comment": comment})
    assert_answered_cleanly(response, allowed=(200, 404, 409, 422))
    if response.status_code == 200 and database_contents() != before:
        assert not stored_text_problems(before)
    elif response.status_code != 200:
        assert database_contents() == before


def test_a_hostile_name_is_shown_escaped_on_the_dossiers_page_and_in_the_lists(client, desk, login_as):
    login_as(desk.user("clerk", "a"))
    form = VALID_INTAKE | {"offering_id": str(desk.offering.id), "applicant_name": SCRIPT,
                           "applicant_address": '"><img src=x onerror=alert(1)>'}
    response = client.post("/dossiers/new", data=form)
    assert response.status_code == 303
    for url in (response.headers["Location"], "/dossiers/?q=script", "/"):
        page = assert_answered_cleanly(client.get(url), allowed=(200,))
        if url != "/":
            assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


@pytest.mark.parametrize("value", DATES)
def test_an_impossible_receipt_time_is_refused_next_to_its_field(client, desk, login_as, value):
    login_as(desk.user("clerk", "a"))
    before = counts()
    response = client.post("/dossiers/new", data=VALID_INTAKE | {"offering_id": str(desk.offering.id),
                                                                 "received_at": value})
    page = assert_answered_cleanly(response, allowed=(422,))
    assert "Thời điểm" in page or "thời điểm" in page
    assert counts() == before


@pytest.mark.parametrize("url", ["/dossiers/new?offering_id=99999999999999999999",
                                 "/dossiers/new/due?offering_id=99999999999999999999&received_at=03/03/2026+09:00",
                                 "/dossiers/99999999999999999999", "/units/99999999999999999999/figures",
                                 "/calendar/?unit_id=99999999999999999999"])
def test_an_id_no_column_can_hold_is_refused_or_not_found(client, desk, login_as, url):
    login_as(desk.user("clerk", "a"))
    # In a path: 404 (no such record); in a query: 400 with the bounds' message.
    assert client.get(url).status_code == (404 if "?" not in url else 400)
