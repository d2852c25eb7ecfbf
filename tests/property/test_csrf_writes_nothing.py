"""CSRF on: a signed-in clerk's action posted without the token (a forged form on another site) is refused
with 400 and changes nothing. (The sign-in form and the htmx header: tests/web/test_auth.py.)"""
import re

from app import create_app
from checks import database_contents
from config import TestConfig
from conftest import PASSWORD
from test_desk_forms import desk, fresh_dossier  # noqa: F401 (a fixture)


class CsrfConfig(TestConfig):
    WTF_CSRF_ENABLED = True


def test_an_action_posted_without_the_csrf_token_is_refused_and_the_dossier_is_unchanged(app, desk):  # noqa: F811
    csrf_app = create_app(CsrfConfig)
    client = csrf_app.test_client()
    login_page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', login_page).group(1)
    assert client.post("/login", data={"username": "clerk.a", "password": PASSWORD,
                                       "csrf_token": token}).status_code == 302
    dossier = fresh_dossier(desk.offering)
    before = database_contents()
    forged = client.post(f"/dossiers/{dossier.id}/act", data={"action": "hand_over", "version": str(dossier.version),
                                                              "to_office": "Tư pháp"})
    assert forged.status_code == 400
    assert "mã bảo vệ" in forged.get_data(as_text=True)
    assert database_contents() == before
    with_token = client.post(f"/dossiers/{dossier.id}/act", data={
        "action": "hand_over", "version": str(dossier.version), "to_office": "Tư pháp", "csrf_token": token})
    assert with_token.status_code == 303  # the same form with its token is accepted: the refusal was the token


def test_a_payment_posted_without_the_csrf_token_is_refused_and_nothing_is_written(app, desk):  # noqa: F811
    csrf_app = create_app(CsrfConfig)
    client = csrf_app.test_client()
    login_page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', login_page).group(1)
    client.post("/login", data={"username": "clerk.a", "password": PASSWORD, "csrf_token": token})
    dossier = fresh_dossier(desk.offering)
    before = database_contents()
    payment = {"version": str(dossier.version), "fee_due": "20.000", "fee_paid": "20.000", "payment_method": "cash",
               "paid_at": dossier.received_at.strftime("%d/%m/%Y %H:%M"), "receipt_number": "0001"}
    assert client.post(f"/dossiers/{dossier.id}/payment", data=payment).status_code == 400
    assert database_contents() == before
    assert client.post(f"/dossiers/{dossier.id}/payment", data={**payment, "csrf_token": token}).status_code == 303
