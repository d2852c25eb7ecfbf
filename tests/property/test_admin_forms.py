"""Hostile values at the administrators' and chairs' forms: users, units, offerings, a procedure's statutory
time, calendar days, index rubrics, criteria and manual scores; the figures' period pickers. Never a 500, never
the payload's markup in the page; a refusal writes nothing; what is stored is clean and fits its column."""
import io
import tempfile
from dataclasses import dataclass
from decimal import Decimal

import pytest
from flask import current_app
from hypothesis import event, example, given
from hypothesis import strategies as st

from app.extensions import db
from app.stats.index_models import Criterion, Rubric
from checks import assert_answered_cleanly, database_contents, hostile_settings, stored_text_problems
from conftest import make_procedure
from hostile import hostile_date, hostile_number, hostile_text, hostile_value, odd_text

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


@dataclass(frozen=True)
class Target:
    who: str  # a key of world.users
    url: object  # (objects) -> URL
    valid: object  # (objects) -> a form that is accepted
    fields: dict  # field -> strategy of hostile values
    text_fields: tuple = ()  # fields of free text, also tried with short odd text that may well be stored


TARGETS = {
    "user": Target("admin_city", lambda o: "/users/new",
                   lambda o: {"username": "nguoi.moi", "full_name": "Người Mới", "role": "clerk",
                              "unit_id": str(o["ward"].id), "password": "mat-khau-dai-12", "is_active": "y"},
                   {"username": hostile_text(), "full_name": hostile_text(), "role": hostile_text(),
                    "unit_id": hostile_number(), "password": hostile_text()}, ("full_name",)),
    "unit": Target("admin_city", lambda o: "/units/new",
                   lambda o: {"code": "000.09.09.H99", "name": "Phường Mới", "kind": "ward",
                              "parent_id": str(o["ward"].parent_id)},
                   {"code": hostile_text(), "name": hostile_text(), "kind": hostile_text(),
                    "parent_id": hostile_number()}, ("name",)),
    "offering": Target("admin_city", lambda o: f"/units/{o['ward'].id}/offerings/new",
                       lambda o: {"procedure_code": "9.000888", "committed_value": "2",
                                  "committed_unit": "working_days", "at_desk": "y", "online_kind": "none",
                                  "supplement_rule": "", "active_from": "01/01/2026"},
                       {"procedure_code": hostile_text(), "committed_value": hostile_number(),
                        "committed_unit": hostile_text(), "online_kind": hostile_text(),
                        "supplement_rule": hostile_text(), "active_from": hostile_date()}),
    "review": Target("admin_city", lambda o: "/catalog/procedures/9.000888/review",
                     lambda o: {"statutory_value": "5", "statutory_unit": "working_days", "note": "Điều 16 Luật Hộ tịch"},
                     {"statutory_value": hostile_number(), "statutory_unit": hostile_text(), "note": hostile_text()},
                     ("note",)),
    "override": Target("admin_city", lambda o: "/calendar/overrides",
                       lambda o: {"day": "31/12/2026", "is_working": "0", "unit_id": str(o["ward"].id),
                                  "note": "Quyết định số 1/QĐ-UBND"},
                       {"day": hostile_date(), "is_working": hostile_text(), "unit_id": hostile_number(),
                        "note": hostile_text()}, ("note",)),
    "rubric": Target("admin_city", lambda o: f"/index/rubrics/{o['rubric'].id}/edit",
                     lambda o: {"name": "Bộ tiêu chí thử", "description": "Căn cứ"},
                     {"name": hostile_text(), "description": hostile_text()}, ("name", "description")),
    "rubric copy": Target("admin_city", lambda o: f"/index/rubrics/{o['rubric'].id}/copy",
                          lambda o: {"year": "2031"}, {"year": hostile_number()}),
    "criterion": Target("admin_city", lambda o: f"/index/rubrics/{o['rubric'].id}/criteria/new",
                        lambda o: {"code": "T-9", "position": "2", "name": "Tiêu chí mới", "max_points": "1",
                                   "method": "auto", "figure": "on_time_rate", "rule": "bands",
                                   "bands_text": "100 → 100%\n95 → 50%", "share_without_data": "0", "source": ""},
                        {"code": hostile_text(), "position": hostile_number(), "name": hostile_text(),
                         "max_points": hostile_number(), "method": hostile_text(), "figure": hostile_text(),
                         "rule": hostile_text(), "bands_text": hostile_value(),
                         "share_without_data": hostile_number(), "source": hostile_text()},
                        ("code", "name", "source", "bands_text")),
    "manual score": Target("chair_a", lambda o: f"/units/{o['ward'].id}/index/criteria/{o['criterion'].id}",
                           lambda o: {f"criterion-{o['criterion'].id}-points": "1",
                                      f"criterion-{o['criterion'].id}-note": "Tự chấm",
                                      f"criterion-{o['criterion'].id}-evidence_url": "https://ubnd.example.vn/a.pdf"},
                           {"points": hostile_number(), "note": hostile_text(), "evidence_url": hostile_text(),
                            "evidence_file": hostile_text()}, ("note", "evidence_file")),
}


