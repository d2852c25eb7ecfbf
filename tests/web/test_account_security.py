"""Accounts under attack (issue 12): sessions that end when they should, no open redirect, throttling that
slows a guesser without locking a colleague out, no user enumeration by timing, passwords worth the name."""
import time

import pytest
from sqlalchemy import select

from app import create_app
from app.auth import views as auth_views
from app.auth.models import User
from app.auth.passwords import password_problem
from app.demo.cli import DEMO_PASSWORD, demo_users
from app.extensions import db, limiter
from config import TestConfig
from conftest import PASSWORD

NEW_PASSWORD = "ngựa-vằn-ăn-cỏ-xanh"


def sign_in(client, username, password=PASSWORD, remember=False, address="127.0.0.1", next_url=None):
    url = "/login" + (f"?next={next_url}" if next_url is not None else "")
    data = {"username": username, "password": password} | ({"remember": "y"} if remember else {})
    return client.post(url, data=data, environ_base={"REMOTE_ADDR": address})


def is_signed_in(client) -> bool:
    return client.get("/").status_code == 200


def after_browser_restart(client):
    """The session cookie is gone (the browser was closed); a remember-me cookie would stay."""
    client.delete_cookie("session")
    return client


@pytest.fixture
def site(app, monkeypatch):
    """The app as browsers reach it: an app of its own whose requests each get a fresh app context.
    (The `app` fixture keeps one context pushed for the whole test, and Flask-Login would find there
    the user that the previous request of any client loaded.)"""
    monkeypatch.setattr(limiter, "enabled", limiter.enabled)  # the last app made sets the switch
    return create_app(TestConfig)


@pytest.fixture
def client(site):
    return site.test_client()


@pytest.fixture
def browsers(site):
    """Two more browsers (cookie jars) besides `client`."""
    return site.test_client(), site.test_client()


@pytest.fixture
def login_as(client):
    def login(user):
        assert sign_in(client, user.username).status_code == 302
        return client

    return login


# 3. A session ends when it should ----------------------------------------------------------------

def test_a_new_password_of_ones_own_ends_every_other_session_and_remember_cookie(client, world, browsers):
    other, remembered = browsers
    for browser, remember in ((client, False), (other, False), (remembered, True)):
        assert sign_in(browser, "chair.a", remember=remember).status_code == 302
    assert is_signed_in(after_browser_restart(remembered))  # the remember-me cookie works...
    response = client.post("/account/password", data={"current_password": PASSWORD, "new_password": NEW_PASSWORD,
                                                       "confirm": NEW_PASSWORD})
    assert response.status_code == 303
    assert is_signed_in(client)  # ...the browser that changed it goes on...
    assert not is_signed_in(other)  # ...every other one is signed out,
    assert not is_signed_in(after_browser_restart(remembered))  # remember-me cookie included
    assert sign_in(other, "chair.a", NEW_PASSWORD).status_code == 302


def test_a_password_set_by_the_administrator_ends_the_users_sessions(client, world, browsers, login_as):
    users_browser, _ = browsers
    assert sign_in(users_browser, "clerk.a", remember=True).status_code == 302
    chair_unit = world.user("clerk", "a")
    login_as(world.user("admin", "a"))
    response = client.post(f"/users/{chair_unit.id}/edit", data={
        "username": "clerk.a", "full_name": chair_unit.full_name, "role": "clerk", "unit_id": chair_unit.unit_id,
        "password": NEW_PASSWORD, "is_active": "y"})
    assert response.status_code == 303
    assert not is_signed_in(users_browser)
    assert not is_signed_in(after_browser_restart(users_browser))


def test_a_deactivated_account_is_signed_out_and_reactivating_does_not_bring_its_sessions_back(
        client, world, browsers):
    users_browser, _ = browsers
    assert sign_in(users_browser, "clerk.a", remember=True).status_code == 302
    clerk = world.user("clerk", "a")
    clerk.deactivate()
    db.session.commit()
    assert not is_signed_in(users_browser)
    db.session.refresh(clerk)
    clerk.is_active = True
    db.session.commit()
    assert not is_signed_in(users_browser)
    assert not is_signed_in(after_browser_restart(users_browser))


def test_the_administrators_form_deactivating_an_account_ends_its_sessions(client, world, browsers, login_as):
    users_browser, _ = browsers
    assert sign_in(users_browser, "clerk.a").status_code == 302
    clerk = world.user("clerk", "a")
    login_as(world.user("admin", "a"))
    client.post(f"/users/{clerk.id}/edit", data={"username": "clerk.a", "full_name": clerk.full_name,
                                                 "role": "clerk", "unit_id": clerk.unit_id, "password": ""})
    client.post(f"/users/{clerk.id}/edit", data={"username": "clerk.a", "full_name": clerk.full_name,
                                                 "role": "clerk", "unit_id": clerk.unit_id, "password": "",
                                                 "is_active": "y"})
    assert not is_signed_in(users_browser)


