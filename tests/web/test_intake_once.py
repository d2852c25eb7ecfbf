"""One click, one dossier: the intake form's one-time token makes a repeated POST answer with the dossier
its first POST saved, also when the POSTs arrive at the same time (the unique token decides)."""
import re
import threading

from sqlalchemy import func, select

from app.dossiers.models import Dossier
from app.extensions import db
from conftest import PASSWORD
from test_desk_pages import desk, intake_form  # noqa: F401 (a fixture)

CONCURRENT_POSTS = 5


def token_of_the_form(client) -> str:
    page = client.get("/dossiers/new").get_data(as_text=True)
    return re.search(r'name="intake_token" type="hidden" value="([^"]+)"', page).group(1)


def dossier_count() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(Dossier))


def test_the_intake_form_carries_a_fresh_one_time_token_each_time_it_is_shown(client, world, login_as, desk):
    login_as(world.user("clerk", "a"))
    first, second = token_of_the_form(client), token_of_the_form(client)
    assert len(first) >= 24 and first != second


def test_posting_the_same_form_twice_saves_one_dossier_and_the_second_answer_is_that_dossier(client, world,
                                                                                            login_as, desk):
    login_as(world.user("clerk", "a"))
    form = intake_form(desk["khai_sinh"], intake_token=token_of_the_form(client))

    first = client.post("/dossiers/new", data=form)
    second = client.post("/dossiers/new", data=form)

    assert first.status_code == second.status_code == 303
    assert second.headers["Location"] == first.headers["Location"]
    assert dossier_count() == 1
    page = client.get(second.headers["Location"]).get_data(as_text=True)
    assert "đã được lưu từ lần gửi trước" in page


def test_two_forms_shown_separately_save_two_dossiers(client, world, login_as, desk):
    login_as(world.user("clerk", "a"))
    for _ in range(2):
        assert client.post("/dossiers/new", data=intake_form(desk["khai_sinh"],
                                                             intake_token=token_of_the_form(client))).status_code == 303
    assert dossier_count() == 2


def test_a_form_refused_for_an_error_keeps_its_token_and_saves_once_corrected(client, world, login_as, desk):
    login_as(world.user("clerk", "a"))
    token = token_of_the_form(client)
    refused = client.post("/dossiers/new", data=intake_form(desk["khai_sinh"], intake_token=token,
                                                            applicant_id_number="123"))
    assert refused.status_code == 422 and f'value="{token}"' in refused.get_data(as_text=True)
    for _ in range(2):
        assert client.post("/dossiers/new", data=intake_form(desk["khai_sinh"], intake_token=token)).status_code == 303
    assert dossier_count() == 1


def test_another_ward_cannot_reach_a_dossier_through_its_token(client, world, login_as, desk):
    login_as(world.user("clerk", "a"))
    form = intake_form(desk["khai_sinh"], intake_token=token_of_the_form(client))
    client.post("/dossiers/new", data=form)
    login_as(world.user("clerk", "b"))
    assert client.post("/dossiers/new", data=form).status_code == 404
    assert dossier_count() == 1


def test_five_identical_posts_at_the_same_time_save_one_dossier_and_all_answer_with_it(app, client, world,
                                                                                       login_as, desk):
    clerk = world.user("clerk", "a")
    username = clerk.username
    login_as(clerk)
    form = intake_form(desk["khai_sinh"], intake_token=token_of_the_form(client))
    db.session.commit()  # the test's own session holds no transaction while the clerks' requests run
    barrier = threading.Barrier(CONCURRENT_POSTS, timeout=60)
    answers, failures = [], []

    def post() -> None:
        try:
            own = app.test_client()
            assert own.post("/login", data={"username": username, "password": PASSWORD}).status_code == 302
            barrier.wait()
            response = own.post("/dossiers/new", data=form)
            answers.append((response.status_code, response.headers.get("Location")))
        except BaseException as error:  # noqa: BLE001 (reported by the main thread)
            failures.append(error)
            barrier.abort()

    threads = [threading.Thread(target=post) for _ in range(CONCURRENT_POSTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert failures == []
    assert dossier_count() == 1
    assert len(answers) == CONCURRENT_POSTS
    assert {status for status, _ in answers} == {303} and len({location for _, location in answers}) == 1


def test_the_save_button_is_disabled_while_the_form_is_sent(client, world, login_as, desk):
    login_as(world.user("clerk", "a"))
    page = client.get("/dossiers/new").get_data(as_text=True)
    form_tag = re.search(r'<form method="post" action="/dossiers/new"[^>]*>', page).group(0)
    assert 'hx-boost="true"' in form_tag and "hx-disabled-elt=\"find button[type='submit']\"" in form_tag
