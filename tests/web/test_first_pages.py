"""Each person's first page: the chair's approvals and index criteria waiting, the month's figures and
the dossiers at risk; a higher unit's watch list of its units ranked by overdue and at-risk dossiers."""
from datetime import datetime, timedelta

from sqlalchemy import select

from app.dossiers.lifecycle import Action
from app.dossiers.models import Apology
from app.extensions import db
from app.stats.index_service import load_default_rubrics
from app.worktime.clock import local_now
from app.worktime.deadlines import TimeUnit
from test_dossier_operations import act, make_offering, register


def late_dossier_with_apology(world, name: str):
    offering = make_offering(world.ward_a, "1.000020", 1, TimeUnit.WORKING_DAYS)
    received = local_now() - timedelta(days=20)
    dossier = register(offering, received, name=name)
    act(dossier, Action.REQUEST_APOLOGY, world.user("clerk"), received + timedelta(hours=1), reason="Chờ xác minh",
        new_due_at=local_now() + timedelta(days=3))
    return dossier


def test_the_chairs_first_page_shows_what_waits_and_approves_in_one_click(world, login_as):
    dossier = late_dossier_with_apology(world, "Hà Văn Chờ Duyệt")
    load_default_rubrics(local_now().year)
    db.session.commit()
    client = login_as(world.user("chair"))

    page = client.get("/").get_data(as_text=True)
    waiting = page.split('id="chair-waiting"', 1)[1].split("</section>", 1)[0]
    assert "Hà Văn Chờ Duyệt" in waiting and "Duyệt" in waiting
    assert "chưa chấm" in waiting  # the default rubrics' manual criteria, not yet scored
    assert "Tỷ lệ trước và đúng hạn" in page  # the month's figures
    assert page.index('id="chair-waiting"') < page.index("Số liệu tháng") < page.index('id="desk-overdue"')

    csrf = page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    answer = client.post(f"/dossiers/{dossier.id}/act", data={
        "csrf_token": csrf, "action": Action.APPROVE_APOLOGY.value, "version": dossier.version, "back": "home"})
    assert answer.status_code == 303 and answer.headers["Location"].endswith("/")
    assert db.session.scalar(select(Apology.approved_at).where(Apology.dossier_id == dossier.id)) is not None
    assert "Hà Văn Chờ Duyệt" not in client.get("/").get_data(as_text=True).split('id="chair-waiting"', 1)[1].split(
        "</section>", 1)[0]


def test_a_clerk_sees_the_desk_without_the_chairs_sections(world, login_as):
    late_dossier_with_apology(world, "Hà Văn Chờ Duyệt")
    page = login_as(world.user("clerk")).get("/").get_data(as_text=True)
    assert 'id="chair-waiting"' not in page and 'id="watch-list"' not in page
    assert 'id="desk-overdue"' in page


def test_the_watch_list_ranks_the_units_below_by_overdue_dossiers(world, login_as):
    offering_a = make_offering(world.ward_a, "1.000021", 1, TimeUnit.WORKING_DAYS)
    offering_b = make_offering(world.ward_b, "1.000022", 1, TimeUnit.WORKING_DAYS)
    long_ago = local_now() - timedelta(days=30)
    for number in range(2):
        register(offering_b, long_ago + timedelta(minutes=number), name=f"Trễ B {number}")
    register(offering_a, long_ago, name="Trễ A")
    register(offering_a, local_now() - timedelta(minutes=5), name="Mới A")

    page = login_as(world.user("officer", "city")).get("/").get_data(as_text=True)
    watch = page.split('id="watch-list"', 1)[1].split("</table>", 1)[0]
    # Ward B (2 overdue) before the district holding ward A (1 overdue), each linking to its list.
    assert watch.index(world.ward_b.name) < watch.index(world.district.name)
    assert f"unit_id={world.ward_b.id}&amp;list=overdue" in watch
    row_b = watch.split(world.ward_b.name, 1)[1].split("</tr>", 1)[0]
    assert ">2</a>" in row_b


def test_the_intake_suggests_the_wards_most_used_procedures_first(world, login_as):
    copy = make_offering(world.ward_a, "2.000635", 5, TimeUnit.WORKING_DAYS)
    copy.procedure.name = "Cấp bản sao trích lục hộ tịch khai sinh"
    birth = make_offering(world.ward_a, "1.001193", 3, TimeUnit.WORKING_DAYS)
    birth.procedure.name = "Đăng ký khai sinh"
    for procedure in (copy.procedure, birth.procedure):
        procedure.refresh_search_key()
    db.session.commit()
    client = login_as(world.user("clerk"))

    def suggested() -> list[str]:
        html = client.get("/dossiers/new/offerings", query_string={"procedure_filter": "khai sinh"}).get_data(as_text=True)
        return sorted(("Cấp bản sao", "Đăng ký khai sinh"), key=html.index)  # both listed, in this order

    assert suggested() == ["Cấp bản sao", "Đăng ký khai sinh"]  # nothing received yet: by name
    for minutes in range(3):
        register(birth, local_now() - timedelta(days=2, minutes=minutes))
    assert suggested() == ["Đăng ký khai sinh", "Cấp bản sao"]  # the ward's most received first
