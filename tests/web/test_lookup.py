"""The public lookup the receipt's QR code opens: progress by code and PIN without login, nothing personal,
the same answer for any wrong code or PIN, throttled, and the citizen's rating once per dossier."""
import re
import unicodedata
from datetime import date, datetime

import pytest
from sqlalchemy import select

from app import create_app
from app.catalog.models import OnlineKind
from app.dossiers.lifecycle import DossierState
from app.dossiers.operations import Applicant, Intake, register_dossier
from app.extensions import db, limiter
from app.lookup.models import DossierRating
from app.lookup.rating_codes import issue_rating_code
from app.stats.figures import satisfaction
from app.worktime.deadlines import OfficeHours
from app.worktime.vietnam import build_calendar
from config import TestConfig
from conftest import birth_registration_in_each_ward

NAME, ID_NUMBER, PHONE = "Lê Thị Bảo Ngọc", "001190054321", "0987654321"
ADDRESS, EMAIL = "Số 12 ngõ Hòa Bình", "ngoc@example.vn"


@pytest.fixture
def make_dossier(world):
    offerings = birth_registration_in_each_ward(world, OnlineKind.NONE)

    def make(ward=None, state=DossierState.RECEIVED):
        received_at = datetime(2026, 11, 16, 10, 0)
        intake = Intake(offering=offerings[(ward or world.ward_a).id], channel="direct", online_kind=None,
                        received_at=received_at, applicant=Applicant(NAME, ID_NUMBER, PHONE, ADDRESS, EMAIL))
        dossier = register_dossier(intake, build_calendar(OfficeHours()), None, "pause", received_at)
        dossier.state = state
        if state == DossierState.RETURNED:
            # What the clerk hands the citizen with the result (kept here only for the test to type).
            dossier.given_rating_code = issue_rating_code(dossier)
        db.session.commit()
        return dossier

    return make


def lookup_form(dossier, pin=None, code=None) -> dict:
    """What the citizen types: sent by POST, never in the address (issue 15)."""
    return {"code": code or dossier.code, "pin": pin or dossier.lookup_pin}


def look_up(client, dossier, pin=None, code=None, **kwargs):
    return client.post("/tra-cuu", data=lookup_form(dossier, pin, code), **kwargs)


def rate(client, dossier, rating="satisfied", comment="", rating_code=None):
    return client.post("/tra-cuu/danh-gia", data={
        "code": dossier.code, "pin": dossier.lookup_pin, "rating": rating, "comment": comment,
        "rating_code": rating_code if rating_code is not None else getattr(dossier, "given_rating_code", "")})


def other_pin(pin: str) -> str:
    return f"{(int(pin) + 1) % 10**6:06d}"


def without_csrf_token(html: str) -> str:
    # The token is signed with a timestamp: two pages a second apart differ there and nowhere else.
    return re.sub(r'"X-CSRFToken": "[^"]*"', "", html)


def test_a_new_dossier_gets_a_six_digit_pin(make_dossier):
    pins = {make_dossier().lookup_pin for _ in range(3)}
    assert all(re.fullmatch(r"\d{6}", pin) for pin in pins)


def test_the_qr_link_shows_the_state_and_due_date_and_nothing_personal(client, make_dossier):
    dossier = make_dossier()
    response = look_up(client, dossier)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Đăng ký khai sinh" in page
    assert "Đã tiếp nhận" in page
    assert dossier.due_at.strftime("%d/%m/%Y, %H:%M") in page
    for personal in (NAME, ID_NUMBER, PHONE, ADDRESS, EMAIL):
        assert personal not in page


@pytest.mark.parametrize(("state", "readiness"), [
    (DossierState.FINISHED, "Đã có kết quả, mời ông/bà đến nhận"),
    (DossierState.RETURNED, "Đã trả kết quả"),
])
def test_the_page_says_whether_the_result_is_ready(client, make_dossier, state, readiness):
    assert readiness in look_up(client, make_dossier(state=state)).get_data(as_text=True)


def test_a_wrong_code_and_a_wrong_pin_get_the_same_answer(client, make_dossier):
    dossier = make_dossier()
    wrong_pin = look_up(client, dossier, pin=other_pin(dossier.lookup_pin))
    wrong_code = look_up(client, dossier, code=dossier.code + "9")
    assert wrong_pin.status_code == wrong_code.status_code == 404
    assert without_csrf_token(wrong_pin.get_data(as_text=True)) == without_csrf_token(wrong_code.get_data(as_text=True))
    assert "Đăng ký khai sinh" not in wrong_pin.get_data(as_text=True)


