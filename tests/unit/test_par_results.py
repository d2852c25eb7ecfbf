"""The published PAR index results: percentages to 2 decimals, bands, shared ranks within blocks, block
averages, the change from last year, and the seeds' sentences generated from their numbers."""
from decimal import Decimal

import pytest

from app.stats.par_results import (Block, ResultBand, UnitEntry, average, band_of, block_of, change_text,
                                   percent_text, publish, published_percent, shared_ranks)

D = Decimal


def entry(name, percent, block=Block.COMMUNE, last=None, max_points="100"):
    return UnitEntry(name, name, name, block, None if percent is None else D(percent), D(max_points),
                     None if last is None else D(last), None if last is None else D(max_points))


@pytest.mark.parametrize(
    ("points", "max_points", "percent"),
    [
        ("93.01", "100", "93.01"),
        ("2", "3", "66.67"),  # 66.666… half up
        ("1", "8", "12.50"),
        ("89.995", "100", "90.00"),  # rounds into the top band: the rounded value is the result
        ("89.994", "100", "89.99"),
        ("0", "100", "0.00"),
        ("14.5", "14.5", "100.00"),
    ],
)
def test_a_percentage_is_rounded_half_up_to_two_decimals(points, max_points, percent):
    assert published_percent(D(points), D(max_points)) == D(percent)


def test_a_rubric_without_points_gives_no_percentage():
    assert published_percent(D(0), D(0)) is None


@pytest.mark.parametrize(
    ("percent", "band"),
    [
        ("100", ResultBand.FROM_90), ("90.00", ResultBand.FROM_90), ("89.99", ResultBand.FROM_80),
        ("80", ResultBand.FROM_80), ("79.99", ResultBand.FROM_70), ("70", ResultBand.FROM_70),
        ("69.99", ResultBand.BELOW_70), ("0", ResultBand.BELOW_70),
    ],
)
def test_bands_include_their_lower_bound(percent, band):
    assert band_of(D(percent)) == band


def test_band_labels_read_as_the_announcements_write_them():
    assert [band.label for band in ResultBand] == [
        "từ 90% trở lên", "từ 80% đến dưới 90%", "từ 70% đến dưới 80%", "dưới 70%"]


@pytest.mark.parametrize(
    ("values", "ranks"),
    [
        (["95", "93.01", "93.01", "80"], [1, 2, 2, 4]),
        (["80", "95", None, "80"], [2, 1, None, 2]),
        ([], []),
    ],
)
def test_equal_percentages_share_a_rank_and_the_next_one_skips(values, ranks):
    assert shared_ranks([None if value is None else D(value) for value in values]) == ranks


@pytest.mark.parametrize(
    ("kind", "name", "block"),
    [
        ("ward", "Phường Thượng Thanh", Block.WARD), ("ward", "Xã Sóc Sơn", Block.COMMUNE),
        ("ward", "Thị trấn Xuân Mai", Block.COMMUNE), ("ward", "xã Bình Minh", Block.COMMUNE),
        ("district", "Quận Long Biên", Block.DISTRICT), ("city", "Thành phố Hà Nội", Block.OTHER),
    ],
)
def test_wards_are_ranked_apart_from_communes(kind, name, block):
    assert block_of(kind, name) == block


@pytest.mark.parametrize(
    ("value", "text"),
    [("82.67", "82,67%"), ("92.50", "92,5%"), ("90.00", "90%"), ("78.4", "78,4%"), ("100", "100%"), (None, "—")],
)
def test_percentages_are_written_with_a_decimal_comma(value, text):
    assert percent_text(None if value is None else D(value)) == text


@pytest.mark.parametrize(("value", "text"), [("1.25", "+1,25"), ("-0.50", "−0,5"), ("0.00", "0"), (None, "—")])
def test_the_change_from_last_year_carries_its_sign(value, text):
    assert change_text(None if value is None else D(value)) == text


def test_the_average_is_the_mean_of_the_rounded_percentages():
    assert average([D("91.50"), D("84.52"), D("76.25")]) == D("84.09")  # 252.27 ÷ 3 = 84.09
    assert average([]) is None


def chuong_my_communes() -> list[UnitEntry]:
    """32 communes and towns with the Chương Mỹ 2022 figures: 1 from 90%, 23 in [80, 90), 8 in [70, 80),
    average 82,67% (91,5 + 22 × 84,52 + 84,5 + 8 × 76,25 = 2645,44 = 32 × 82,67)."""
    return ([entry("Thị trấn Xuân Mai", "91.5")] + [entry(f"Xã {n:02d}", "84.52") for n in range(22)]
            + [entry("Thị trấn Chúc Sơn", "84.5")] + [entry(f"Xã {n:02d}b", "76.25") for n in range(8)])


