"""A clerk at the desk, in a real browser, using the keyboard."""
import re
from datetime import date
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from app.catalog.models import Offering, OnlineKind, RequiredDocument
from app.extensions import db
from app.worktime.deadlines import TimeUnit
from conftest import PASSWORD, make_procedure

pytestmark = pytest.mark.browser


@pytest.fixture
def offering(world):
    procedure = make_procedure("1.001193", "Đăng ký khai sinh", value=1)
    procedure.documents = [RequiredDocument(position=1, name="Tờ khai đăng ký khai sinh", originals=1, copies=0),
                           RequiredDocument(position=2, name="Giấy chứng sinh", originals=1, copies=0)]
    offering = Offering(unit=world.ward_a, procedure=procedure, active_from=date(2024, 1, 1),
                        online_kind=OnlineKind.PARTIAL)
    offering.set_committed_time(Decimal(1), TimeUnit.WORKING_DAYS)
    db.session.add(offering)
    db.session.commit()
    return offering


def sign_in(page, username):
    page.goto("/login")
    page.keyboard.type(username)  # the username box has the focus
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="Đăng xuất")).to_be_visible()


def test_a_clerk_registers_finds_and_finishes_a_dossier_from_the_keyboard(world, offering, page):
    sign_in(page, "clerk.a")
    page.goto("/dossiers/new")
    page.keyboard.type("khai sinh")  # the procedure filter has the focus
    expect(page.locator("#offering_id option")).to_have_count(2)  # the placeholder and one match
    # The list is filtered as the clerk types (a request per pause): let the last answer land before
    # moving on, as a clerk who looks at the list would.
    page.wait_for_load_state("networkidle")
    expect(page.locator("#procedure_filter.htmx-request")).to_have_count(0)
    page.keyboard.press("ArrowDown")  # from the box straight into the matches, the first one chosen
    expect(page.locator("#offering_id")).to_be_focused()
    expect(page.locator("#due-preview")).to_contain_text("Hẹn trả kết quả (1 ngày làm việc)")
    expect(page.locator("#intake-procedure")).to_contain_text("Giấy chứng sinh")
    due_text = page.locator("#due-preview .due").inner_text()
    page.keyboard.press("Tab")
    page.keyboard.type("Nguyễn Thị Ánh")
    page.keyboard.press("Tab")
    page.keyboard.type("001190012345")
    page.keyboard.press("Tab")
    page.keyboard.type("0912345678")
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(r"/dossiers/\d+\?print=receipt$"))
    # The receipt's print button comes first, focused, opening the PDF in a new tab.
    print_now = page.locator(".print-now a")
    expect(print_now).to_be_focused()
    expect(print_now).to_have_attribute("target", "_blank")
    expect(print_now).to_have_attribute("href", re.compile(r"/dossiers/\d+/receipt\.pdf$"))
    expect(page.locator("h1")).to_contain_text(f"{world.ward_a.code}-")
    code = page.locator("h1 code").inner_text()
    expect(page.locator(".flash-success")).to_contain_text(code)
    assert due_text.split(" ")[0] in page.locator(".flash-success").inner_text()  # the time shown before saving

    page.goto("/dossiers/")
    page.keyboard.type("nguyen thi anh")  # the search box has the focus; no diacritics
    expect(page.locator("#dossier-rows")).to_contain_text(code)
    expect(page).to_have_url(re.compile(r"q=nguyen"))
    page.get_by_role("link", name=code).click()

    page.get_by_text("Chuyển xử lý", exact=True).first.click()
    page.get_by_role("button", name="Chuyển xử lý").click()
    expect(page.locator(".badge").first).to_contain_text("Đang xử lý")
    page.get_by_text("Có kết quả", exact=True).first.click()
    page.get_by_label("Kết quả").select_option("approved")
    page.get_by_role("button", name="Có kết quả").click()
    expect(page.locator("h1")).to_contain_text("Đã có kết quả")
    expect(page.locator(".timeline")).to_contain_text("Có kết quả")
