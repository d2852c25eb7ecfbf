"""Numbers and dates at every route that takes one: a query value, a path segment or a decimal field beyond
what the app accepts answers a Vietnamese 400/404/422, never a 500 (issue 12, point 9). Each of the
issue's values is always tried (`@example`); hypothesis adds integers, decimals and dates around them."""
from datetime import date, datetime
from decimal import Decimal
from urllib.parse import quote

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from app.catalog.models import Offering, OnlineKind
from app.dossiers.lifecycle import Action
from app.dossiers.operations import ActionInput, Applicant, Intake, apply_action, register_dossier
from app.extensions import db
from app.worktime.deadlines import OfficeHours, TimeUnit
from app.worktime.vietnam import build_calendar
from checks import assert_answered_cleanly, database_contents, hostile_settings
from conftest import make_procedure
from hostile import ABSURD_DATES, ABSURD_NUMBERS, hostile_date, hostile_number

CALENDAR = build_calendar(OfficeHours())
# 200: a picker that falls back to the current period with a message; 303: a download sent back to its page
REFUSED = (200, 303, 400, 404, 422)

# (route, base URL from the objects, parameter): every query parameter of the app that is a number.
NUMBER_PARAMETERS = [
    ("intake", lambda o: "/dossiers/new?", "offering_id"),
    ("intake checklist", lambda o: "/dossiers/new/procedure?", "offering_id"),
    ("intake due date", lambda o: "/dossiers/new/due?received_at=25/11/2026+09:00&", "offering_id"),
    ("search", lambda o: "/dossiers/?", "procedure_id"),
    ("search", lambda o: "/dossiers/?", "unit_id"),
    ("search", lambda o: "/dossiers/?", "page"),
    ("procedures", lambda o: "/catalog/procedures?", "page"),
    ("offerings", lambda o: f"/units/{o['unit'].id}/offerings?", "page"),
    ("supplement slip", lambda o: f"/dossiers/{o['dossier'].id}/supplement.pdf?", "period"),
    ("index", lambda o: f"/units/{o['unit'].id}/index?", "year"),
    ("figures", lambda o: f"/units/{o['unit'].id}/figures?period=year&", "year"),
    ("figures", lambda o: f"/units/{o['unit'].id}/figures?period=quarter&year=2026&", "number"),
    ("figures csv", lambda o: f"/units/{o['unit'].id}/figures.csv?period=year&", "year"),
    ("figures xlsx", lambda o: f"/units/{o['unit'].id}/figures.xlsx?period=month&year=2026&", "number"),
    ("comparison", lambda o: f"/units/{o['district'].id}/comparison?period=year&", "year"),
    ("comparison csv", lambda o: f"/units/{o['district'].id}/comparison.csv?period=year&", "year"),
    ("quarterly report", lambda o: f"/units/{o['unit'].id}/report-q.pdf?quarter=1&", "year"),
    ("quarterly report", lambda o: f"/units/{o['unit'].id}/report-q.pdf?year=2026&", "quarter"),
    ("period report", lambda o: f"/units/{o['unit'].id}/report?kind=quarter&number=1&", "year"),
    ("period report", lambda o: f"/units/{o['unit'].id}/report?kind=month&year=2026&", "number"),
    ("period report pdf", lambda o: f"/units/{o['unit'].id}/report.pdf?kind=quarter&year=2026&", "number"),
    ("period report docx", lambda o: f"/units/{o['unit'].id}/report.docx?kind=quarter&number=2&", "year"),
    ("submissions", lambda o: f"/units/{o['district'].id}/submissions?kind=quarter&year=2026&", "number"),
    ("register", lambda o: "/register?first_day=01/11/2026&last_day=30/11/2026&", "unit_id"),
    ("calendar", lambda o: "/calendar/?", "year"),
    ("calendar", lambda o: "/calendar/?", "unit_id"),
    ("audit", lambda o: "/audit?", "after"),
]
# … and every query parameter that is a day or a time.
DATE_PARAMETERS = [
    ("intake due date", lambda o: f"/dossiers/new/due?offering_id={o['offering'].id}&", "received_at"),
    ("search", lambda o: "/dossiers/?", "from"),
    ("search", lambda o: "/dossiers/?", "to"),
    ("figures", lambda o: f"/units/{o['unit'].id}/figures?period=custom&from=01/01/2026&", "to"),
    ("figures", lambda o: f"/units/{o['unit'].id}/figures?period=custom&to=01/01/2026&", "from"),
    ("figures csv", lambda o: f"/units/{o['unit'].id}/figures.csv?period=custom&from=01/01/2026&", "to"),
    ("comparison", lambda o: f"/units/{o['district'].id}/comparison?period=custom&from=01/01/2026&", "to"),
    ("comparison xlsx", lambda o: f"/units/{o['district'].id}/comparison.xlsx?period=custom&to=01/01/2026&", "from"),
    ("register", lambda o: "/register?first_day=01/11/2026&", "last_day"),
    ("register", lambda o: "/register?last_day=30/11/2026&", "first_day"),
    ("register xlsx", lambda o: f"/units/{o['unit'].id}/register.xlsx?last_day=30/11/2026&", "first_day"),
    ("audit", lambda o: "/audit?", "date_from"),
    ("audit", lambda o: "/audit?", "date_to"),
]


