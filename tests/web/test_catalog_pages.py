"""The catalog pages: search without diacritics, htmx fragments, procedure detail, offerings and their summary."""
from datetime import date
from decimal import Decimal

import pytest

from app.catalog.models import Offering, OnlineKind, Procedure, ProcedureChannel, RequiredDocument
from app.catalog.queries import offering_summary
from app.extensions import db
from app.units.scope import subtree_unit_ids
from app.worktime.deadlines import TimeUnit
from conftest import make_procedure


def make_offering(unit, procedure, value, time_unit=TimeUnit.WORKING_DAYS, at_desk=True,
                  online_kind=OnlineKind.NONE, active_from=date(2025, 1, 1)):
    offering = Offering(unit=unit, procedure=procedure, at_desk=at_desk, online_kind=online_kind,
                        active_from=active_from)
    offering.set_committed_time(Decimal(value), time_unit)
    db.session.add(offering)
    db.session.flush()
    return offering


@pytest.fixture
def catalog(world):
    procedures = {
        "khai_sinh": make_procedure("1.001193", "Thủ tục đăng ký khai sinh"),
        "ket_hon": make_procedure("1.000894", "Thủ tục đăng ký kết hôn"),
        "chung_thuc": make_procedure("2.000815", "Chứng thực bản sao từ bản chính", field="Chứng thực",
                                     value=None, needs_review=True),
        "hoa_giai": make_procedure("1.012812", "Hòa giải tranh chấp đất đai", field="Đất đai", value=30,
                                   unit=TimeUnit.DAYS),
    }
    db.session.commit()
    return procedures


@pytest.mark.parametrize(
    ("typed", "expected_codes"),
    [
        ("khai sinh", {"1.001193"}),
        ("dang ky", {"1.001193", "1.000894"}),
        ("ĐĂNG KÝ KẾT HÔN", {"1.000894"}),
        ("1.0128", {"1.012812"}),
        ("chung thuc", {"2.000815"}),
        ("dat dai", {"1.012812"}),
        ("khai sinh ket hon", set()),
        ("%", set()),
    ],
)
def test_the_catalog_search_ignores_diacritics_and_case(client, world, login_as, catalog, typed, expected_codes):
    login_as(world.user("clerk", "a"))
    rows = client.get("/catalog/procedures", query_string={"q": typed}, headers={"HX-Request": "true"})
    page = rows.get_data(as_text=True)
    found = {code for code in ("1.001193", "1.000894", "2.000815", "1.012812") if code in page}
    assert found == expected_codes


def test_htmx_search_returns_only_the_table_and_the_same_url_gives_the_page(client, world, login_as, catalog):
    login_as(world.user("clerk", "a"))
    fragment = client.get("/catalog/procedures?q=khai+sinh", headers={"HX-Request": "true"})
    page = client.get("/catalog/procedures?q=khai+sinh")
    assert fragment.get_data(as_text=True).lstrip().startswith('<div id="procedure-rows">')
    assert "<html" not in fragment.get_data(as_text=True)
    assert "<html" in page.get_data(as_text=True)
    assert "HX-Request" in fragment.headers["Vary"] and "HX-Request" in page.headers["Vary"]


def test_a_boosted_request_gets_the_whole_page(client, world, login_as, catalog):
    login_as(world.user("clerk", "a"))
    response = client.get("/catalog/procedures", headers={"HX-Request": "true", "HX-Boosted": "true"})
    assert "<html" in response.get_data(as_text=True)