@pytest.fixture
def objects(world):
    current_app.config.setdefault("INDEX_EVIDENCE_DIR", tempfile.mkdtemp(prefix="motcua-evidence-"))
    make_procedure("9.000888", "Chứng thực bản sao thử", value=None, unit=None, needs_review=True)
    rubric = Rubric(code="thu", year=2026, name="Bộ tiêu chí thử")
    rubric.criteria.append(Criterion(position=1, code="T-1", name="Công khai thủ tục", max_points=Decimal(2),
                                     method="manual"))
    db.session.add(rubric)
    db.session.commit()
    return {"ward": world.ward_a, "rubric": rubric, "criterion": rubric.criteria[0]}


def _form(target: Target, objects: dict, changes: dict) -> dict:
    form = target.valid(objects)
    prefix = f"criterion-{objects['criterion'].id}-" if target is TARGETS["manual score"] else ""
    for name, value in changes.items():
        if name == "evidence_file":  # the value is the uploaded file's name
            form[prefix + name] = (io.BytesIO(PDF), value + ".pdf")
        else:
            form[prefix + name] = value
    return form


def _changes(target: Target) -> st.SearchStrategy[dict]:
    def pick(names, odd):
        return st.lists(st.sampled_from(sorted(names)), min_size=1, max_size=3, unique=True).flatmap(
            lambda keys: st.fixed_dictionaries({key: odd_text() if odd else target.fields[key] for key in keys}))
    return st.one_of(pick(target.fields, False), *([pick(target.text_fields, True)] if target.text_fields else []))


@pytest.mark.parametrize("name", sorted(TARGETS))
@hostile_settings(max_examples=25)
@given(data=st.data())
def test_a_hostile_admin_form_is_saved_clean_or_refused_with_nothing_written(client, objects, login_as, world, name,
                                                                             data):
    target = TARGETS[name]
    changes = data.draw(_changes(target), label="changes")
    login_as(world.users[target.who])
    before = database_contents()
    response = client.post(target.url(objects), data=_form(target, objects, changes),
                           content_type="multipart/form-data")
    page = assert_answered_cleanly(response, allowed=(200, 303, 400, 404, 422))
    event(f"{name} answered {response.status_code}")
    if response.status_code == 303:
        assert not stored_text_problems(before)
    elif response.status_code != 200:
        assert database_contents() == before
    if response.status_code == 422:
        assert any(word in page for word in ("không", "Không", "Nhập", "Chọn", "Chỉ", "Ghi", "phải"))


PERIOD_ARGS = ["period", "year", "number", "from", "to", "sort", "order"]


@hostile_settings(max_examples=40)
@given(args=st.dictionaries(st.sampled_from(PERIOD_ARGS), hostile_value(), min_size=1, max_size=4),
       page=st.sampled_from(["figures", "comparison", "figures.csv", "comparison.xlsx"]), htmx=st.booleans())
def test_the_period_pickers_answer_any_period_with_a_page_not_a_failure(client, world, login_as, args, page, htmx):
    login_as(world.users["officer_city"])
    response = client.get(f"/units/{world.city.id}/{page}", query_string=args,
                          headers={"HX-Request": "true"} if htmx else {})
    page = assert_answered_cleanly(response, allowed=(200, 303, 422))
    if response.status_code == 422:
        assert "kỳ" in page.lower() or "ngày" in page.lower()


@hostile_settings(max_examples=30)
@given(args=st.dictionaries(st.sampled_from(["q", "field", "review", "procedure_code", "year", "unit_id", "rubric"]),
                            hostile_value(), min_size=1, max_size=3),
       url=st.sampled_from(["/catalog/procedures", "/catalog/procedures/suggest", "/calendar/", "/units/",
                            "/index/rubrics", "/units/{ward}/offerings", "/units/{ward}/index"]))
def test_lists_and_suggestions_answer_any_query_with_a_page_not_a_failure(client, objects, login_as, world, args, url):
    login_as(world.users["admin_city"])
    response = client.get(url.format(ward=world.ward_a.id), query_string=args, headers={"HX-Request": "true"})
    assert_answered_cleanly(response, allowed=(200, 400, 404))


DECIMAL_FIELDS = [("offering", "committed_value"), ("review", "statutory_value"), ("criterion", "max_points"),
                  ("criterion", "share_without_data"), ("manual score", "points")]


@pytest.mark.parametrize("name, field", DECIMAL_FIELDS, ids=[f"{n}-{f}" for n, f in DECIMAL_FIELDS])
@hostile_settings(max_examples=5)
@example(value="sNaN")
@example(value="1e-999999")
@example(value="NaN")
@example(value="-Infinity")
@example(value="1E+999999")
@given(value=st.one_of(hostile_number(), st.decimals(allow_nan=True, allow_infinity=True).map(str)))
def test_a_decimal_that_is_no_finite_number_is_refused_beside_its_field(client, objects, login_as, world, name,
                                                                         field, value):
    target = TARGETS[name]
    login_as(world.users[target.who])
    before = database_contents()
    response = client.post(target.url(objects), data=_form(target, objects, {field: value}),
                           content_type="multipart/form-data")
    assert_answered_cleanly(response, allowed=(200, 303, 422))
    if value in ("sNaN", "1e-999999", "NaN", "-Infinity", "1E+999999"):
        assert response.status_code in (200, 422)
        assert database_contents() == before
