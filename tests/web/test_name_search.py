"""A name search across many units reads the text index (FTS5 trigram on SQLite, pg_trgm on PostgreSQL)
and finds exactly what today's search finds: every folded word a substring of the folded name."""
import random
import re
from datetime import datetime, timedelta

import pytest

from app.dossiers import queries
from app.vntext import fold
from test_dossier_operations import make_offering, register
from app.worktime.deadlines import TimeUnit

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý"]
MIDDLE = ["Văn", "Thị", "Hữu", "Đức", "Thanh", "Ngọc", "Minh", ""]
GIVEN = ["An", "Anh", "Bình", "Chi", "Dũng", "Hà", "Hạnh", "Lan", "Long", "Mai", "Nam", "Ánh", "Tuấn", "Yến"]
QUERIES = ["nguyen", "nguyen van an", "Nguyễn Văn An", "an", "le", "ngoc anh", "duc long", "THI", "anh nguyen",
           "ha", "hanh", "ly yen", "xyz", "dang thi", "o"]


@pytest.fixture
def names(world):
    """Eighty applicants spread over ward A (in the district) and ward B, at distinct times."""
    rng = random.Random(7)
    offerings = [make_offering(world.ward_a, "1.000030", 3, TimeUnit.WORKING_DAYS),
                 make_offering(world.ward_b, "1.000031", 3, TimeUnit.WORKING_DAYS)]
    names = []
    start = datetime(2026, 3, 2, 8, 0)
    for number in range(80):
        name = " ".join(part for part in (rng.choice(FAMILY), rng.choice(MIDDLE), rng.choice(GIVEN)) if part)
        register(offerings[number % 2], start + timedelta(minutes=7 * number), name=name)
        names.append(name)
    return names


def listed(client, query: str) -> set[str]:
    html = client.get("/dossiers/", query_string={"q": query}).get_data(as_text=True)
    return set(re.findall(r"<td>([^<]+)</td>\s*<td>Thủ tục thử", html))


@pytest.mark.parametrize("few_matches_limit", [0, 10_000])  # the walk of the receipt index; the text index
def test_an_officers_name_search_finds_what_todays_search_finds(app, world, names, login_as, monkeypatch,
                                                               few_matches_limit):
    monkeypatch.setitem(app.config, "ITEMS_PER_PAGE", 100)  # every match on one page
    monkeypatch.setattr(queries, "FEW_MATCHES", few_matches_limit)
    monkeypatch.setattr("app.dossiers.views.FEW_MATCHES", few_matches_limit)
    client = login_as(world.user("officer", "city"))
    for query in QUERIES:
        words = fold(query).split()
        expected = [name for name in names if all(word in fold(name) for word in words)]
        assert listed(client, query) == set(expected), query
        count = client.get("/dossiers/", query_string={"q": query}).get_data(as_text=True)
        assert f">{len(expected)} dòng<" in count, query  # dossiers, two applicants may share a name


def test_the_text_index_follows_corrections_of_a_name(world, names, login_as):
    from sqlalchemy import select

    from app.dossiers.lifecycle import Action
    from app.dossiers.models import Dossier
    from app.extensions import db
    from test_dossier_operations import act

    dossier = db.session.scalar(select(Dossier).order_by(Dossier.id).limit(1))
    act(dossier, Action.CORRECT, world.user("clerk", "a" if dossier.unit_id == world.ward_a.id else "b"),
        datetime(2026, 3, 10, 9, 0), corrections={"applicant_name": "Khổng Thị Mới Đổi"})
    client = login_as(world.user("officer", "city"))
    assert listed(client, "khong thi moi doi") == {"Khổng Thị Mới Đổi"}
