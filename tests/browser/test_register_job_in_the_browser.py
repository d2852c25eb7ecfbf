"""The register printing in the background, in a real browser: the page polls its progress (htmx, under the
CSP) and shows the PDF's button once a worker has rendered it."""
import pytest
from playwright.sync_api import expect

from app.reports.jobs import run_pending
from test_desk_in_the_browser import offering, sign_in  # noqa: F401 (a fixture)

pytestmark = pytest.mark.browser


def test_the_clerk_sees_the_register_progress_and_then_opens_the_pdf(world, offering, page, tmp_path):
    violations = []
    page.on("console", lambda message: violations.append(message.text) if message.type == "error" else None)
    sign_in(page, "clerk.a")
    page.goto(f"/register?unit_id={world.ward_a.id}&first_day=01/11/2026&last_day=30/11/2026")
    page.get_by_role("button", name="In sổ (PDF, A4 ngang)").click()
    expect(page.locator("#paper-job")).to_contain_text("Đang chờ in")
    expect(page.locator("#paper-job progress")).to_be_visible()
    page.screenshot(path=str(tmp_path / "queued.png"))

    assert run_pending() == 1  # what a worker process's thread does

    # The fragment polls every second: the button appears without reloading the page.
    expect(page.get_by_role("link", name="Mở bản in (PDF)")).to_be_visible(timeout=10_000)
    expect(page.locator("#paper-job progress")).to_have_count(0)
    page.screenshot(path=str(tmp_path / "done.png"))
    href = page.get_by_role("link", name="Mở bản in (PDF)").get_attribute("href")
    response = page.request.get(href)
    assert response.status == 200 and response.body().startswith(b"%PDF")
    assert violations == []
