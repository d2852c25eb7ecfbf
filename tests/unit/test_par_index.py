"""The PAR index's arithmetic: bands, proportional points, no data, manual entries counted only once
confirmed, totals and percent, ranks that share ties, and the bands an administrator types."""
from decimal import Decimal

import pytest

from app.stats.par_index import (Band, BandsError, CriterionRule, ManualEntry, Method, Rule, Status,
                                 competition_ranks, describe_rule, format_bands, parse_bands, percent_of, rank_label,
                                 score_criterion, score_rubric)

D = Decimal
FULL_OR_HALF = (Band(D("1"), D("1")), Band(D("0.95"), D("0.5")))


def auto(code="A", max_points="3", figure="on_time_rate", rule=Rule.BANDS, bands=FULL_OR_HALF, without_data="0"):
    return CriterionRule(code, f"Tiêu chí {code}", D(max_points), Method.AUTO, figure, rule, bands, D(without_data))


def manual(code="M", max_points="1.5"):
    return CriterionRule(code, f"Tiêu chí {code}", D(max_points), Method.MANUAL)


@pytest.mark.parametrize(
    ("value", "points"),
    [
        (1.0, "3.00"),  # 100% → full
        (0.9999, "1.50"),  # just below 100% → half
        (0.95, "1.50"),  # the band's minimum is inclusive
        (0.9499, "0.00"),  # below every band → 0
        (0.0, "0.00"),
    ],
)
def test_bands_give_the_share_of_the_highest_band_reached(value, points):
    scored = score_criterion(auto(), value)
    assert scored.points == D(points)
    assert scored.status == Status.SCORED
    assert scored.value == value


def test_bands_are_checked_highest_first_whatever_order_they_are_stored_in():
    assert score_criterion(auto(bands=tuple(reversed(FULL_OR_HALF))), 1.0).points == D("3.00")


@pytest.mark.parametrize(
    ("value", "max_points", "points"),
    [
        (1.0, "20", "20.00"),
        (0.8276, "20", "16.55"),  # 16.552 → 16.55
        (0.5, "1.5", "0.75"),
        (0.0, "20", "0.00"),
        (0.12345, "1", "0.12"),
    ],
)
def test_proportional_points_are_the_figure_times_the_maximum(value, max_points, points):
    assert score_criterion(auto(max_points=max_points, rule=Rule.PROPORTIONAL, bands=()), value).points == D(points)


@pytest.mark.parametrize("rule", [Rule.BANDS, Rule.PROPORTIONAL])
def test_a_figure_with_no_data_scores_nothing_and_says_so(rule):
    scored = score_criterion(auto(rule=rule), None)
    assert scored.points == D("0.00")
    assert scored.status == Status.NO_DATA
    assert scored.value is None


def test_a_rubric_may_give_points_when_there_is_no_data():
    # Apology letters for late dossiers: no late dossier at all is the best case, not a missing one.
    scored = score_criterion(auto(figure="apology_coverage", max_points="1", without_data="1"), None)
    assert (scored.points, scored.status) == (D("1.00"), Status.NO_DATA)


@pytest.mark.parametrize(
    ("entry", "points", "status"),
    [
        (None, "0.00", Status.NOT_ENTERED),
        (ManualEntry(D("1.25"), Status.PENDING), "0.00", Status.PENDING),
        (ManualEntry(D("1.25"), Status.REJECTED), "0.00", Status.REJECTED),
        (ManualEntry(D("1.25"), Status.CONFIRMED), "1.25", Status.CONFIRMED),
        (ManualEntry(D("4"), Status.CONFIRMED), "1.50", Status.CONFIRMED),  # never above the maximum
    ],
)
def test_manual_points_count_only_once_a_higher_unit_confirms_them(entry, points, status):
    scored = score_criterion(manual(), entry=entry)
    assert (scored.points, scored.status) == (D(points), status)
    assert scored.entered_points == (entry.points if entry else None)
    assert not scored.is_automatic