def test_the_chuong_my_communes_sentence_is_generated_from_their_scores():
    results = publish(chuong_my_communes())
    (group,) = results.groups
    assert (group.count, group.average) == (32, D("82.67"))
    assert group.bands == {ResultBand.FROM_90: 1, ResultBand.FROM_80: 23, ResultBand.FROM_70: 8,
                           ResultBand.BELOW_70: 0}
    assert group.sentence() == ("Khối xã, thị trấn (32 đơn vị): giá trị trung bình 82,67%: 1 đơn vị từ 90% trở lên, "
                                "23 đơn vị từ 80% đến dưới 90%, 08 đơn vị từ 70% đến dưới 80%.")
    first = results.lines[0]
    assert (first.name, first.rank_label, first.band) == ("Thị trấn Xuân Mai", "1/32", ResultBand.FROM_90)
    # 22 communes at 84,52% share rank 2; Chúc Sơn (84,5%) comes after them, 24th.
    assert results.line_of("Xã 00").rank_label == "2/32"
    assert results.line_of("Thị trấn Chúc Sơn").rank_label == "24/32"
    assert results.line_of("Xã 00b").rank_label == "25/32"


def test_the_chuong_my_offices_sentence_pads_the_second_count():
    offices = [entry(f"Phòng {n}", "94", Block.OTHER) for n in range(11)] + [entry("Phòng Y tế", "86.2", Block.OTHER)]
    (group,) = publish(offices).groups
    assert group.average == D("93.35")
    assert group.sentence() == ("Các đơn vị khác (12 đơn vị): giá trị trung bình 93,35%: 11 đơn vị từ 90% trở lên, "
                                "01 đơn vị từ 80% đến dưới 90%.")


def test_long_bien_is_third_of_thirty():
    others = [entry(f"Quận {n:02d}", "95", Block.DISTRICT) for n in range(2)]
    others += [entry(f"Huyện {n:02d}", "80", Block.DISTRICT) for n in range(27)]
    results = publish(others + [entry("Quận Long Biên", "93.01", Block.DISTRICT)])
    line = results.line_of("Quận Long Biên")
    assert line.sentence() == "đạt 93,01%, xếp thứ 3/30 đơn vị quận, huyện, thị xã"


def test_blocks_are_ranked_and_counted_apart_and_listed_wards_first():
    results = publish([
        entry("Xã Một", "95", Block.COMMUNE), entry("Phường Hai", "81", Block.WARD),
        entry("Phường Ba", "69.99", Block.WARD), entry("Xã Bốn", "72", Block.COMMUNE),
    ])
    assert [(line.name, line.rank_label) for line in results.lines] == [
        ("Phường Hai", "1/2"), ("Phường Ba", "2/2"), ("Xã Một", "1/2"), ("Xã Bốn", "2/2")]
    wards, communes = results.groups
    assert (wards.block, wards.average, wards.sentence()) == (
        Block.WARD, D("75.50"),
        "Khối phường (2 đơn vị): giá trị trung bình 75,5%: 1 đơn vị từ 80% đến dưới 90%, 01 đơn vị dưới 70%.")
    assert communes.average == D("83.50")


def test_the_change_from_last_year_is_in_percentage_points():
    results = publish([entry("Xã Một", "91.5", last="90.25"), entry("Xã Hai", "80", last=None)])
    assert results.line_of("Xã Một").change == D("1.25")
    assert results.line_of("Xã Hai").change is None


def test_a_unit_without_a_score_has_no_rank_band_nor_place_in_the_average():
    results = publish([entry("Xã Một", "85"), entry("Xã Hai", None)])
    unscored = results.line_of("Xã Hai")
    assert (unscored.rank, unscored.band, unscored.rank_label) == (None, None, "—")
    assert results.line_of("Xã Một").rank_label == "1/1"
    (group,) = results.groups
    assert (group.count, group.average) == (2, D("85.00"))
    assert results.lines[-1].name == "Xã Hai"


def test_a_block_with_no_score_says_so():
    (group,) = publish([entry("Xã Hai", None)]).groups
    assert group.sentence() == "Khối xã, thị trấn (1 đơn vị): chưa có đơn vị được chấm điểm."


def test_an_area_sums_its_criteria_and_reads_as_a_percentage():
    from app.stats.par_results import score_areas

    points = {"1.1": (D("1.5"), D("2")), "1.2": (D("3"), D("8")), "3.1": (D("14.5"), D("14.5"))}
    first, third = score_areas([("LV1", "Chỉ đạo, điều hành", ["1.1", "1.2"]), ("LV3", "Cải cách TTHC", ["3.1"])],
                               points)
    assert (first.points, first.max_points, first.percent) == (D("4.5"), D("10"), D("45.00"))
    assert (third.code, third.percent) == ("LV3", D("100.00"))
