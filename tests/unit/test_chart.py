"""The dashboard's 12-month SVG chart: well-formed, one bar per month, scaled to the largest month,
quiet about months with no dossiers or no rate."""
import xml.etree.ElementTree as ET

import pytest

from app.stats.chart import PLOT_HEIGHT, TICKS, TOP, ChartMonth, axis_step, volume_rate_chart

SVG = "{http://www.w3.org/2000/svg}"


def twelve_months(volumes, rates=None) -> list[ChartMonth]:
    """Dec 2025 to Nov 2026; `volumes` are (online, direct or post) pairs."""
    rates = rates or [0.95] * len(volumes)
    months = []
    year, month = 2025, 12
    for (online, direct), rate in zip(volumes, rates, strict=True):
        months.append(ChartMonth(year, month, online, direct, rate))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def bar_groups(root: ET.Element) -> list[ET.Element]:
    return [g for g in root.iter(f"{SVG}g") if g.get("class") == "month"]


def bar_height(group: ET.Element) -> float:
    return sum(float(rect.get("height")) for rect in group.iter(f"{SVG}rect"))


def chart(months, **kwargs) -> ET.Element:
    return parse(volume_rate_chart(months, "Hồ sơ 12 tháng", "Mô tả <biểu đồ> & số liệu", **kwargs))


def test_the_chart_is_well_formed_svg_with_a_title_and_a_description():
    root = chart(twelve_months([(10, 20)] * 12))
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    title_id, desc_id = root.get("aria-labelledby").split()
    assert root.find(f"{SVG}title").get("id") == title_id and root.find(f"{SVG}title").text == "Hồ sơ 12 tháng"
    assert root.find(f"{SVG}desc").get("id") == desc_id
    assert root.find(f"{SVG}desc").text == "Mô tả <biểu đồ> & số liệu"  # escaped in the text, intact once parsed


def test_there_is_one_stacked_bar_per_month_labelled_in_vietnamese():
    months = twelve_months([(n, 2 * n) for n in range(1, 13)])
    root = chart(months)
    groups = bar_groups(root)
    assert len(groups) == 12
    assert [g.get("data-month") for g in groups][:2] == ["2025-12", "2026-01"]
    labels = [t.text for g in groups for t in g.iter(f"{SVG}text") if t.get("class") == "month-label"]
    assert labels == ["T12"] + [f"T{n}" for n in range(1, 12)]
    years = [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "year-label"]
    assert years == ["2025", "2026"]  # under the first month and under January
    for group, month in zip(groups, months, strict=True):
        online, direct = [r for r in group.iter(f"{SVG}rect")]
        assert (int(online.get("data-value")), int(direct.get("data-value"))) == (month.online, month.direct_or_post)
        assert "Tháng" in group.find(f"{SVG}title").text


def test_bars_scale_to_the_largest_month():
    volumes = [(100, 300), (50, 150), (0, 0)] + [(10, 10)] * 9
    groups = bar_groups(chart(twelve_months(volumes)))
    heights = [bar_height(g) for g in groups]
    tallest = max(heights)
    assert tallest == pytest.approx(heights[0])
    assert 0.75 * PLOT_HEIGHT <= tallest <= PLOT_HEIGHT
    assert heights[1] == pytest.approx(tallest / 2, abs=0.2)  # 200 is half of 400
    assert heights[2] == 0
    online, direct = list(groups[0].iter(f"{SVG}rect"))
    assert float(direct.get("height")) == pytest.approx(3 * float(online.get("height")), abs=0.2)
    # The online part sits on the axis, the other channel on top of it.
    assert float(online.get("y")) + float(online.get("height")) == pytest.approx(TOP + PLOT_HEIGHT, abs=0.1)
    assert float(direct.get("y")) + float(direct.get("height")) == pytest.approx(float(online.get("y")), abs=0.1)


@pytest.mark.parametrize("largest, step", [(0, 1), (1, 1), (4, 1), (5, 2), (100, 25), (490, 125), (801, 250),
                                           (4043, 1250)])
def test_the_axis_step_is_round_and_reaches_the_largest_month(largest, step):
    assert axis_step(largest) == step
    assert axis_step(largest) * TICKS >= largest


def test_all_zero_months_draw_flat_bars_and_say_there_is_nothing():
    root = chart(twelve_months([(0, 0)] * 12, [None] * 12))
    assert len(bar_groups(root)) == 12
    assert all(bar_height(g) == 0 for g in bar_groups(root))
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "Chưa có hồ sơ nào trong 12 tháng này" in texts
    assert not [p for p in root.iter(f"{SVG}path") if p.get("class") == "rate-line"]


def test_a_month_without_a_rate_breaks_the_line_and_is_not_drawn_as_zero():
    rates = [0.9, 1.0, None, 0.95] + [0.98] * 8
    root = chart(twelve_months([(5, 5)] * 12, rates))
    points = [g for g in root.iter(f"{SVG}g") if g.get("class") == "rate"]
    assert len(points) == 11
    assert "2026-02" not in {g.get("data-month") for g in points}
    line = next(p for p in root.iter(f"{SVG}path") if p.get("class") == "rate-line")
    assert line.get("d").count("M") == 2  # two segments around the gap
    labels = [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "rate-label"]
    assert labels[:3] == ["90,0%", "100,0%", "95,0%"]
    titles = [g.find(f"{SVG}title").text for g in bar_groups(root)]
    assert "không có dữ liệu" in titles[2]


def test_a_full_rate_sits_on_the_top_gridline():
    root = chart(twelve_months([(5, 5)] * 12, [1.0] * 12))
    points = [g.find(f"{SVG}circle") for g in root.iter(f"{SVG}g") if g.get("class") == "rate"]
    assert len(points) == 12
    assert {float(c.get("cy")) for c in points} == {float(TOP)}