def test_a_dossier_of_another_ward_is_never_shown_without_its_pin(client, world, login_as, make_dossier):
    dossier = make_dossier(world.ward_b)
    for who in (None, world.user("clerk", "a"), world.user("clerk", "b")):
        if who is not None:
            login_as(who)
        for pin in ("", other_pin(dossier.lookup_pin), "1" * 7):
            response = client.post("/tra-cuu", data={"code": dossier.code, "pin": pin})
            assert response.status_code == 404
            assert "Đăng ký khai sinh" not in response.get_data(as_text=True)


def test_a_returned_dossier_is_rated_once_only(client, make_dossier):
    dossier = make_dossier(state=DossierState.RETURNED)
    assert "Đánh giá chất lượng phục vụ" in look_up(client, dossier).get_data(as_text=True)
    first = rate(client, dossier, "acceptable")
    assert first.status_code == 200  # the page itself, not a redirect whose address would carry the PIN
    assert "Cảm ơn" in first.get_data(as_text=True) and "Chấp nhận được" in first.get_data(as_text=True)
    assert "Location" not in first.headers
    second = rate(client, dossier, "dissatisfied")
    assert second.status_code == 409 and "chỉ được đánh giá một lần" in second.get_data(as_text=True)
    ratings = db.session.scalars(select(DossierRating)).all()
    assert [(r.dossier_id, r.rating) for r in ratings] == [(dossier.id, "acceptable")]


def test_a_dossier_not_yet_returned_cannot_be_rated(client, make_dossier):
    dossier = make_dossier(state=DossierState.FINISHED)
    assert "Đánh giá chất lượng phục vụ" not in look_up(client, dossier).get_data(as_text=True)
    rate(client, dossier)
    assert db.session.scalar(select(DossierRating)) is None


def test_a_rating_with_a_wrong_pin_is_not_stored(client, make_dossier):
    dossier = make_dossier(state=DossierState.RETURNED)
    client.post("/tra-cuu/danh-gia", data={"code": dossier.code, "pin": other_pin(dossier.lookup_pin),
                                           "rating": "satisfied"})
    assert db.session.scalar(select(DossierRating)) is None


def test_the_comment_is_stored_nfc_as_typed_and_escaped_on_the_page(client, make_dossier):
    dossier = make_dossier(state=DossierState.RETURNED)
    typed = unicodedata.normalize("NFD", "Cán bộ nhiệt tình <b>rất tốt</b>")
    rate(client, dossier, comment=typed)
    stored = db.session.scalar(select(DossierRating))
    assert stored.comment == unicodedata.normalize("NFC", typed)
    page = look_up(client, dossier).get_data(as_text=True)
    assert "&lt;b&gt;rất tốt&lt;/b&gt;" in page and "<b>rất tốt</b>" not in page


def test_a_comment_too_long_is_refused(client, make_dossier):
    dossier = make_dossier(state=DossierState.RETURNED)
    assert rate(client, dossier, comment="x" * 1001).status_code == 422
    assert db.session.scalar(select(DossierRating)) is None


def test_a_rating_counts_in_the_satisfaction_figures(client, world, make_dossier):
    for ward, rating in ((world.ward_a, "satisfied"), (world.ward_a, "dissatisfied"), (world.ward_b, "satisfied")):
        rate(client, make_dossier(ward, state=DossierState.RETURNED), rating)
    rated_on = db.session.scalar(select(DossierRating.rated_at)).date()
    assert satisfaction(world.district, rated_on, rated_on) == {
        "rated": 2, "satisfied": 1, "acceptable": 0, "dissatisfied": 1, "satisfaction_rate": 0.5}
    assert satisfaction(world.city, rated_on, rated_on)["rated"] == 3
    assert satisfaction(world.city, date(2020, 1, 1), date(2020, 12, 31)) == {
        "rated": 0, "satisfied": 0, "acceptable": 0, "dissatisfied": 0, "satisfaction_rate": None}


def test_the_receipt_qr_code_opens_the_lookup_with_the_code_only(client, world, login_as, make_dossier, monkeypatch):
    encoded = []
    monkeypatch.setattr("app.reports.views.qr_svg", lambda data: encoded.append(data) or "<svg></svg>")
    dossier = make_dossier()
    login_as(world.user("clerk", "a"))
    assert client.get(f"/dossiers/{dossier.id}/receipt.pdf").status_code == 200
    # Absolute, on whatever host serves the app (the browser tests' live server sets one).
    [url] = encoded
    assert re.fullmatch(r"https?://[^/]+/tra-cuu\?code=" + re.escape(dossier.code), url)
    assert dossier.lookup_pin not in url
    client.post("/logout")
    page = client.get(f"/tra-cuu?code={dossier.code}").get_data(as_text=True)
    assert f'value="{dossier.code}"' in page and 'method="post"' in page


