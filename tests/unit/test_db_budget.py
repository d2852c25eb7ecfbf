"""The budget of each kind of request, the shape of a query's parameters, the breaker's states."""
from datetime import date, datetime
from decimal import Decimal

import pytest

from app.db_budget import Breaker, Budgets, RequestKind, parameter_shape, request_kind


@pytest.mark.parametrize(("path", "kind"), [
    ("/", RequestKind.PAGE),
    ("/dossiers/12", RequestKind.PAGE),
    ("/dossiers/12/receipt.pdf", RequestKind.PAPER),
    ("/units/3/report-q.pdf", RequestKind.PAPER),
    ("/units/3/figures.xlsx", RequestKind.EXPORT),
    ("/units/3/comparison.CSV", RequestKind.EXPORT),
    ("/units/3/register/print", RequestKind.PAGE),
    ("/pdf/list", RequestKind.PAGE),  # only the last segment's suffix counts
])
def test_the_kind_of_a_request_is_what_its_url_hands_back(path, kind):
    assert request_kind(path) is kind


def test_each_kind_has_its_own_budget_and_absurd_ones_are_refused():
    budgets = Budgets(page_ms=1500, paper_ms=2000, export_ms=15000)
    assert [budgets.for_kind(kind) for kind in RequestKind] == [1500, 2000, 15000]
    for wrong in (0, -5, 3_600_000):
        with pytest.raises(ValueError):
            Budgets(page_ms=wrong)


def test_a_parameters_shape_tells_types_and_lengths_never_values():
    shape = parameter_shape({"applicant_name_1": "Nguyễn Văn An", "unit_id_1": 7, "code": None,
                             "at": datetime(2026, 1, 2, 8, 0), "day": date(2026, 1, 2), "rate": Decimal("1.5"),
                             "ids": [1, 2, 3], "blob": b"\x00\x01", "kind": RequestKind.PAGE})
    assert shape == ("{applicant_name_1: str[13], unit_id_1: int, code: None, at: datetime, day: date, "
                     "rate: Decimal, ids: list[3 × int], blob: bytes[2], kind: RequestKind}")
    assert "Nguy" not in shape and "7" not in shape.replace("_1", "")
    assert parameter_shape(("001085012345", 3)) == "(str[12], int)"
    assert parameter_shape([{"a": "x"}, {"a": "yy"}]) == "2 × {a: str[1]}"
    assert parameter_shape(None) == "()" and parameter_shape([]) == "()"


def test_the_breaker_opens_refuses_for_its_cooldown_then_lets_one_probe_through():
    breaker = Breaker(cooldown=0.5, probe_limit=3.0)
    assert breaker.allows(100.0) and not breaker.is_open
    breaker.failed(100.0)
    assert not breaker.allows(100.2)  # cooling down: everyone fails at once
    assert breaker.allows(100.6)  # the probe
    assert not breaker.allows(100.7)  # the others wait for its outcome
    breaker.failed(102.6)  # the probe heard nothing: open again
    assert not breaker.allows(102.9)
    assert breaker.allows(103.2)
    breaker.succeeded()
    assert breaker.allows(103.3) and breaker.allows(103.3) and not breaker.is_open


def test_a_probe_that_never_reports_is_given_up():
    breaker = Breaker(cooldown=0.5, probe_limit=3.0)
    breaker.failed(0.0)
    assert breaker.allows(1.0)
    assert not breaker.allows(3.9)
    assert breaker.allows(4.1)  # the first probe is taken for lost; another may try
