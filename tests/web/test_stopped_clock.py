"""The stopped clock (DOMAIN.md "While the clock is stopped"): a dossier awaiting a supplement, under
either rule, is neither overdue nor due soon — unless its due time had passed before the request —
on the desk's lists, the dossier page and in Report 06 at any period's end."""
from datetime import date, datetime

import pytest

from app.catalog.models import SupplementRule
from app.dossiers.lifecycle import Action
from app.dossiers.models import Dossier
from app.dossiers.ontime import ClockState, is_overdue
from app.dossiers.queries import DeskClock, SearchFilters, deadlines_of, desk_counts, dossier_count
from app.extensions import db
from app.stats.figures import report_06
from app.worktime.clock import calendar_for
from app.worktime.deadlines import TimeUnit
from test_dossier_operations import act, make_offering, register

# Received Monday 2 March 2026 at 09:00 for 3 working days: due Thursday 5 March at 09:00.
RECEIVED = datetime(2026, 3, 2, 9, 0)
DUE = datetime(2026, 3, 5, 9, 0)


def at(text: str) -> datetime:
    return datetime.strptime(text, "%d/%m/%Y %H:%M")


# name: (supplement requested, supplement received or None, last day of the period,
#        {rule: what the dossier counts as at the period's end})
SCENARIOS = {
    # The request came before the due time and the citizen has not come back: the clock stopped
    # with time left, so it is within time at an end long after the due time.
    "paused before the due time, still paused at the end": (
        "03/03/2026 10:00", None, date(2026, 3, 13), {"pause": "within_time", "restart": "within_time"}),
    # The request came after the due time: the request does not cure lateness.
    "paused after the due time, still paused at the end": (
        "09/03/2026 10:00", None, date(2026, 3, 13), {"pause": "overdue", "restart": "overdue"}),
    # The period ended during the pause; the papers came in later: at the end it was paused.
    "supplement received after the period": (
        "03/03/2026 10:00", "16/03/2026 10:00", date(2026, 3, 13), {"pause": "within_time", "restart": "within_time"}),
    # Closed before the end: pause moves the due time by the day waited (Friday 6 March 09:00, on
    # the last day: overdue); restart counts 3 days again from Wednesday 10:00 (Monday 9 March).
    "pause closed before the end": (
        "03/03/2026 10:00", "04/03/2026 10:00", date(2026, 3, 6), {"pause": "overdue", "restart": "within_time"}),
    # Overdue at the end (due Thursday 09:00), the pause came later and moved `due_at` past the end:
    # the due time in force at the end decides.
    "paused after the end, past its due time then": (
        "06/03/2026 10:00", "10/03/2026 10:00", date(2026, 3, 5), {"pause": "overdue", "restart": "overdue"}),
    # The same end, the due time not yet reached then.
    "paused after the end, within time then": (
        "06/03/2026 10:00", "10/03/2026 10:00", date(2026, 3, 4), {"pause": "within_time", "restart": "within_time"}),
}


@pytest.mark.parametrize("rule", ["pause", "restart"])
@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_a_dossier_pending_at_the_period_end_counts_by_the_stopped_clock(world, rule, scenario):
    requested, received, last_day, expected = SCENARIOS[scenario]
    offering = make_offering(world.ward_a, "1.000010", 3, TimeUnit.WORKING_DAYS, rule=SupplementRule(rule))
    clerk = world.user("clerk")
    dossier = register(offering, RECEIVED)
    assert dossier.due_at == DUE
    act(dossier, Action.REQUEST_SUPPLEMENT, clerk, at(requested), reason="Thiếu giấy tờ")
    if received:
        act(dossier, Action.RECEIVE_SUPPLEMENT, clerk, at(received))

    total = report_06(world.ward_a, date(2026, 3, 1), last_day).total

    assert total.pending == 1
    assert (total.within_time, total.overdue) == ((1, 0) if expected[rule] == "within_time" else (0, 1))
    # Report 06 of the district above says the same.
    assert report_06(world.district, date(2026, 3, 1), last_day).total.overdue == total.overdue


@pytest.mark.parametrize("requested, stays_overdue", [
    ("03/03/2026 10:00", False),  # before the due time (Thursday 09:00)
    ("05/03/2026 09:00", False),  # at the due time: not yet past it
    ("05/03/2026 09:01", True),   # a minute after it
])
def test_the_desk_never_lists_a_paused_dossier_as_overdue_or_due_soon(world, requested, stays_overdue):
    offering = make_offering(world.ward_a, "1.000011", 3, TimeUnit.WORKING_DAYS)
    clerk = world.user("clerk")
    dossier = register(offering, RECEIVED)
    act(dossier, Action.REQUEST_SUPPLEMENT, clerk, at(requested), reason="Thiếu giấy tờ")
    calendar = calendar_for(world.ward_a)

    # Due next working day, due today, weeks later: whenever the desk looks after the request.
    for now in [moment for moment in (at("04/03/2026 16:00"), at("05/03/2026 08:00"), at("20/03/2026 10:00"))
                if moment >= at(requested)]:
        clock = DeskClock.at(now, calendar)
        with_scope_of(clerk)
        counts = desk_counts(clock)
        overdue_now = stays_overdue
        assert counts["overdue"] == int(overdue_now), now
        assert counts["due_today"] == counts["due_next"] == 0, now
        assert counts["awaiting_supplement"] == 1
        assert dossier_count(SearchFilters(desk_list="overdue"), clock) == int(overdue_now)

        deadline = deadlines_of([db.session.get(Dossier, dossier.id)], now)[dossier.id]
        assert deadline.state.is_paused
        assert deadline.state.is_overdue == stays_overdue