class ThrottledConfig(TestConfig):
    RATELIMIT_ENABLED = True
    LOOKUP_LIMITS = "3 per minute"


def test_repeated_lookups_are_throttled(app, make_dossier, monkeypatch):
    dossier = make_dossier()
    # The limiter is one object that the last app made switches on: switch it back off afterwards.
    monkeypatch.setattr(limiter, "enabled", limiter.enabled)
    throttled = create_app(ThrottledConfig)
    with throttled.app_context():
        client = throttled.test_client()
        assert client.get("/tra-cuu").status_code == 200  # the empty form is not an attempt
        assert client.get(f"/tra-cuu?code={dossier.code}").status_code == 200  # nor the QR's address
        answers = [look_up(client, dossier, pin=other_pin(dossier.lookup_pin)).status_code
                   for _ in range(4)]
    assert answers == [404, 404, 404, 429]


# The citizen's rating is the citizen's (issue 12) ----------------------------------------------------

def test_the_rating_code_is_shown_once_at_the_return_and_only_its_hash_is_kept(client, world, login_as,
                                                                               make_dossier):
    dossier = make_dossier(state=DossierState.FINISHED)
    login_as(world.user("clerk", "a"))
    returned = client.post(f"/dossiers/{dossier.id}/act", data={"action": "return_result", "version": dossier.version},
                           follow_redirects=True)
    page = returned.get_data(as_text=True)
    [shown] = re.findall(r"Mã đánh giá của công dân: ([A-Z0-9]{4}-[A-Z0-9]{4})", page)
    db.session.refresh(dossier)
    assert dossier.state == DossierState.RETURNED
    assert len(dossier.rating_code_hash) == 64 and shown.replace("-", "") not in dossier.rating_code_hash
    assert shown not in client.get(f"/dossiers/{dossier.id}").get_data(as_text=True)  # once only
    client.post("/logout")
    dossier.given_rating_code = shown.lower().replace("-", " ")  # as a citizen might type it
    assert rate(client, dossier).status_code == 200
    assert db.session.scalar(select(DossierRating.rating)) == "satisfied"


def test_the_pin_on_the_receipt_is_not_enough_to_rate(client, make_dossier):
    dossier = make_dossier(state=DossierState.RETURNED)
    for rating_code in ("", "AAAAAAAA", dossier.lookup_pin):
        response = rate(client, dossier, rating_code=rating_code)
        assert response.status_code == 422
        assert "Mã đánh giá không đúng" in response.get_data(as_text=True)
    assert db.session.scalar(select(DossierRating)) is None


def test_signed_in_staff_cannot_rate_even_with_the_citizens_code(client, world, login_as, make_dossier):
    dossier = make_dossier(state=DossierState.RETURNED)
    for role in ("clerk", "chair", "admin"):
        login_as(world.user(role, "a"))
        response = rate(client, dossier)
        assert response.status_code == 403
        assert "Cán bộ đang đăng nhập không thể gửi đánh giá" in response.get_data(as_text=True)
    assert db.session.scalar(select(DossierRating)) is None


def test_a_dossier_returned_without_a_rating_code_offers_no_rating(client, make_dossier):
    dossier = make_dossier(state=DossierState.RETURNED)
    dossier.rating_code_hash = None  # returned before rating codes existed
    db.session.commit()
    assert "Đánh giá chất lượng phục vụ" not in look_up(client, dossier).get_data(as_text=True)


# The PIN cannot be guessed from many addresses (issue 12) ---------------------------------------------

class CodeBudgetConfig(TestConfig):
    RATELIMIT_ENABLED = True
    LOOKUP_CODE_LIMITS = "10 per day"


class BehindProxyConfig(CodeBudgetConfig):
    TRUSTED_PROXIES = "10.0.0.1"
    LOOKUP_LIMITS = "2 per minute"


@pytest.fixture
def new_site(app, monkeypatch):
    monkeypatch.setattr(limiter, "enabled", limiter.enabled)  # the last app made sets the switch
    return lambda config: create_app(config).test_client()


def from_address(client, form, address, **headers):
    return client.post("/tra-cuu", data=form, environ_base={"REMOTE_ADDR": address}, headers=headers)