@pytest.fixture
def objects(world):
    """Ward A offers a procedure and holds a dossier awaiting a supplement; its chair is signed in."""
    procedure = make_procedure("9.000555", "Thủ tục có giới hạn")
    offering = Offering(unit=world.ward_a, procedure=procedure, active_from=date(2025, 1, 1),
                        online_kind=OnlineKind.NONE)
    offering.set_committed_time(Decimal(3), TimeUnit.WORKING_DAYS)
    db.session.add(offering)
    db.session.flush()
    received = datetime(2026, 11, 23, 9, 0)
    dossier = register_dossier(Intake(offering=offering, applicant=Applicant("Nguyễn Văn Thử", "001099012345"),
                                      channel="direct", online_kind=None, received_at=received),
                               CALENDAR, None, "pause", received)
    apply_action(dossier, Action.REQUEST_SUPPLEMENT, ActionInput(reason="Thiếu tờ khai"), world.user("clerk", "a"),
                 CALENDAR, datetime(2026, 11, 23, 10, 0), expected_version=dossier.version)
    db.session.commit()
    return {"unit": world.ward_a, "district": world.ward_a.parent, "offering": offering, "dossier": dossier}


def _ask(client, url: str):
    response = client.get(url)
    page = assert_answered_cleanly(response, allowed=REFUSED)
    if response.status_code in (400, 422):
        assert any(word in page for word in ("phải", "không", "Không")), page[:500]
    return response


def _absurd_numbers():
    return st.one_of(st.sampled_from(ABSURD_NUMBERS), st.integers().map(str), hostile_number())


def _absurd_dates():
    return st.one_of(st.sampled_from(ABSURD_DATES), hostile_date(),
                     st.integers(min_value=1, max_value=9999).map(lambda year: f"31/12/{year}"))


def _with_examples(values):
    def decorate(test):
        for value in values:
            test = example(value=value)(test)
        return test
    return decorate


@pytest.mark.parametrize("route, url, name", NUMBER_PARAMETERS, ids=[f"{r}-{n}" for r, _, n in NUMBER_PARAMETERS])
@hostile_settings(max_examples=6)
@_with_examples(ABSURD_NUMBERS)
@given(value=_absurd_numbers())
def test_an_absurd_number_in_a_query_is_refused_not_a_failure(client, objects, world, login_as, route, url, name,
                                                               value):
    login_as(world.user("chair", "a"))
    _ask(client, url(objects) + f"{name}={quote(value)}")


@pytest.mark.parametrize("route, url, name", DATE_PARAMETERS, ids=[f"{r}-{n}" for r, _, n in DATE_PARAMETERS])
@hostile_settings(max_examples=6)
@_with_examples(ABSURD_DATES)
@given(value=_absurd_dates())
def test_an_absurd_date_in_a_query_is_refused_not_a_failure(client, objects, world, login_as, route, url, name,
                                                             value):
    login_as(world.user("chair", "a"))
    _ask(client, url(objects) + f"{name}={quote(value)}")


@pytest.mark.parametrize("name", ["first_day", "last_day"])
@hostile_settings(max_examples=6)
@_with_examples(ABSURD_DATES)
@given(value=_absurd_dates())
def test_an_absurd_date_sent_to_print_the_register_is_refused_not_a_failure(client, objects, world, login_as, name,
                                                                            value):
    login_as(world.user("chair", "a"))
    form = {"first_day": "01/11/2026", "last_day": "30/11/2026", name: value}
    assert_answered_cleanly(client.post(f"/units/{objects['unit'].id}/register/print", data=form),
                            allowed=(303, 400))


@pytest.mark.parametrize("value", ["31/12/9999 23:59", "01/01/0001 08:00", "01/01/1999 08:00", "01/01/2101 08:00"])
def test_an_intake_dated_beyond_the_years_the_app_keeps_is_refused_beside_its_field(client, objects, world,
                                                                                    login_as, value):
    login_as(world.user("clerk", "a"))
    before = database_contents()
    response = client.post("/dossiers/new", data={
        "offering_id": str(objects["offering"].id), "applicant_name": "Trần Văn Xa", "channel": "direct",
        "sets_count": "1", "received_at": value, "extra_documents": "Tờ khai"})
    page = assert_answered_cleanly(response, allowed=(422,))
    assert "2000" in page and "2100" in page
    assert database_contents() == before


def _path_cases(app):
    """(rule, URL) for every GET route: each `<int:…>` segment given an id no column holds, and each text
    segment a NUL; the other segments are valid-looking."""
    cases = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        if rule.arguments:
            for target in sorted(rule.arguments):
                for value in (["99999999999999999999", "2147483648"] if rule._converters[target].regex == r"\d+"
                              else ["%00", "a%00b"]):
                    values = {name: (value if name == target else "1") for name in rule.arguments}
                    cases.append((rule.rule, _fill(rule.rule, values)))
        cases.append((rule.rule, rule.rule.rstrip("/") + "/%00"))
    return cases


def _fill(template: str, values: dict) -> str:
    import re
    return re.sub(r"<(?:[^:>]+:)?([^>]+)>", lambda match: values[match.group(1)], template)


def test_an_id_no_column_holds_or_a_nul_in_any_path_segment_is_refused_not_a_failure(app, client, objects, world,
                                                                                     login_as):
    login_as(world.users["admin_city"])
    for rule, url in _path_cases(app):
        response = client.get(url)
        assert_answered_cleanly(response, allowed=(400, 404, 405, 302, 308)), (rule, url)


def test_a_nul_in_a_query_value_is_refused_not_a_failure(client, objects, world, login_as):
    login_as(world.user("chair", "a"))
    for url in ("/dossiers/?q=a%00b", "/catalog/procedures?q=%00", "/catalog/procedures/suggest?procedure_code=%00",
                f"/units/{objects['unit'].id}/index?rubric=%00", "/audit?user=%00"):
        assert_answered_cleanly(client.get(url), allowed=(200, 400, 422))
