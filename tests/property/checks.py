"""Hypothesis settings for the property tests and the checks every hostile request is held to.

The `app` fixture lives for the session and tables are emptied after each test, not after each
example: every example makes the objects it acts on, and compares the database before and after.
(No conftest.py here: a second module named `conftest` would shadow `from conftest import ...`.)"""
import os
import unicodedata

from hypothesis import HealthCheck, settings
from sqlalchemy import String

from app.extensions import db
from hostile import MARKUP

_EXPLORE = os.environ.get("HYPOTHESIS_EXPLORE") == "1"


def hostile_settings(max_examples: int = 25) -> settings:
    """Derandomized, so that a failure found once is found again on the next run and in CI;
    HYPOTHESIS_EXPLORE=1 searches afresh and ten times longer on a developer's machine. The fixtures are
    the test's, shared by its examples, which is why each example makes what it acts on."""
    return settings(derandomize=not _EXPLORE, max_examples=max_examples * (10 if _EXPLORE else 1), deadline=None,
                    database=None, print_blob=True,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                           HealthCheck.data_too_large, HealthCheck.filter_too_much])


def database_contents() -> dict[str, list]:
    """Every row of every table, so that "nothing was written" is checked on all of them."""
    db.session.expire_all()
    return {table.name: sorted((tuple(row) for row in db.session.execute(table.select())), key=repr)
            for table in db.metadata.sorted_tables}


def stored_text_problems(before: dict[str, list] | None = None) -> list[str]:
    """Every stored string that is not NFC, holds a control or format character, or is longer than its
    column allows (PostgreSQL would refuse it with a 500; SQLite stores anything). With `before` (a
    `database_contents()`), only rows written since are looked at: an example answers for its own writes."""
    db.session.expire_all()
    problems = []
    for table in db.metadata.sorted_tables:
        earlier = {repr(row) for row in (before or {}).get(table.name, ())}
        strings = [(index, column) for index, column in enumerate(table.columns) if isinstance(column.type, String)]
        if not strings:
            continue
        for row in db.session.execute(table.select()):
            if repr(tuple(row)) in earlier:
                continue
            for index, column in strings:
                value = row[index]
                if not isinstance(value, str):
                    continue
                where = f"{table.name}.{column.name} = {value[:60]!r}"
                if column.type.length is not None and len(value) > column.type.length:
                    problems.append(f"{where}: {len(value)} > {column.type.length}")
                if unicodedata.normalize("NFC", value) != value:
                    problems.append(f"{where}: not NFC")
                if any(unicodedata.category(ch) in ("Cc", "Cf") and ch not in "\n\t" for ch in value):
                    problems.append(f"{where}: control or format character")
    return problems


def assert_answered_cleanly(response, allowed=(200, 302, 303, 400, 404, 409, 422)) -> str:
    """Not a 500, no markup of the payload in the page; the page's text."""
    page = response.get_data().decode("utf-8", errors="replace")  # an XLSX download is no text
    assert response.status_code in allowed, (response.status_code, page[:2000])
    for markup in MARKUP:
        assert markup not in page, f"unescaped {markup!r} in the answer"
    return page
