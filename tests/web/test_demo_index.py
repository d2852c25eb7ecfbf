"""The demo's PAR index: a year of confirmed manual scores for each demo ward, last year and this, so that
the published results page has every ward ranked, banded and compared with last year."""
from sqlalchemy import func, select

from app.demo.cli import DEMO_CITY, DEMO_PASSWORD
from app.extensions import db
from app.stats.index_models import ManualScore
from app.stats.index_service import published_results
from app.stats.par_index import Status
from app.units.models import Unit
from app.worktime.clock import local_now


def test_the_demo_publishes_a_ranked_year_for_its_wards_and_loads_it_once(app, client):
    runner = app.test_cli_runner()
    loaded = runner.invoke(args=["demo", "load", "--dossiers-per-day", "1", "--months", "2"])
    assert loaded.exit_code == 0, loaded.output
    assert "Điểm chỉ số CCHC mẫu" in loaded.output
    today = local_now().date()
    city = db.session.scalar(select(Unit).where(Unit.code == DEMO_CITY[0]))
    found = published_results(city, today.year, "par-xa", today)
    lines = {line.name: line for line in found.results.lines}
    assert set(lines) == {"Phường Hà Đông", "Phường Hoàn Kiếm", "Xã Sóc Sơn"}
    assert all(line.percent is not None and 50 < line.percent < 100 for line in lines.values())
    assert {lines["Phường Hà Đông"].rank_label, lines["Phường Hoàn Kiếm"].rank_label} == {"1/2", "2/2"}
    assert lines["Xã Sóc Sơn"].rank_label == "1/1"
    assert all(line.change is not None for line in lines.values())  # last year was scored too
    assert found.is_demo
    statuses = dict(db.session.execute(select(ManualScore.status, func.count()).group_by(ManualScore.status)).all())
    assert statuses[Status.CONFIRMED] > 100 and statuses[Status.PENDING] == 3  # one per ward this year, on cchc-tthc
    assert db.session.scalar(select(func.count()).select_from(ManualScore).where(
        ~ManualScore.note.startswith("Dữ liệu mẫu (demo)"))) == 0

    count = db.session.scalar(select(func.count()).select_from(ManualScore))
    again = runner.invoke(args=["demo", "load", "--dossiers-per-day", "1", "--months", "2"])
    assert again.exit_code == 0 and "Điểm chỉ số CCHC mẫu" not in again.output
    assert db.session.scalar(select(func.count()).select_from(ManualScore)) == count

    client.post("/login", data={"username": "canbo.thanhpho", "password": DEMO_PASSWORD})
    page = client.get(f"/units/{city.id}/index/results?year={today.year}").get_data(as_text=True)
    assert "Khối phường (2 đơn vị): giá trị trung bình" in page and "Khối xã, thị trấn (1 đơn vị)" in page
    assert "Dữ liệu mẫu" in page or "demo" in page.lower()
