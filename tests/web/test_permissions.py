"""Every route, every role, ward A against ward B: scoping is one mechanism, and these tests hold it to that.

The matrix is checked against the app's URL map, so a new route without a row here fails the suite.
"""
import io
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal

import pytest

from app.auth.models import Role, User
from app.catalog.models import Offering, OnlineKind, Procedure
from app.digitisation.filecheck import Accepted
from app.digitisation.models import ResultForm
from app.digitisation.store import store
from app.dossiers.lifecycle import DossierState
from app.dossiers.operations import Applicant, Intake, ReceivedDocument, register_dossier
from app.extensions import db
from app.reports.jobs import papers_dir
from app.reports.models import JobStatus, PaperJob
from app.worktime.deadlines import OfficeHours, TimeUnit
from app.worktime.vietnam import build_calendar
from app.worktime.models import DayOverride
from scan_files import image_bytes, pdf_bytes
from test_index import index_objects
from test_papers_pdf import paper_dossier

ALL_ROLES = {Role.CLERK, Role.CHAIR, Role.OFFICER, Role.ADMIN}
DESK_ROLES = {Role.CLERK, Role.CHAIR}


@dataclass(frozen=True)
class Route:
    method: str
    url: object  # (objects of the target ward) -> URL
    roles: frozenset  # roles allowed to use it
    success: int = 200
    data: object = None  # (objects) -> form data for POST
    scoped: bool = True  # does the URL name something that belongs to one ward?


def _form_for_override(objects):
    return {"day": "2026-12-31", "is_working": "0", "unit_id": str(objects["unit"].id), "note": "Quyết định thử"}


def _results_url(objects, suffix):
    index_objects(objects)  # the rubric of 2025 the URL names
    return f"/units/{objects['unit'].id}/index/results{suffix}?year=2025&rubric=thu"