def test_ten_wrong_pins_from_ten_addresses_lock_the_codes_lookup_even_for_the_right_pin(make_dossier, new_site):
    dossier, other = make_dossier(), make_dossier()
    client = new_site(CodeBudgetConfig)
    wrong = lookup_form(dossier, pin=other_pin(dossier.lookup_pin))
    assert [from_address(client, wrong, f"198.51.100.{n}").status_code for n in range(10)] == [404] * 10
    locked = from_address(client, lookup_form(dossier), "203.0.113.5")
    page = locked.get_data(as_text=True)
    assert locked.status_code == 429 and int(locked.headers["Retry-After"]) > 3600
    assert "tạm khóa tra cứu" in page and "kể cả mã đúng" in page and "Đăng ký khai sinh" not in page
    rated = client.post("/tra-cuu/danh-gia", data={"code": dossier.code, "pin": dossier.lookup_pin,
                                                   "rating": "satisfied"}, environ_base={"REMOTE_ADDR": "203.0.113.5"})
    assert rated.status_code == 429
    assert from_address(client, lookup_form(other), "203.0.113.5").status_code == 200  # other codes stay open


def test_a_code_no_dossier_has_is_locked_alike_so_the_lock_tells_nothing(make_dossier, new_site):
    dossier = make_dossier()
    client = new_site(CodeBudgetConfig)
    for code in (dossier.code, dossier.code + "9"):
        for n in range(10):
            from_address(client, {"code": code, "pin": "000000"}, f"198.51.100.{n}")
        locked = from_address(client, {"code": code, "pin": "000000"}, "203.0.113.5")
        assert locked.status_code == 429 and "tạm khóa tra cứu" in locked.get_data(as_text=True)


def test_x_forwarded_for_is_believed_only_from_the_trusted_proxy(make_dossier, new_site):
    client = new_site(BehindProxyConfig)
    url = {"code": "khong-co", "pin": "000000"}
    # Straight to gunicorn: a made-up X-Forwarded-For on each try does not buy a new budget.
    direct = [from_address(client, url, "198.51.100.66", **{"X-Forwarded-For": f"203.0.113.{n}"}).status_code
              for n in range(3)]
    assert direct == [404, 404, 429]
    # Through the proxy: each citizen's address has its own budget (nginx appends the address it saw).
    proxied = [from_address(client, url, "10.0.0.1", **{"X-Forwarded-For": f"1.2.3.4, 203.0.113.{n}"}).status_code
               for n in range(3)]
    assert proxied == [404, 404, 404]


def test_a_trusted_proxies_setting_that_is_not_addresses_is_refused_at_start():
    class Miswritten(TestConfig):
        TRUSTED_PROXIES = "nginx"

    with pytest.raises(ValueError, match="TRUSTED_PROXIES"):
        create_app(Miswritten)


# A page a citizen understands, the PIN kept out of addresses (issue 15) ----------------------------------

def test_an_old_receipts_address_with_the_pin_opens_the_form_without_looking_up(client, make_dossier):
    dossier = make_dossier()
    response = client.get(f"/tra-cuu?code={dossier.code}&pin={dossier.lookup_pin}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Đăng ký khai sinh" not in page
    assert dossier.lookup_pin not in page  # not echoed: the citizen types it, it goes by POST


def test_the_lookup_shows_the_steps_with_dates_what_to_bring_and_where_to_go(client, world, login_as, make_dossier):
    world.ward_a.address, world.ward_a.phone = "Số 5 phố Ánh Dương, Quận Thử", "024 3825 6789"
    dossier = make_dossier()
    db.session.commit()
    login_as(world.user("clerk", "a"))
    client.post(f"/dossiers/{dossier.id}/act", data={"action": "hand_over", "version": dossier.version})
    db.session.refresh(dossier)
    client.post(f"/dossiers/{dossier.id}/act", data={"action": "request_supplement", "version": dossier.version,
                                                     "reason": "Bản chính Giấy chứng sinh"})
    client.post("/logout")
    page = look_up(client, dossier).get_data(as_text=True)
    steps = page.split('<ol class="public-steps">')[1].split("</ol>")[0]
    assert [label for label in re.findall(r"<strong>([^<]+)</strong>", steps)] == [
        "Đã tiếp nhận hồ sơ", "Đang giải quyết (đã chuyển bộ phận chuyên môn)", "Chờ ông/bà bổ sung hồ sơ"]
    assert "16/11/2026, 10:00" in steps  # each step with its date
    assert "Giấy tờ cần bổ sung: Bản chính Giấy chứng sinh" in steps and 'class="citizens-turn"' in steps
    assert "Số 5 phố Ánh Dương, Quận Thử" in page and 'href="tel:02438256789"' in page
    assert world.ward_a.name in page
    for personal in (NAME, ID_NUMBER, PHONE, ADDRESS, EMAIL, "Nguyễn Thị Một Cửa"):
        assert personal not in page
