"""Signing in and out, password storage, throttling, CSRF on forms and htmx requests."""
import pytest

from app import create_app
from app.auth.models import User
from app.extensions import db
from config import TestConfig
from conftest import PASSWORD


def test_a_clerk_signs_in_and_lands_on_the_home_page_of_their_ward(client, world):
    response = client.post("/login", data={"username": "clerk.a", "password": PASSWORD}, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Phường Ánh Dương" in page
    assert "Cán bộ một cửa" in page


def test_a_wrong_password_gets_the_same_message_as_an_unknown_user(client, world):
    wrong_password = client.post("/login", data={"username": "clerk.a", "password": "sai-mat-khau"})
    unknown_user = client.post("/login", data={"username": "khong.co", "password": "sai-mat-khau"})
    assert wrong_password.status_code == unknown_user.status_code == 422
    message = "Tên đăng nhập hoặc mật khẩu không đúng."
    assert message in wrong_password.get_data(as_text=True)
    assert message in unknown_user.get_data(as_text=True)


def test_a_locked_account_cannot_sign_in(client, world):
    world.user("clerk", "a").is_active = False
    db.session.commit()
    response = client.post("/login", data={"username": "clerk.a", "password": PASSWORD})
    assert response.status_code == 422


def test_passwords_are_stored_hashed(world):
    user = world.user("clerk", "a")
    assert PASSWORD not in user.password_hash
    assert user.check_password(PASSWORD)
    assert not user.check_password(PASSWORD + "x")


def test_signing_out_ends_the_session(client, world, login_as):
    login_as(world.user("clerk", "a"))
    assert client.post("/logout").status_code == 302
    assert client.get("/").status_code == 302


def test_login_only_redirects_to_paths_of_this_site(client, world):
    response = client.post("/login?next=https://lua-dao.example/", data={"username": "clerk.a", "password": PASSWORD})
    assert response.headers["Location"] == "/"
    client.post("/logout")
    response = client.post("/login?next=/units/", data={"username": "clerk.a", "password": PASSWORD})
    assert response.headers["Location"] == "/units/"


class ThrottledConfig(TestConfig):
    RATELIMIT_ENABLED = True
    LOGIN_LIMITS = "3 per minute"


def test_repeated_failed_logins_are_throttled(app, world):
    throttled = create_app(ThrottledConfig)
    with throttled.app_context():
        client = throttled.test_client()
        answers = [client.post("/login", data={"username": "clerk.a", "password": "sai"}).status_code
                   for _ in range(4)]
    assert answers == [422, 422, 422, 429]


class CsrfConfig(TestConfig):
    WTF_CSRF_ENABLED = True


@pytest.fixture
def csrf_app(app):
    return create_app(CsrfConfig)


def test_a_form_posted_without_its_csrf_token_is_refused(csrf_app, world):
    client = csrf_app.test_client()
    response = client.post("/login", data={"username": "clerk.a", "password": PASSWORD})
    assert response.status_code == 400
    assert "mã bảo vệ" in response.get_data(as_text=True)


def test_an_htmx_request_carries_the_csrf_token_in_its_header(csrf_app, world):
    client = csrf_app.test_client()
    login_page = client.get("/login").get_data(as_text=True)
    assert 'hx-headers=\'{"X-CSRFToken": "' in login_page
    token = login_page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    signed_in = client.post("/login", data={"username": "clerk.a", "password": PASSWORD, "csrf_token": token})
    assert signed_in.status_code == 302
    refused = client.post("/logout", headers={"HX-Request": "true"})
    assert refused.status_code == 400
    accepted = client.post("/logout", headers={"HX-Request": "true", "X-CSRFToken": token})
    assert accepted.status_code == 302


def test_the_flask_users_create_command_makes_a_hashed_account(app, world):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["users", "create", "--username", "Quan.Tri", "--name", "Quản Trị Mới",
                                 "--role", "admin", "--unit", world.city.code, "--password", "mat-khau-rat-dai"])
    assert result.exit_code == 0, result.output
    user = db.session.query(User).filter_by(username="quan.tri").one()
    assert user.check_password("mat-khau-rat-dai") and user.role == "admin"
    short = runner.invoke(args=["users", "create", "--username", "x", "--name", "X", "--role", "clerk",
                                "--unit", world.ward_a.code, "--password", "ngan"])
    assert short.exit_code != 0 and "ít nhất 12" in short.output