ROUTES = {
    "home.index": Route("GET", lambda o: "/", ALL_ROLES, scoped=False),
    "auth.login": Route("GET", lambda o: "/login", ALL_ROLES, success=302, scoped=False),
    "auth.logout": Route("POST", lambda o: "/logout", ALL_ROLES, success=302, scoped=False),
    "auth.password_change": Route("GET", lambda o: "/account/password", ALL_ROLES, scoped=False),
    "auth.user_list": Route("GET", lambda o: "/users", {Role.ADMIN}, scoped=False),
    "auth.user_new": Route("GET", lambda o: "/users/new", {Role.ADMIN}, scoped=False),
    # The log of the user's own subtree (test_audit.py checks what each one sees in it).
    "audit.entry_list": Route("GET", lambda o: "/audit?kind=login&date_from=01/01/2026",
                              {Role.CHAIR, Role.OFFICER, Role.ADMIN}, scoped=False),
    "auth.user_edit": Route("GET", lambda o: f"/users/{o['user'].id}/edit", {Role.ADMIN}),
    "units.unit_list": Route("GET", lambda o: "/units/", ALL_ROLES, scoped=False),
    "units.unit_new": Route("GET", lambda o: "/units/new", {Role.ADMIN}, scoped=False),
    "units.unit_edit": Route("GET", lambda o: f"/units/{o['unit'].id}/edit", {Role.ADMIN}),
    "catalog.procedure_list": Route("GET", lambda o: "/catalog/procedures", ALL_ROLES, scoped=False),
    "catalog.procedure_suggest": Route("GET", lambda o: "/catalog/procedures/suggest?procedure_code=khai", ALL_ROLES, scoped=False),
    "catalog.procedure_detail": Route("GET", lambda o: "/catalog/procedures/9.999001", ALL_ROLES, scoped=False),
    "catalog.procedure_review": Route("GET", lambda o: "/catalog/procedures/9.999001/review", {Role.ADMIN}, scoped=False),
    "catalog.offering_list": Route("GET", lambda o: f"/units/{o['unit'].id}/offerings", ALL_ROLES),
    "catalog.offering_new": Route("GET", lambda o: f"/units/{o['unit'].id}/offerings/new", {Role.ADMIN, Role.CHAIR}),
    "catalog.offering_edit": Route("GET", lambda o: f"/offerings/{o['offering'].id}/edit", {Role.ADMIN, Role.CHAIR}),
    "dossiers.intake": Route("GET", lambda o: "/dossiers/new", DESK_ROLES, scoped=False),
    "dossiers.intake_procedure": Route("GET", lambda o: f"/dossiers/new/procedure?offering_id={o['offering'].id}", DESK_ROLES),
    "dossiers.intake_due": Route("GET", lambda o: f"/dossiers/new/due?offering_id={o['offering'].id}&received_at=25/11/2026+09:00", DESK_ROLES),
    "dossiers.intake_offerings": Route("GET", lambda o: "/dossiers/new/offerings?procedure_filter=thu", DESK_ROLES, scoped=False),
    "dossiers.search": Route("GET", lambda o: "/dossiers/?q=nguyen", ALL_ROLES, scoped=False),
    "dossiers.detail": Route("GET", lambda o: f"/dossiers/{o['dossier'].id}", ALL_ROLES),
    "dossiers.act": Route("POST", lambda o: f"/dossiers/{o['dossier'].id}/act", DESK_ROLES, success=303,
                          data=lambda o: {"action": "hand_over", "version": str(o["dossier"].version)}),
    # Digitisation (issue 14): files are read by whoever may see the dossier; only its own desk writes.
    "digitisation.scan_file": Route("GET", lambda o: f"/dossiers/{scanned(o).dossier_id}/documents/{scanned(o).id}/scan",
                                    ALL_ROLES),
    "digitisation.scan_upload": Route(
        "POST", lambda o: f"/dossiers/{o['dossier'].id}/documents/{o['dossier'].documents[0].id}/scan", DESK_ROLES,
        success=303, data=lambda o: {"file": (io.BytesIO(image_bytes("PNG")), "scan.png")}),
    "digitisation.scan_reuse": Route(
        "POST", lambda o: f"/dossiers/{o['dossier'].id}/documents/{o['dossier'].documents[0].id}/reuse", DESK_ROLES,
        success=303, data=lambda o: {"source_id": str(scanned(o).id)}),
    "digitisation.result_record": Route("POST", lambda o: f"/dossiers/{o['dossier'].id}/result", DESK_ROLES,
                                        success=303, data=lambda o: {"result_form": "paper"}),
    "digitisation.result_file": Route("GET", lambda o: f"/dossiers/{electronic_result(o).id}/result", ALL_ROLES),
    "digitisation.intake_reusable": Route("GET", lambda o: "/dossiers/new/reusable?applicant_id_number=001099012345",
                                          DESK_ROLES, scoped=False),
    "dossiers.payment": Route("POST", lambda o: f"/dossiers/{o['dossier'].id}/payment", DESK_ROLES, success=303,
                              data=lambda o: {"version": str(o["dossier"].version), "fee_due": "50.000",
                                              "fee_paid": "50.000", "payment_method": "cash",
                                              "paid_at": "23/11/2026 10:00", "receipt_number": "0001234"}),
    "feedback.feedback_list": Route("GET", lambda o: "/feedback/?state=open", ALL_ROLES, scoped=False),
    "feedback.feedback_new": Route("GET", lambda o: "/feedback/new", DESK_ROLES, scoped=False),
    "feedback.feedback_detail": Route("GET", lambda o: f"/feedback/{feedback_of(o).id}", ALL_ROLES),
    "feedback.feedback_assign": Route("POST", lambda o: f"/feedback/{feedback_of(o).id}/assign", DESK_ROLES,
                                      success=303, data=lambda o: {"assigned_to": "Tư pháp - Hộ tịch"}),
    "feedback.feedback_answer": Route("POST", lambda o: f"/feedback/{feedback_of(o).id}/answer", DESK_ROLES,
                                      success=303, data=lambda o: {"answered_at": "24/11/2026 09:00",
                                                                   "answer": "Đã trả lời công dân."}),
    "feedback.feedback_rate": Route("POST", lambda o: f"/feedback/{feedback_of(o, answered=True).id}/rate",
                                    DESK_ROLES, success=303, data=lambda o: {"satisfaction": "satisfied"}),
    "index.rubric_list": Route("GET", lambda o: "/index/rubrics", ALL_ROLES, scoped=False),
    "index.rubric_detail": Route("GET", lambda o: f"/index/rubrics/{index_objects(o)['rubric'].id}", ALL_ROLES,
                                 scoped=False),
    "index.rubric_edit": Route("GET", lambda o: f"/index/rubrics/{index_objects(o)['rubric'].id}/edit", {Role.ADMIN},
                               scoped=False),
    "index.rubric_copy": Route("GET", lambda o: f"/index/rubrics/{index_objects(o)['rubric'].id}/copy?year=2030",
                               {Role.ADMIN}, scoped=False),
    "index.criterion_new": Route("GET", lambda o: f"/index/rubrics/{index_objects(o)['rubric'].id}/criteria/new",
                                 {Role.ADMIN}, scoped=False),
    "index.criterion_edit": Route("GET", lambda o: f"/index/criteria/{index_objects(o)['criterion'].id}/edit",
                                  {Role.ADMIN}, scoped=False),
    # Refused with a message (303) while the ward's manual score exists; the rubric is not a ward's.
    "index.criterion_delete": Route("POST", lambda o: f"/index/criteria/{index_objects(o)['criterion'].id}/delete",
                                    {Role.ADMIN}, success=303, scoped=False),
    "index.unit_index": Route("GET", lambda o: f"/units/{o['unit'].id}/index?year=2025&rubric=thu", ALL_ROLES),
    # The published results of the unit's subtree (a ward has none below it: an empty page, PDF and table).
    "index.results": Route("GET", lambda o: _results_url(o, ""), {Role.OFFICER, Role.ADMIN}),
    "index.results_pdf": Route("GET", lambda o: _results_url(o, ".pdf"), {Role.OFFICER, Role.ADMIN}),
    "index.results_xlsx_download": Route("GET", lambda o: _results_url(o, ".xlsx"), {Role.OFFICER, Role.ADMIN}),
    "index.manual_score_save": Route(
        "POST", lambda o: f"/units/{o['unit'].id}/index/criteria/{index_objects(o)['criterion'].id}", {Role.CHAIR},
        success=303, data=lambda o: {f"criterion-{index_objects(o)['criterion'].id}-{name}": value for name, value in (
            ("points", "1"), ("note", "Tự chấm"), ("evidence_url", "https://ubnd.example.vn/a.pdf"))}),
    # An officer or administrator of the ward itself is refused with a message (303), not a 403.
    "index.manual_score_confirm": Route("POST", lambda o: f"/index/manual-scores/{index_objects(o)['score'].id}/confirm",
                                        {Role.OFFICER, Role.ADMIN}, success=303),
    "index.manual_score_reject": Route(
        "POST", lambda o: f"/index/manual-scores/{index_objects(o)['score'].id}/reject", {Role.OFFICER, Role.ADMIN},
        success=303, data=lambda o: {f"score-{index_objects(o)['score'].id}-review_note": "Thiếu ảnh niêm yết"}),
    "index.evidence_download": Route("GET", lambda o: f"/index/manual-scores/{index_objects(o)['score'].id}/evidence",
                                     ALL_ROLES),
    "reports.receipt": Route("GET", lambda o: f"/dossiers/{o['dossier'].id}/receipt.pdf", ALL_ROLES),
    # The dossier is first moved into the state where the paper applies (test_papers_pdf.paper_dossier).
    "reports.supplement": Route("GET", lambda o: f"/dossiers/{paper_dossier(o, 'supplement').id}/supplement.pdf", ALL_ROLES),
    "reports.refusal": Route("GET", lambda o: f"/dossiers/{paper_dossier(o, 'refusal').id}/refusal.pdf", ALL_ROLES),
    "reports.apology": Route("GET", lambda o: f"/dossiers/{paper_dossier(o, 'apology').id}/apology.pdf", ALL_ROLES),
    "reports.stopping": Route("GET", lambda o: f"/dossiers/{paper_dossier(o, 'stopping').id}/stopping.pdf", ALL_ROLES),
    "reports.control": Route("GET", lambda o: f"/dossiers/{o['dossier'].id}/control.pdf", ALL_ROLES),
    "reports.register_page": Route("GET", lambda o: "/register", ALL_ROLES, scoped=False),
    # The register prints in the background (app/reports/jobs.py): the POST queues it, its page and
    # file are scoped by the job's unit.
    "reports.register_print": Route("POST", lambda o: f"/units/{o['unit'].id}/register/print", ALL_ROLES, success=303,
                                    data=lambda o: {"first_day": "01/11/2026", "last_day": "30/11/2026"}),
    "papers.job": Route("GET", lambda o: f"/papers/{paper_job(o).id}", ALL_ROLES),
    "papers.job_file": Route("GET", lambda o: f"/papers/{paper_job(o).id}/file", ALL_ROLES),
    "reports.register_xlsx": Route("GET", lambda o: f"/units/{o['unit'].id}/register.xlsx?first_day=01/11/2026&last_day=30/11/2026",
                                   ALL_ROLES),
    "quarterly.report_pdf": Route("GET", lambda o: f"/units/{o['unit'].id}/report-q.pdf?year=2025&quarter=4", ALL_ROLES),
    # A period's report (issue 11): everyone of the unit or above reads it; only the unit's own chair writes
    # and submits (a chair of another unit cannot even see it: 404); the higher unit's page of submissions.
    "report.report_page": Route("GET", lambda o: f"/units/{o['unit'].id}/report?kind=quarter&year=2025&number=4", ALL_ROLES),
    "report.report_pdf": Route("GET", lambda o: f"/units/{o['unit'].id}/report.pdf?kind=month&year=2025&number=11",
                               ALL_ROLES),
    "report.report_docx": Route("GET", lambda o: f"/units/{o['unit'].id}/report.docx?kind=quarter&year=2025&number=4",
                                ALL_ROLES),
    "report.sections_save": Route("POST", lambda o: f"/units/{o['unit'].id}/report/sections", {Role.CHAIR}, success=303,
                                  data=lambda o: {"kind": "quarter", "year": "2025", "number": "4",
                                                  "assessment": "Đánh giá thử"}),
    "report.report_submit": Route("POST", lambda o: f"/units/{o['unit'].id}/report/submit", {Role.CHAIR}, success=303,
                                  data=lambda o: {"kind": "quarter", "year": "2025", "number": "4", "confirm": "1"}),
    "report.submissions_page": Route("GET", lambda o: f"/units/{o['unit'].id}/submissions?kind=quarter&year=2025&number=4",
                                     {Role.CHAIR, Role.OFFICER, Role.ADMIN}),
    # Public: the citizen's lookup by code and PIN (issue 6); anyone, signed in or not, the same answer.
    "lookup.lookup": Route("GET", lambda o: f"/tra-cuu?code={o['dossier'].code}&pin={o['dossier'].lookup_pin}",
                           ALL_ROLES, scoped=False),
    # Only the citizen rates (issue 12): signed-in staff are refused, whatever their role.
    "lookup.rate": Route("POST", lambda o: "/tra-cuu/danh-gia", frozenset(), success=303, scoped=False,
                         data=lambda o: {"code": o["dossier"].code, "pin": o["dossier"].lookup_pin,
                                         "rating": "satisfied"}),
    # The citizen's signed result, with the receipt's code and PIN: the same for anyone.
    "digitisation.public_result": Route(
        "GET", lambda o: f"/tra-cuu/ket-qua?code={electronic_result(o).code}&pin={o['dossier'].lookup_pin}",
        ALL_ROLES, scoped=False),
    "stats.dashboard": Route("GET", lambda o: f"/units/{o['unit'].id}/figures?period=quarter&year=2026&number=3", ALL_ROLES),
    "stats.figures_export": Route("GET", lambda o: f"/units/{o['unit'].id}/figures.xlsx?period=year&year=2026", ALL_ROLES),
    "stats.comparison": Route("GET", lambda o: f"/units/{o['unit'].id}/comparison?period=month&year=2026&number=10", ALL_ROLES),
    "stats.qd766_unit": Route("GET", lambda o: f"/units/{o['unit'].id}/766?month=2026-11", ALL_ROLES),
    "stats.comparison_export": Route("GET", lambda o: f"/units/{o['unit'].id}/comparison.csv", ALL_ROLES),
    "worktime.calendar_view": Route("GET", lambda o: f"/calendar/?unit_id={o['unit'].id}", ALL_ROLES),
    # The unit is in the form, not the URL: see test_an_administrator_cannot_declare_a_day_for_another_ward.
    "worktime.override_add": Route("POST", lambda o: "/calendar/overrides", {Role.ADMIN}, success=303,
                                   data=_form_for_override, scoped=False),
    "worktime.override_delete": Route("POST", lambda o: f"/calendar/overrides/{o['override'].id}/delete",
                                      {Role.ADMIN}, success=303),
    # National: only the top administrator's confirmation writes (test_official_calendar_pages.py).
    "worktime.official_confirm": Route("POST", lambda o: "/calendar/official/confirm", {Role.ADMIN}, success=303,
                                       data=lambda o: {"year": "2026", "day": "24/11/2026", "document": "Thử"},
                                       scoped=False),
}

