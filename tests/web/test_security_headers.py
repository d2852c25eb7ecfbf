"""Security headers on every kind of answer, HSTS only over TLS, the trusted proxy, and templates the
Content-Security-Policy can live with (no inline script, style attribute or event handler)."""
import re
from datetime import date, datetime
from decimal import Decimal

import pytest

from app import create_app
from app.catalog.models import Offering, OnlineKind
from app.dossiers.operations import Applicant, Intake, register_dossier
from app.extensions import db
from app.security import CONTENT_SECURITY_POLICY
from app.worktime.deadlines import OfficeHours, TimeUnit
from app.worktime.vietnam import build_calendar
from config import BASE_DIR, TestConfig
from conftest import make_procedure

TEMPLATES = BASE_DIR / "app" / "templates"
EXPECTED = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


def assert_secured(response) -> None:
    for name, value in EXPECTED.items():
        assert response.headers.get(name) == value, name
    assert "camera=()" in response.headers["Permissions-Policy"]


def test_the_policy_allows_only_the_sites_own_files():
    directives = dict(part.split(" ", 1) for part in CONTENT_SECURITY_POLICY.split("; "))
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert "unsafe" not in CONTENT_SECURITY_POLICY


def test_pages_fragments_errors_and_static_files_carry_the_headers(client, world, login_as):
    assert_secured(client.get("/login"))
    assert_secured(client.get("/khong-co-trang-nay"))
    assert_secured(client.get("/static/css/app.css"))
    login_as(world.user("clerk", "a"))
    assert_secured(client.get("/"))
    assert_secured(client.get("/dossiers/", headers={"HX-Request": "true"}))


def test_an_inline_pdf_carries_the_headers(client, world, login_as):
    procedure = make_procedure("1.001193", "Đăng ký khai sinh", value=3)
    offering = Offering(unit=world.ward_a, procedure=procedure, active_from=date(2024, 1, 1),
                        online_kind=OnlineKind.NONE)
    offering.set_committed_time(Decimal(1), TimeUnit.WORKING_DAYS)
    db.session.add(offering)
    received_at = datetime(2026, 11, 16, 10, 0)
    intake = Intake(offering=offering, channel="direct", online_kind=None, received_at=received_at,
                    applicant=Applicant("Nguyễn Thị Ánh", "001190012345", "0912345678", "Số 5 phố Quang Trung", ""))
    dossier = register_dossier(intake, build_calendar(OfficeHours()), world.user("clerk", "a"), "pause", received_at)
    db.session.commit()
    login_as(world.user("clerk", "a"))
    response = client.get(f"/dossiers/{dossier.id}/receipt.pdf")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/pdf"
    assert_secured(response)


def test_hsts_is_sent_over_https_only(client):
    assert "Strict-Transport-Security" not in client.get("/login").headers
    secure = client.get("/login", base_url="https://motcua.example.vn")
    assert secure.headers["Strict-Transport-Security"] == "max-age=31536000"


class BehindProxyConfig(TestConfig):
    TRUSTED_PROXIES = "127.0.0.1"
    RATELIMIT_ENABLED = True
    LOGIN_LIMITS = "2 per minute"


def test_behind_the_proxy_tls_and_each_citizens_address_are_seen(app, world):
    behind_proxy = create_app(BehindProxyConfig)
    with behind_proxy.app_context():
        client = behind_proxy.test_client()
        https = client.get("/login", headers={"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.7"})
        assert https.headers["Strict-Transport-Security"] == "max-age=31536000"

        def attempt(address: str, username: str) -> int:
            return client.post("/login", data={"username": username, "password": "sai"},
                               headers={"X-Forwarded-For": address}).status_code

        # The per-address budget is the citizen's, not the proxy's: another address starts afresh.
        assert [attempt("203.0.113.7", f"khach{n}") for n in range(3)] == [422, 422, 429]
        assert attempt("203.0.113.8", "khach9") == 422


def template_source(path) -> str:
    """The template without its Jinja comments (which may well name what they keep out)."""
    return re.sub(r"\{#.*?#\}", "", path.read_text(encoding="utf-8"), flags=re.DOTALL)


def served_templates():
    # Templates under reports/ are WeasyPrint's input for PDFs, never HTML sent to a browser.
    return sorted(path for path in TEMPLATES.rglob("*.html") if "reports" not in path.relative_to(TEMPLATES).parts)


INLINE = re.compile(
    r"<script(?![^>]*\bsrc=)[^>]*>"      # a script without src
    r"|<style\b"                          # a style element
    r"|\sstyle\s*=\s*[\"']"               # a style attribute
    r"|\son[a-z]+\s*=\s*[\"']"            # onclick=, onchange=…
    r"|\bhx-on[:-]"                       # htmx's inline handlers need eval
    r"|javascript:",
    re.IGNORECASE,
)


@pytest.mark.parametrize("template", served_templates(), ids=lambda path: str(path.relative_to(TEMPLATES)))
def test_no_served_template_needs_unsafe_inline(template):
    found = INLINE.findall(template_source(template))
    assert not found, f"{template.name}: {found}"


def test_scripts_are_loaded_from_the_site_and_deferred():
    base = template_source(TEMPLATES / "base.html")
    scripts = re.findall(r"<script[^>]*>", base)
    assert scripts and all("defer" in tag and "url_for('static'" in tag for tag in scripts)
    # htmx would otherwise inject a <style> for its indicators and evaluate hx-on / js: expressions.
    assert '"includeIndicatorStyles": false' in base
    assert '"allowEval": false' in base


def test_request_values_arrive_without_nul_characters(app):
    # PostgreSQL refuses a NUL in any text parameter: a hostile search term or username would be a 500.
    with app.test_request_context("/dossiers/?q=Nguy%00%E1%BB%85n&q=b", method="POST",
                                  data={"username": "can\x00bo", "state": ["a\x00", "b"]}):
        from flask import request
        assert request.args.getlist("q") == ["Nguyễn", "b"]
        assert request.form["username"] == "canbo"
        assert request.form.getlist("state") == ["a", "b"]