def test_the_working_time_left_is_the_time_left_when_the_clock_stopped(world):
    offering = make_offering(world.ward_a, "1.000012", 3, TimeUnit.WORKING_DAYS)
    dossier = register(offering, RECEIVED)
    act(dossier, Action.REQUEST_SUPPLEMENT, world.user("clerk"), at("04/03/2026 09:00"), reason="Thiếu giấy tờ")

    weeks_later = deadlines_of([db.session.get(Dossier, dossier.id)], at("30/03/2026 15:00"))[dossier.id]

    assert weeks_later.state == ClockState.PAUSED
    assert weeks_later.left.total_seconds() == 8 * 3600  # Wednesday 09:00 → Thursday 09:00: one working day
    assert weeks_later.late_by.total_seconds() == 0


def test_the_dossier_page_and_the_lists_show_the_pause_not_lateness(world, login_as, monkeypatch):
    offering = make_offering(world.ward_a, "1.000013", 3, TimeUnit.WORKING_DAYS)
    dossier = register(offering, RECEIVED, name="Lê Thị Chờ Bổ Sung")
    act(dossier, Action.REQUEST_SUPPLEMENT, world.user("clerk"), at("03/03/2026 10:00"), reason="Thiếu giấy tờ")
    client = login_as(world.user("clerk"))

    page = client.get(f"/dossiers/{dossier.id}").get_data(as_text=True)
    assert "Tạm dừng – chờ công dân bổ sung" in page
    assert "trễ" not in page.split("Hạn trả kết quả", 1)[1].split("</section>", 1)[0]

    overdue_list = client.get("/dossiers/?list=overdue").get_data(as_text=True)
    assert "Lê Thị Chờ Bổ Sung" not in overdue_list
    awaiting = client.get("/dossiers/?list=awaiting_supplement").get_data(as_text=True)
    assert "Lê Thị Chờ Bổ Sung" in awaiting and "tạm dừng" in awaiting.lower()
    home = client.get("/").get_data(as_text=True)
    assert home.count("Lê Thị Chờ Bổ Sung") == 1  # in "awaiting a supplement" only


@pytest.mark.parametrize("due, cut, stopped, overdue", [
    (DUE, at("06/03/2026 00:00"), None, True),
    (DUE, at("05/03/2026 09:00"), None, False),
    (DUE, at("20/03/2026 00:00"), at("04/03/2026 10:00"), False),  # stopped before the due time
    (DUE, at("20/03/2026 00:00"), at("05/03/2026 10:00"), True),   # stopped after it
    (DUE, at("06/03/2026 00:00"), at("10/03/2026 10:00"), True),   # stopped after the cut: not yet stopped then
])
def test_is_overdue_follows_the_stopped_clock(due, cut, stopped, overdue):
    assert is_overdue(due, cut, stopped) is overdue


def with_scope_of(user):
    """desk_counts reads the signed-in user's scope: sign the user in for this request context."""
    from flask_login import login_user
    login_user(user)


def test_the_overdue_list_says_where_each_dossier_is_and_who_acted_last(world, login_as, monkeypatch):
    from app.dossiers import views as dossier_views
    offering = make_offering(world.ward_a, "1.000014", 3, TimeUnit.WORKING_DAYS)
    late = register(offering, RECEIVED, name="Đỗ Văn Trễ Hạn")
    on_time = register(offering, at("09/03/2026 09:00"), name="Vũ Thị Còn Hạn")
    act(late, Action.HAND_OVER, world.user("clerk"), at("02/03/2026 10:00"), to_office="Công chức Tư pháp - Hộ tịch")
    act(on_time, Action.HAND_OVER, world.user("chair"), at("09/03/2026 10:00"), to_office="Công chức Địa chính")
    act(late, Action.REQUEST_APOLOGY, world.user("clerk"), at("04/03/2026 09:00"), reason="Chờ xác minh",
        new_due_at=at("10/03/2026 09:00"))
    monkeypatch.setattr(dossier_views, "local_now", lambda: at("06/03/2026 15:00"))
    client = login_as(world.user("clerk"))

    page = client.get("/dossiers/?list=overdue").get_data(as_text=True)
    row = page.split("Đỗ Văn Trễ Hạn", 1)[1].split("</tr>", 1)[0]
    assert "Công chức Tư pháp - Hộ tịch" in row and "02/03/2026" in row  # where, since when
    assert "Lập phiếu xin lỗi, hẹn lại" in row and "Nguyễn Thị Một Cửa" in row  # last action, by whom
    assert "trễ 1 ngày 5 giờ" in row  # Thursday 09:00 → Friday 15:00: 7 + 6 working hours
    assert "chờ duyệt" in row  # the apology, not yet approved
    assert "Vũ Thị Còn Hạn" not in page

    by_office = client.get("/dossiers/", query_string={"office": "Công chức Địa chính"}).get_data(as_text=True)
    assert "Vũ Thị Còn Hạn" in by_office and "Đỗ Văn Trễ Hạn" not in by_office
    by_actor = client.get("/dossiers/", query_string={"actor_id": world.user("clerk").id}).get_data(as_text=True)
    assert "Đỗ Văn Trễ Hạn" in by_actor and "Vũ Thị Còn Hạn" not in by_actor