# A specialist civil servant opens their desk, their account and the dossiers handed to them — the
# matrix's dossier is not handed to anyone, so those answer 404 (test_specialist_desk.py hands one).
HANDED_DOSSIER_ROUTES = {"dossiers.detail", "dossiers.act", "reports.control"}
for _endpoint in ("home.index", "auth.login", "auth.logout", "auth.password_change", "dossiers.search",
                  "lookup.lookup", *HANDED_DOSSIER_ROUTES):
    ROUTES[_endpoint] = replace(ROUTES[_endpoint], roles=ROUTES[_endpoint].roles | {Role.SPECIALIST})

# Open to everyone: no login, nothing scoped to a ward.
PUBLIC_ENDPOINTS = {"lookup.lookup", "lookup.rate", "digitisation.public_result"}

# Who signs in: users in ward A, in the district above A, and in the city above everything.
USERS = ["clerk_a", "chair_a", "specialist_a", "admin_a", "officer_district", "admin_district", "officer_city", "admin_city"]


def feedback_of(objects: dict, answered: bool = False):
    """An item of the target ward's feedback register (answered, for the rating route); made once per test."""
    if "feedback" not in objects:
        from test_feedback import make_feedback
        objects["feedback"] = make_feedback(objects["unit"], datetime(2026, 11, 23, 9, 0),
                                            datetime(2026, 11, 24, 9, 0) if answered else None)
    return objects["feedback"]