def test_procedures_needing_review_can_be_listed_apart(client, world, login_as, catalog):
    login_as(world.user("clerk", "a"))
    page = client.get("/catalog/procedures?review=yes", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "2.000815" in page and "1.001193" not in page


def test_the_procedure_page_shows_channels_and_documents(client, world, login_as, catalog):
    procedure = catalog["khai_sinh"]
    procedure.channels = [ProcedureChannel(channel="direct", time_value=Decimal(1), time_unit="working_days",
                                           time_text="1 Ngày làm việc", fee_text="Miễn phí")]
    procedure.documents = [RequiredDocument(position=1, name="Tờ khai đăng ký khai sinh", originals=1, copies=0)]
    db.session.commit()
    login_as(world.user("clerk", "a"))
    page = client.get("/catalog/procedures/1.001193").get_data(as_text=True)
    assert "Trực tiếp" in page and "1 ngày làm việc" in page and "Tờ khai đăng ký khai sinh" in page
    assert client.get("/catalog/procedures/9.999999").status_code == 404


def test_an_administrator_sets_the_time_of_a_flagged_procedure_and_clears_the_flag(client, world, login_as, catalog):
    login_as(world.users["admin_city"])
    response = client.post("/catalog/procedures/2.000815/review", data={
        "statutory_value": "0.5", "statutory_unit": "working_days", "note": "Điều 21 Nghị định 23/2015"})
    assert response.status_code == 303
    procedure = db.session.get(Procedure, catalog["chung_thuc"].id)
    db.session.refresh(procedure)
    assert not procedure.needs_review
    assert procedure.statutory_hours == Decimal(4)
    assert "Nghị định 23/2015" in procedure.review_notes


def test_shortened_is_derived_the_same_in_python_and_in_sql(world, catalog):
    ward = world.ward_a
    offerings = [
        make_offering(ward, catalog["khai_sinh"], 3),  # 3 < 5 working days: shortened
        make_offering(ward, catalog["ket_hon"], 40, TimeUnit.WORKING_HOURS),  # 40 h = 5 days: not shortened
        make_offering(ward, catalog["hoa_giai"], 20, TimeUnit.WORKING_DAYS),  # days vs working days: not comparable
        make_offering(ward, catalog["chung_thuc"], 2, TimeUnit.WORKING_HOURS, at_desk=False,
                      online_kind=OnlineKind.END_TO_END),  # statutory unknown: not shortened
    ]
    db.session.commit()
    assert [offering.is_shortened for offering in offerings] == [True, False, False, False]
    summary = offering_summary(subtree_unit_ids(ward), date(2026, 11, 25))
    assert summary == {"offered": 4, "at_desk": 3, "shortened": 1, "end_to_end": 1}


def test_only_the_latest_offering_in_force_counts(world, catalog):
    ward = world.ward_a
    make_offering(ward, catalog["khai_sinh"], 5, active_from=date(2024, 1, 1))  # not shortened
    make_offering(ward, catalog["khai_sinh"], 2, active_from=date(2025, 6, 1))  # shortened from June 2025
    make_offering(ward, catalog["khai_sinh"], 1, active_from=date(2027, 1, 1))  # not yet in force
    db.session.commit()
    assert offering_summary(subtree_unit_ids(ward), date(2025, 1, 1))["shortened"] == 0
    assert offering_summary(subtree_unit_ids(ward), date(2025, 6, 1)) == {
        "offered": 1, "at_desk": 1, "shortened": 1, "end_to_end": 0}


def test_the_offerings_page_shows_the_shortened_share(client, world, login_as, catalog):
    make_offering(world.ward_a, catalog["khai_sinh"], 3)
    make_offering(world.ward_a, catalog["ket_hon"], 5)
    db.session.commit()
    login_as(world.user("clerk", "a"))
    page = client.get(f"/units/{world.ward_a.id}/offerings").get_data(as_text=True)
    assert "1/2" in page and "50,0%" in page
    assert "Sửa" not in page  # a clerk reads, the chair edits


def test_a_chair_adds_an_offering_and_a_longer_than_statutory_time_is_refused(client, world, login_as, catalog):
    login_as(world.user("chair", "a"))
    url = f"/units/{world.ward_a.id}/offerings/new"
    form = {"procedure_code": "1.001193", "committed_value": "7", "committed_unit": "working_days",
            "online_kind": "mot_phan", "supplement_rule": "", "active_from": "2026-01-01", "at_desk": "y"}
    too_long = client.post(url, data=form)
    assert too_long.status_code == 422
    assert "Dài hơn thời hạn luật định (5 ngày làm việc)" in too_long.get_data(as_text=True)
    assert 'value="7"' in too_long.get_data(as_text=True)  # the chair's input is kept
    saved = client.post(url, data=dict(form, committed_value="2"))
    assert saved.status_code == 303
    offering = db.session.query(Offering).one()
    assert offering.is_shortened and offering.unit_id == world.ward_a.id


def test_a_chair_cannot_edit_the_offerings_of_a_unit_that_is_not_their_own(client, world, login_as, catalog):
    login_as(world.user("chair", "a"))
    assert client.get(f"/units/{world.ward_b.id}/offerings/new").status_code == 404
