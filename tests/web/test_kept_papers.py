"""A receipt is laid out once per dossier version and kept (issue 13): printed again it is the same
PDF without WeasyPrint; a new version, or a change of what it shows, lays it out anew."""
from datetime import datetime

from sqlalchemy import func, select

from app.dossiers.lifecycle import Action
from app.extensions import db
from app.reports import views
from app.reports.models import KeptPaper
from app.units.models import Unit
from test_dossier_operations import act
from test_receipt_pdf import make_dossier  # noqa: F401 - the fixture


def counting_renders(monkeypatch) -> list[int]:
    calls = []
    real = views.render_pdf

    def render(html):
        calls.append(1)
        return real(html)

    monkeypatch.setattr(views, "render_pdf", render)
    return calls


def test_a_receipt_printed_again_is_served_from_the_kept_paper(client, world, login_as, make_dossier, monkeypatch):
    renders = counting_renders(monkeypatch)
    dossier = make_dossier()
    login_as(world.user("clerk", "a"))
    first = client.get(f"/dossiers/{dossier.id}/receipt.pdf")
    second = client.get(f"/dossiers/{dossier.id}/receipt.pdf")
    assert first.status_code == second.status_code == 200
    assert first.data == second.data and first.data.startswith(b"%PDF")
    assert len(renders) == 1
    assert db.session.scalar(select(func.count()).select_from(KeptPaper)) == 1


def test_a_new_version_or_a_new_name_of_the_unit_lays_the_receipt_out_again(client, world, login_as, make_dossier,
                                                                            monkeypatch):
    renders = counting_renders(monkeypatch)
    dossier = make_dossier()
    login_as(world.user("clerk", "a"))
    client.get(f"/dossiers/{dossier.id}/receipt.pdf")
    act(dossier, Action.HAND_OVER, world.user("clerk", "a"), datetime(2026, 11, 16, 11, 0), to_office="Tư pháp")
    client.get(f"/dossiers/{dossier.id}/receipt.pdf")
    assert len(renders) == 2
    # Only the current version's copy is kept.
    assert db.session.execute(select(KeptPaper.version)).scalars().all() == [dossier.version]
    # The same version, but the paper would show another name: laid out again.
    unit = db.session.get(Unit, world.ward_a.id)
    unit.name = "Phường Ánh Dương Mới"
    db.session.commit()
    response = client.get(f"/dossiers/{dossier.id}/receipt.pdf")
    assert response.status_code == 200
    assert len(renders) == 3


def test_a_receipt_of_another_ward_is_not_served_from_the_kept_papers(client, world, login_as, make_dossier):
    dossier = make_dossier()
    login_as(world.user("clerk", "a"))
    assert client.get(f"/dossiers/{dossier.id}/receipt.pdf").status_code == 200
    login_as(world.user("clerk", "b"))
    assert client.get(f"/dossiers/{dossier.id}/receipt.pdf").status_code == 404