def paper_job(objects: dict) -> PaperJob:
    """A printed register of the target ward, with its file; made once per test."""
    if "paper_job" not in objects:
        stored_as = f"permissions-{objects['unit'].id}.pdf"
        (papers_dir() / stored_as).write_bytes(b"%PDF-1.4\n%%EOF\n")
        job = PaperJob(kind="register", unit_id=objects["unit"].id, params={"first_day": "2026-11-01",
                                                                            "last_day": "2026-11-30"},
                       status=JobStatus.DONE, rows=1, progress=100, file_name="so-theo-doi.pdf", stored_as=stored_as,
                       size_bytes=14, created_at=datetime(2026, 11, 30, 9, 0), finished_at=datetime(2026, 11, 30, 9, 1))
        db.session.add(job)
        db.session.commit()
        objects["paper_job"] = job
    return objects["paper_job"]


def scanned(objects: dict):
    """An earlier dossier of the same applicant in the target ward, its document digitised (made once)."""
    if "scanned" not in objects:
        dossier = objects["dossier"]
        intake = Intake(offering=objects["offering"], applicant=Applicant("Nguyễn Văn Thử", dossier.applicant_id_number),
                        channel="direct", online_kind=None, received_at=datetime(2026, 11, 2, 9, 0),
                        documents=[ReceivedDocument("Tờ khai")])
        earlier = register_dossier(intake, build_calendar(OfficeHours()), None, "pause", datetime(2026, 11, 2, 9, 0))
        document = earlier.documents[0]
        document.scan_file = store(pdf_bytes("Giay to da quet"), Accepted("application/pdf", "pdf", 1), "a.pdf", None,
                                   datetime(2026, 11, 2, 9, 5))
        document.digitised_at = datetime(2026, 11, 2, 9, 5)
        db.session.commit()
        objects["scanned"] = document
    return objects["scanned"]


