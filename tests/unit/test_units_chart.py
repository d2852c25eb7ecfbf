"""The comparison's chart: one bar per unit, its resolved dossiers split by result."""
import re

from app.stats.chart import UnitBar, comparison_chart


def widths(svg, css):
    return [float(w) for w in re.findall(rf'class="{css}" x="[^"]+" y="[^"]+" width="([^"]+)" height="[^"]+" data-value', svg)]


def test_each_unit_is_a_bar_split_into_early_on_time_and_late():
    svg = comparison_chart([UnitBar("Phường A", 6, 2, 2), UnitBar("Xã B", 0, 1, 0)], "Tiêu đề", "Mô tả")
    early, on_time, late = widths(svg, "bar-early"), widths(svg, "bar-on-time"), widths(svg, "bar-late")
    assert len(early) == 1 and len(on_time) == 2 and len(late) == 1  # no empty rectangles
    full = early[0] + on_time[0] + late[0]
    assert abs(early[0] / full - 0.6) < 0.01 and abs(on_time[1] - full) < 0.1  # every bar is 100%
    assert "80,0%" in svg and "100,0%" in svg
    assert 'role="img"' in svg and "<title id=" in svg


def test_a_unit_with_nothing_resolved_gets_a_note_not_a_zero():
    svg = comparison_chart([UnitBar("Xã C", 0, 0, 0)], "Tiêu đề", "Mô tả")
    assert "chưa giải quyết hồ sơ nào trong kỳ" in svg and "0,0%" not in svg


def test_the_chart_grows_with_the_units_and_escapes_their_names():
    one = comparison_chart([UnitBar("A", 1, 0, 0)], "T", "D")
    many = comparison_chart([UnitBar(f"<Phường {n}>", 1, 0, 0) for n in range(30)], "T", "D")
    height = lambda svg: int(re.search(r'viewBox="0 0 \d+ (\d+)"', svg).group(1))
    assert height(many) > height(one) * 5
    assert "&lt;Phường 7&gt;" in many and "<Phường" not in many