def test_the_rubric_total_is_the_sum_and_the_percent_has_two_decimals():
    rules = [auto("A"), auto("B", max_points="20", rule=Rule.PROPORTIONAL, bands=()), manual("M"), manual("N")]
    score = score_rubric(
        rules,
        {"on_time_rate": 0.96},
        {"M": ManualEntry(D("1"), Status.CONFIRMED), "N": ManualEntry(D("1.5"), Status.PENDING)},
    )
    # A: 96% → half of 3; B: 0.96 × 20; M confirmed 1; N pending 0.
    assert [item.points for item in score.criteria] == [D("1.50"), D("19.20"), D("1.00"), D("0.00")]
    assert score.points == D("21.70")
    assert score.max_points == D("26.00")
    assert score.percent == D("83.46")  # 21.7 ÷ 26 × 100 = 83.461…
    assert score.pending_count == 1


def test_a_rubric_without_points_has_no_percent():
    assert score_rubric([], {}, {}).percent is None


@pytest.mark.parametrize(
    ("points", "max_points", "percent"),
    [("8.5", "12", "70.83"), ("12", "12", "100.00"), ("0", "12", "0.00"), ("1", "3", "33.33"), ("2", "3", "66.67"),
     ("0.0625", "0.5", "12.5")],
)
def test_percent_is_points_over_maximum_times_100_rounded_half_up(points, max_points, percent):
    assert percent_of(D(points), D(max_points)) == D(percent)


@pytest.mark.parametrize(
    ("values", "ranks"),
    [
        ([D("92.5"), D("80"), D("78.4")], [1, 2, 3]),
        ([D("90"), D("90"), D("70")], [1, 1, 3]),  # ties share a rank; the next rank skips
        ([D("90"), D("80"), D("80"), D("80"), D("10")], [1, 2, 2, 2, 5]),
        ([D("70"), D("90")], [2, 1]),  # ranks follow the values, not the order given
        ([None, D("50")], [None, 1]),
        ([], []),
    ],
)
def test_ranks_share_ties(values, ranks):
    assert competition_ranks(values) == ranks


def test_a_rank_reads_as_place_out_of_total():
    assert rank_label(3, 30) == "3/30"
    assert rank_label(None, 30) == "—"


@pytest.mark.parametrize(
    ("text", "bands"),
    [
        ("100 → 100%\n95 → 50%", FULL_OR_HALF),
        ("95% -> 50%\n100 => 100", FULL_OR_HALF),  # any order, other arrows, % optional
        ("≥ 99,5 → 75%\n\n", (Band(D("0.995"), D("0.75")),)),  # decimal comma, blank lines ignored
        (">= 50: 100", (Band(D("0.5"), D("1")),)),
    ],
)
def test_bands_are_read_from_lines_of_percentages(text, bands):
    assert parse_bands(text) == bands


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "ít nhất một mức"),
        ("100 → 100%\ncao → 50%", "Dòng 2"),
        ("120 → 100%", "quá 100%"),
        ("95 → 50%\n95 → 40%", "cùng tỷ lệ"),
    ],
)
def test_bands_that_cannot_be_read_are_refused_with_the_reason(text, message):
    with pytest.raises(BandsError, match=message):
        parse_bands(text)


def test_bands_written_back_read_the_same():
    bands = (Band(D("1"), D("1")), Band(D("0.995"), D("0.75")), Band(D("0.5"), D("0")))
    text = format_bands(bands)
    assert text == "100 → 100%\n99,5 → 75%\n50 → 0%"
    assert parse_bands(text) == bands


def test_a_rule_is_described_in_words():
    assert describe_rule(auto()) == "100%: 100% số điểm; ≥ 95%: 50% số điểm; thấp hơn: 0 điểm."
    assert describe_rule(auto(rule=Rule.PROPORTIONAL, bands=())) == "Điểm = tỷ lệ đạt × điểm tối đa."
    assert "cấp trên xác nhận" in describe_rule(manual())