def electronic_result(objects: dict):
    """The matrix's dossier with its result issued electronically (the file as if signed elsewhere)."""
    dossier = objects["dossier"]
    if dossier.result_file_id is None:
        dossier.state = DossierState.RETURNED
        dossier.result_form = ResultForm.ELECTRONIC
        dossier.result_file = store(pdf_bytes("Ket qua"), Accepted("application/pdf", "pdf", 1), "kq.pdf", None,
                                    datetime(2026, 11, 25, 9, 0))
        db.session.commit()
    return dossier


def _objects_of(world, ward):
    procedure = db.session.query(Procedure).filter_by(code="9.999001").one_or_none()
    if procedure is None:
        procedure = Procedure(code="9.999001", name="Thủ tục thử nghiệm", field="Hộ tịch")
        procedure.set_statutory_time(Decimal(5), TimeUnit.WORKING_DAYS)
        procedure.refresh_search_key()
        db.session.add(procedure)
    offering = Offering(unit=ward, procedure=procedure, active_from=date(2025, 1, 1), online_kind=OnlineKind.NONE)
    offering.set_committed_time(Decimal(3), TimeUnit.WORKING_DAYS)
    override = DayOverride(day=date(2026, 12, 30), unit=ward, is_working=False, note="Nghỉ thử")
    db.session.add_all([offering, override])
    db.session.flush()
    intake = Intake(offering=offering, applicant=Applicant("Nguyễn Văn Thử", "001099012345"), channel="direct",
                    online_kind=None, received_at=datetime(2026, 11, 23, 9, 0), documents=[ReceivedDocument("Tờ khai")])
    dossier = register_dossier(intake, build_calendar(OfficeHours()), None, "pause", datetime(2026, 11, 23, 9, 0))
    db.session.commit()
    users_of_ward = [u for u in world.users.values() if u.unit_id == ward.id]
    return {"unit": ward, "offering": offering, "override": override, "user": users_of_ward[0], "dossier": dossier}


