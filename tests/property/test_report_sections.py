"""Hostile text in the chair's sections of a period's report (issue 11): never a 500, never the payload's
markup in the report page, what is stored is NFC and free of control characters; too long a section is
refused whole (nothing half-written); the period's fields refuse absurd numbers."""
from hypothesis import given
from hypothesis import strategies as st

from checks import assert_answered_cleanly, database_contents, hostile_settings, stored_text_problems
from hostile import OVERLONG, hostile_number, hostile_text

PERIOD = {"kind": "quarter", "year": "2025", "number": "4"}


@hostile_settings(max_examples=15)
@given(assessment=hostile_text(), proposals=st.one_of(hostile_text(), st.sampled_from(OVERLONG)))
def test_hostile_sections_are_stored_clean_or_refused(client, world, login_as, assessment, proposals):
    login_as(world.user("chair", "a"))
    before = database_contents()
    response = client.post(f"/units/{world.ward_a.id}/report/sections",
                           data=PERIOD | {"assessment": assessment, "proposals": proposals})
    assert_answered_cleanly(response, allowed=(303,))
    assert stored_text_problems(before) == []
    page = client.get(f"/units/{world.ward_a.id}/report", query_string=PERIOD)
    assert_answered_cleanly(page, allowed=(200,))
    if len(proposals) > 40_000:  # far beyond the 20,000 characters a section holds: nothing written
        assert database_contents()["report_section_revisions"] == before["report_section_revisions"]


@hostile_settings(max_examples=10)
@given(value=hostile_number())
def test_an_absurd_period_in_the_sections_form_is_refused_and_writes_nothing(client, world, login_as, value):
    login_as(world.user("chair", "a"))
    before = database_contents()
    response = client.post(f"/units/{world.ward_a.id}/report/sections",
                           data=PERIOD | {"year": value, "assessment": "Đánh giá"})
    assert_answered_cleanly(response, allowed=(303, 400, 422))
    if response.status_code != 303:
        assert database_contents() == before
