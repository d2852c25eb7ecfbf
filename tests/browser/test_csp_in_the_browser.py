"""Under the Content-Security-Policy, in a real browser: the desk, a dossier, the figures and the comparison
work with htmx and the console shows no violation; a database failure during an htmx request shows
the Vietnamese notice in the page."""
import re
from datetime import date, datetime
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from app import create_app
from app.catalog.models import Offering, OnlineKind, RequiredDocument
from app.dossiers.operations import Applicant, Intake, register_dossier
from app.extensions import db
from app.worktime.deadlines import OfficeHours, TimeUnit
from app.worktime.vietnam import build_calendar
from config import TestConfig
from conftest import PASSWORD, make_procedure

pytestmark = pytest.mark.browser

# Recorded before any page script runs (an init script is not subject to the page's policy).
RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener('securitypolicyviolation', event => {
  window.__violations.push(event.violatedDirective + ' ' + (event.blockedURI || 'inline') + ' ' + event.sample);
});
"""


@pytest.fixture
def dossier(world):
    procedure = make_procedure("1.001193", "Đăng ký khai sinh", value=1)
    procedure.documents = [RequiredDocument(position=1, name="Tờ khai đăng ký khai sinh", originals=1, copies=0),
                           RequiredDocument(position=2, name="Giấy chứng sinh", originals=1, copies=0)]
    offering = Offering(unit=world.ward_a, procedure=procedure, active_from=date(2024, 1, 1),
                        online_kind=OnlineKind.PARTIAL)
    offering.set_committed_time(Decimal(1), TimeUnit.WORKING_DAYS)
    db.session.add(offering)
    received_at = datetime(2026, 11, 16, 10, 0)
    intake = Intake(offering=offering, channel="direct", online_kind=None, received_at=received_at,
                    applicant=Applicant("Nguyễn Thị Ánh", "001190012345", "0912345678", "Số 5 phố Quang Trung", ""))
    dossier = register_dossier(intake, build_calendar(OfficeHours()), world.user("clerk", "a"), "pause", received_at)
    db.session.commit()
    return dossier


@pytest.fixture
def watched(page):
    """The page, with every CSP violation and every console error or page error recorded."""
    problems = []
    page.add_init_script(RECORD_VIOLATIONS)
    page.on("console", lambda message: problems.append(f"console {message.type}: {message.text}")
            if message.type == "error" or "Content Security Policy" in message.text else None)
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))

    def violations() -> list[str]:
        return problems + [f"violation: {text}" for text in page.evaluate("window.__violations || []")]

    page.violations = violations
    return page


def sign_in(page, username):
    page.context.clear_cookies()
    page.goto("/login")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("button", name="Đăng xuất")).to_be_visible()


def test_the_desk_the_figures_and_the_comparison_run_without_a_csp_violation(world, dossier, watched):
    page = watched
    page.goto("/login")
    assert page.violations() == []
    sign_in(page, "clerk.a")

    page.goto("/dossiers/new")
    with page.expect_request(re.compile(r"/dossiers/new/offerings")) as filtering:
        page.keyboard.type("khai sinh")  # htmx filters the procedures…
    expect(page.locator("#offering_id option")).to_have_count(2)
    # hx-headers on <body> (JSON, no eval needed) gives every htmx request the CSRF token.
    assert len(filtering.value.headers.get("x-csrftoken", "")) > 20
    page.wait_for_load_state("networkidle")
    page.locator("#offering_id").select_option(index=1)
    # …and brings the checklist and the due date.
    expect(page.locator("#due-preview")).to_contain_text("Hẹn trả kết quả (1 ngày làm việc)")
    expect(page.locator("#intake-procedure")).to_contain_text("Giấy chứng sinh")
    assert page.violations() == []

    page.goto(f"/dossiers/{dossier.id}")
    expect(page.locator("h1")).to_contain_text(dossier.code)
    assert page.violations() == []

    page.goto(f"/units/{world.ward_a.id}/figures")
    page.get_by_label("Kỳ báo cáo").select_option("year")  # htmx swaps the Report 06 table
    expect(page).to_have_url(re.compile(r"period=year"))
    page.wait_for_load_state("networkidle")
    assert page.violations() == []

    sign_in(page, "officer.city")
    page.goto(f"/units/{world.city.id}/comparison")
    expect(page.locator("table.comparison")).to_contain_text(world.ward_b.name)
    assert page.violations() == []


def test_a_database_failure_during_a_search_shows_the_notice_in_the_page(world, watched):
    # The answer the app gives while PostgreSQL is unreachable, made by the real handler…
    down = create_app(type("DatabaseDown", (TestConfig,),
                           {"SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://motcua@127.0.0.1:1/motcua"}))
    with down.app_context():
        answer = down.test_client().post("/login", data={"username": "clerk.a", "password": PASSWORD},
                                         headers={"HX-Request": "true"})
    assert answer.status_code == 503

    # …given to the browser for the search's htmx request.
    page = watched
    sign_in(page, "clerk.a")
    page.goto("/dossiers/")
    page.route(re.compile(r"/dossiers/\?.*q=nguyen"), lambda route: route.fulfill(
        status=answer.status_code, body=answer.get_data(), headers=dict(answer.headers)))
    page.keyboard.type("nguyen")
    expect(page.locator("#htmx-alert")).to_contain_text("Hệ thống tạm gián đoạn")
    expect(page.locator("#htmx-alert")).to_contain_text("Không kết nối được cơ sở dữ liệu")
    expect(page.locator("h1")).to_be_visible()  # the page is still there around the notice
    assert "q=nguyen" not in page.url  # a failed search is not pushed into the history
    # htmx reports the 503 as a failed request in the console; nothing else may appear.
    assert [problem for problem in page.violations() if "503" not in problem] == []