def _expected(route: Route, user, target_ward) -> int:
    if user.role not in route.roles:
        return 403
    if route.scoped and not target_ward.is_within(user.unit):
        return 404
    if user.role == Role.SPECIALIST and route.scoped:
        return 404  # not handed to them
    return route.success


def test_every_route_of_the_app_is_in_the_permission_matrix(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules() if rule.endpoint != "static"}
    assert endpoints == set(ROUTES)


@pytest.mark.parametrize("endpoint", sorted(ROUTES))
def test_anonymous_visitors_are_sent_to_the_login_page(client, world, endpoint):
    route = ROUTES[endpoint]
    objects = _objects_of(world, world.ward_a)
    url = route.url(objects)
    response = client.open(url, method=route.method, data=route.data(objects) if route.data else None)
    if endpoint == "auth.login":
        assert response.status_code == 200
    elif endpoint in PUBLIC_ENDPOINTS:
        assert response.status_code == route.success
        assert "/login" not in response.headers.get("Location", "")
    else:
        assert response.status_code == 302
        assert "/login" in response.headers["Location"]


@pytest.mark.parametrize("username", USERS)
@pytest.mark.parametrize("endpoint", sorted(ROUTES))
@pytest.mark.parametrize("target", ["ward_a", "ward_b"])
def test_each_role_gets_what_it_may_and_nothing_of_another_ward(client, world, login_as, endpoint, username, target):
    route = ROUTES[endpoint]
    target_ward = getattr(world, target)
    objects = _objects_of(world, target_ward)
    user = world.users[username]
    login_as(user)
    response = client.open(route.url(objects), method=route.method,
                           data=route.data(objects) if route.data else None)
    assert response.status_code == _expected(route, user, target_ward), (
        f"{username} {route.method} {route.url(objects)}")


def test_a_clerk_never_sees_another_wards_offerings_in_lists(client, world, login_as):
    _objects_of(world, world.ward_b)
    login_as(world.user("clerk", "a"))
    page = client.get("/units/").get_data(as_text=True)
    assert world.ward_a.name in page
    assert world.ward_b.name not in page
    assert world.city.name not in page


def test_a_city_officer_sees_every_ward_below_the_city(client, world, login_as):
    login_as(world.users["officer_city"])
    page = client.get("/units/").get_data(as_text=True)
    for unit in (world.city, world.district, world.ward_a, world.ward_b):
        assert unit.name in page


def test_an_administrator_cannot_give_a_user_a_unit_outside_their_subtree(client, world, login_as):
    login_as(world.user("admin", "a"))
    response = client.post("/users/new", data={
        "username": "nguoi.moi", "full_name": "Người Mới", "role": "clerk",
        "unit_id": str(world.ward_b.id), "password": "mat-khau-dai", "is_active": "y"})
    assert response.status_code == 422
    assert "Lựa chọn không hợp lệ" in response.get_data(as_text=True)
    assert db.session.query(User).filter_by(username="nguoi.moi").count() == 0


def test_an_administrator_cannot_declare_a_day_for_another_ward(client, world, login_as):
    login_as(world.user("admin", "a"))
    response = client.post("/calendar/overrides", data={
        "day": "2026-12-31", "is_working": "0", "unit_id": str(world.ward_b.id), "note": "Thử"})
    assert response.status_code == 303
    assert db.session.query(DayOverride).filter_by(unit_id=world.ward_b.id).count() == 0


def test_only_a_top_level_administrator_may_declare_a_day_for_every_unit(client, world, login_as):
    login_as(world.user("admin", "a"))
    client.post("/calendar/overrides", data={"day": "2026-12-31", "is_working": "0", "unit_id": "0", "note": "Thử"})
    assert db.session.query(DayOverride).filter(DayOverride.unit_id.is_(None)).count() == 0
    login_as(world.users["admin_city"])
    client.post("/calendar/overrides", data={"day": "2026-12-31", "is_working": "0", "unit_id": "0", "note": "Thử"})
    assert db.session.query(DayOverride).filter(DayOverride.unit_id.is_(None)).count() == 1