def test_signing_out_in_one_browser_signs_out_the_others_and_their_remember_cookies(client, world, browsers):
    other, remembered = browsers
    sign_in(client, "chair.a")
    sign_in(other, "chair.a")
    sign_in(remembered, "chair.a", remember=True)
    assert client.post("/logout").status_code == 302
    assert not is_signed_in(other)
    assert not is_signed_in(after_browser_restart(remembered))


def test_a_session_cookie_holding_only_a_user_id_is_refused(client, world):
    with client.session_transaction() as session:
        session["_user_id"] = str(world.user("admin", "a").id)
        session["_fresh"] = True
    assert not is_signed_in(client)


# 4. No open redirect -------------------------------------------------------------------------------

@pytest.mark.parametrize("hostile", [
    "/%09/evil.example",          # a tab, which browsers drop: //evil.example
    "/%0a/evil.example", "/%0d/evil.example", "/%00/evil.example",
    "//evil.example", "///evil.example", "/%2F/evil.example", "/%252F%252Fevil.example",
    "/%5Cevil.example", "%5C%5Cevil.example", "/%5C/evil.example",
    "https://evil.example/", "http:/evil.example", "javascript:alert(1)", "evil.example",
    "/.//evil.example", "/..//evil.example", "/%20/evil.example", "/%E3%80%80/evil.example",
])
def test_a_hostile_next_falls_back_to_the_home_page(client, world, hostile):
    response = sign_in(client, "clerk.a", next_url=hostile)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


@pytest.mark.parametrize("own_path", ["/units/", "/dossiers/?q=Nguy%E1%BB%85n&page=2", "/audit?kind=login"])
def test_a_path_of_this_site_is_followed_after_signing_in(client, world, own_path):
    response = sign_in(client, "clerk.a", next_url=own_path.replace("&", "%26").replace("?", "%3F"))
    assert response.headers["Location"] == own_path


# 5. Nobody can lock a colleague out ----------------------------------------------------------------

class ThrottledConfig(TestConfig):
    RATELIMIT_ENABLED = True


class DistributedGuesserConfig(ThrottledConfig):
    LOGIN_ACCOUNT_LIMITS = "5 per hour"


class FewFreeFailuresConfig(ThrottledConfig):
    LOGIN_FREE_FAILURES = 3


@pytest.fixture
def throttled(app, monkeypatch):
    # The limiter's process-wide switch is set by the last app made: switch it back afterwards.
    monkeypatch.setattr(limiter, "enabled", limiter.enabled)

    def make(config=ThrottledConfig):
        return create_app(config).test_client

    return make


@pytest.fixture
def clock(monkeypatch):
    """Move time forward: the counts of failures (memory storage) read time.time()."""
    offset = [0.0]
    real_time = time.time
    monkeypatch.setattr(time, "time", lambda: real_time() + offset[0])
    return lambda seconds: offset.__setitem__(0, offset[0] + seconds)


def test_eleven_wrong_passwords_from_eleven_addresses_do_not_lock_the_chair_out(world, throttled):
    new_client = throttled()
    for n in range(11):
        assert sign_in(new_client(), "chair.a", "sai-mat-khau", address=f"198.51.100.{n}").status_code == 422
    assert sign_in(new_client(), "chair.a", address="203.0.113.50").status_code == 302


def test_a_guesser_spread_over_many_addresses_is_stopped_but_the_chair_gets_in_from_her_own_machine(
        world, throttled):
    new_client = throttled(DistributedGuesserConfig)
    assert sign_in(new_client(), "chair.a", address="203.0.113.10").status_code == 302  # her desk, yesterday
    answers = [sign_in(new_client(), "chair.a", "sai-mat-khau", address=f"198.51.100.{n}").status_code
               for n in range(7)]
    assert answers == [422] * 5 + [429] * 2
    assert sign_in(new_client(), "chair.a", address="198.51.100.99").status_code == 429  # a new address waits
    assert sign_in(new_client(), "chair.a", address="203.0.113.10").status_code == 302  # her own does not


