"""The comparison shows each child's PAR index score and rank beside its figures; big uploads are refused."""
from datetime import date

from sqlalchemy import select

from app.demo.cli import DEMO_CITY, DEMO_PASSWORD, load_demo
from app.demo.dossiers import load_demo_dossiers
from app.extensions import db
from app.stats.index_service import load_default_rubrics, rank_children
from app.units.models import Unit


def test_the_comparison_ranks_children_by_the_index_of_the_periods_year(app, client):
    today = date(2026, 6, 17)
    load_demo(today)
    load_demo_dossiers(today, 2, 3, 7)
    load_default_rubrics(2026)
    city = db.session.scalar(select(Unit).where(Unit.code == DEMO_CITY[0]))
    ranked = rank_children(city, 2026, "cchc-tthc", today)
    client.post("/login", data={"username": "canbo.thanhpho", "password": DEMO_PASSWORD})
    page = client.get(f"/units/{city.id}/comparison?period=custom&from=01/04/2026&to=16/06/2026").get_data(as_text=True)
    assert "Chỉ số CCHC (TTHC)" in page
    best = ranked[0]
    assert f"({best.rank}/{len(ranked)})" in page
    assert best.unit.name in page


def test_an_upload_beyond_the_limit_gets_a_clear_refusal(client, world, login_as):
    login_as(world.user("chair", "a"))
    response = client.post("/dossiers/new", data={"applicant_name": "x" * (7 * 1024 * 1024)})
    assert response.status_code == 413
    assert "Tệp quá lớn" in response.get_data(as_text=True)


def test_index_figures_are_not_rounded_up_into_a_full_band():
    from app.stats.figures import Counts, Report06, named_figures

    counts = Counts(early=19_999, late=1)
    figures = named_figures(Report06(None, date(2026, 1, 1), date(2026, 12, 31), counts, []))
    assert counts.on_time_rate == 1.0  # the 4-place rate shown on pages
    assert figures["on_time_rate"] == 19_999 / 20_000 < 1