def test_wrong_passwords_from_one_address_earn_waits_that_double(world, throttled, clock):
    browser = throttled(FewFreeFailuresConfig)()
    answers = [sign_in(browser, "chair.a", "sai-mat-khau", address="198.51.100.7").status_code for _ in range(3)]
    assert answers == [422, 422, 422]
    refused = sign_in(browser, "chair.a", address="198.51.100.7")  # even the right password must wait
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) == 30
    assert "Vui lòng thử lại sau 1 phút" in refused.get_data(as_text=True)
    clock(31)
    assert sign_in(browser, "chair.a", "sai-mat-khau", address="198.51.100.7").status_code == 422
    assert int(sign_in(browser, "chair.a", address="198.51.100.7").headers["Retry-After"]) == 60
    clock(61)
    assert sign_in(browser, "chair.a", address="198.51.100.7").status_code == 302  # a success clears the count


def test_the_wait_of_one_address_is_not_the_wait_of_another(world, throttled):
    new_client = throttled(FewFreeFailuresConfig)
    for _ in range(3):
        sign_in(new_client(), "chair.a", "sai-mat-khau", address="198.51.100.7")
    assert sign_in(new_client(), "chair.a", address="198.51.100.7").status_code == 429
    assert sign_in(new_client(), "chair.a", address="203.0.113.10").status_code == 302


def test_an_unknown_or_locked_user_costs_a_password_check_like_a_wrong_password(client, world, monkeypatch):
    checks = []
    for module in (auth_views, __import__("app.auth.models", fromlist=["check_password_hash"])):
        real = module.check_password_hash
        monkeypatch.setattr(module, "check_password_hash",
                            lambda stored, password, real=real: checks.append(stored.split("$")[0]) or real(stored, password))
    world.user("clerk", "b").is_active = False
    db.session.commit()
    for username in ("chair.a", "khong.co.ai", "clerk.b"):
        checks.clear()
        assert sign_in(client, username, "sai-mat-khau").status_code == 422
        # One check of a hash made the same way (same method and cost) for each of them.
        assert checks == [world.user("chair", "a").password_hash.split("$")[0]], username


# 11. A password worth its name ----------------------------------------------------------------------

def test_the_administrator_cannot_give_a_weak_password(client, world, login_as):
    login_as(world.user("admin", "a"))
    clerk = world.user("clerk", "a")
    for weak, reason in (("ngan", "ít nhất 12 ký tự"), ("              ", "không được để trống"),
                         ("clerk.a-2026-mot-cua", "tên đăng nhập"), ("matkhau2026!!", "quá phổ biến")):
        response = client.post(f"/users/{clerk.id}/edit", data={
            "username": "clerk.a", "full_name": clerk.full_name, "role": "clerk", "unit_id": clerk.unit_id,
            "password": weak, "is_active": "y"})
        assert response.status_code == 422 and reason in response.get_data(as_text=True), weak
    new = client.post("/users/new", data={"username": "moi.a", "full_name": "Người Mới", "role": "clerk",
                                          "unit_id": clerk.unit_id, "password": "moi.a-mat-khau", "is_active": "y"})
    assert new.status_code == 422 and "tên đăng nhập" in new.get_data(as_text=True)
    assert db.session.scalar(select(User).where(User.username == "moi.a")) is None
    db.session.expire_all()
    assert clerk.check_password(PASSWORD)


def test_ones_own_new_password_is_checked_and_confirmed(client, world, login_as):
    login_as(world.user("chair", "a"))
    for current, new, confirm, reason in (
        ("sai-mat-khau", NEW_PASSWORD, NEW_PASSWORD, "Mật khẩu hiện tại không đúng"),
        (PASSWORD, "123qweasdzxc", "123qweasdzxc", "quá phổ biến"),
        (PASSWORD, "chair.a.2026.moi", "chair.a.2026.moi", "tên đăng nhập"),
        (PASSWORD, NEW_PASSWORD, NEW_PASSWORD + "x", "không khớp"),
    ):
        response = client.post("/account/password", data={"current_password": current, "new_password": new,
                                                           "confirm": confirm})
        assert response.status_code == 422 and reason in response.get_data(as_text=True), new
    db.session.expire_all()
    assert world.user("chair", "a").check_password(PASSWORD)


def test_the_users_create_command_refuses_a_common_password(app, world):
    result = app.test_cli_runner().invoke(args=["users", "create", "--username", "moi", "--name", "Mới",
                                                "--role", "clerk", "--unit", world.ward_a.code,
                                                "--password", "qwerty123456"])
    assert result.exit_code != 0 and "phổ biến" in result.output


def test_the_fixtures_and_demo_passwords_satisfy_the_policy():
    assert password_problem(PASSWORD, "clerk.a") is None
    for username, *_ in demo_users():
        assert password_problem(DEMO_PASSWORD, username) is None, username
