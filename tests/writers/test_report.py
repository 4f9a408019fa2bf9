"""evfleet report: PNG charts and a report.html that needs no network."""

import re

import pytest

from click.testing import CliRunner

from evfleet.cli import main
from conftest import TINY, merge, write_case


def test_report_is_self_contained(tmp_path):
    case = write_case(tmp_path, merge(TINY, {"end_year": 2026, "carbon_cap_t": 30, "budget_cny": 9000}))
    runner = CliRunner()
    assert runner.invoke(main, ["solve", str(case), "--out", str(tmp_path / "run")]).exit_code == 0
    result = runner.invoke(main, ["report", str(tmp_path / "run")])
    assert result.exit_code == 0, result.output
    pngs = sorted((tmp_path / "run").glob("report-*.png"))
    assert [p.stem for p in pngs] == ["report-capex", "report-costs", "report-emissions",
                                      "report-fleet", "report-typical-day"]
    assert all(p.read_bytes()[:4] == b"\x89PNG" for p in pngs)
    page = (tmp_path / "run" / "report.html").read_text()
    sources = re.findall(r'src="([^"]*)"', page)
    assert len(sources) == 5 and all(s.startswith("data:image/png;base64,") for s in sources)
    assert not re.search(r"https?://|<script|<link|@import|url\(", page)
    assert "Plan for tiny" in page and "Year by year" in page
    # the supply mix: 2 vans a year on the one charger model, 2 x 7,300 kWh at 0.1 CNY
    assert "How the electric vehicles charge" in page
    # (whole CNY and kWh with thousands separators, labelled headers)
    assert re.search(r"<td>2025</td>\s*<td>c</td>\s*<td>2</td>\s*<td>14,600</td>\s*"
                     r"<td>1,460</td>", page)
    assert "<th>Energy a year (kWh)</th>" in page and "<th>Cost a year (CNY)</th>" in page
    assert "Shenzhen 深圳" in page
    # the typical day is named as a planner reads it, never by its code
    assert re.search(r"alt=\"report-typical-day\"", page)


def test_a_representative_day_is_named_by_month_temperature_and_weight():
    from evfleet.writers.labels import day_label

    assert day_label(1, 62.0, -3.2) == "a January day, -3 °C by day, for 62 days a year"
    assert day_label(7, 31.0, 28.6, "zh") == "7月典型日，日间 29 °C，代表每年 31 天"


def test_report_on_a_folder_without_plan(tmp_path):
    result = CliRunner().invoke(main, ["report", str(tmp_path)])
    assert result.exit_code == 2 and "expected a run folder holding summary.json" in result.output


def test_report_in_chinese_with_a_section_per_depot(tmp_path):
    # TINY's two electric vans (cheaper than diesel at 1 CNY/l): the depot section shows them
    case = write_case(tmp_path, merge(TINY, {"lang": "zh"}))
    runner = CliRunner()
    assert runner.invoke(main, ["solve", str(case), "--out", str(tmp_path / "run")]).exit_code == 0
    assert runner.invoke(main, ["report", str(tmp_path / "run")]).exit_code == 0  # the case's lang
    page = (tmp_path / "run" / "report.html").read_text()
    assert '<html lang="zh-CN">' in page and "<h1>tiny 规划方案</h1>" in page
    assert "<h2>分站点</h2>" in page and "各站点在规划末年（2025 年）" in page
    assert "<th>站点</th>" in page and "<th>新能源车辆</th>" in page
    assert re.search(r"<td>dep</td>\s*<td>2025</td>\s*<td>2</td>\s*<td>0</td>\s*<td>2</td>", page)
    english = runner.invoke(main, ["report", str(tmp_path / "run"), "--lang", "en"])
    assert english.exit_code == 0
    page = (tmp_path / "run" / "report.html").read_text()
    assert "<h2>Depot by depot</h2>" in page and "<th>Electric vehicles</th>" in page


@pytest.mark.filterwarnings("ignore:Glyph")  # DejaVu Sans stands in for a CJK font
@pytest.mark.parametrize("font, title", [("DejaVu Sans", "按能源分车队"), (None, "Fleet by energy")])
def test_charts_in_chinese_only_where_a_font_draws_it(tmp_path, monkeypatch, font, title):
    import matplotlib.pyplot as plt

    from evfleet.results.folder import read_run
    from evfleet.writers import report

    case = write_case(tmp_path, TINY)
    assert CliRunner().invoke(main, ["solve", str(case), "--out", str(tmp_path / "run")]).exit_code == 0
    tables = read_run(tmp_path / "run", need_plan=True).tables(report.REPORTED)
    monkeypatch.setattr(report, "cjk_font", lambda: font)
    titles = []
    monkeypatch.setattr(plt.Figure, "savefig", lambda fig, *a, **k: titles.append(
        fig.axes[0].get_title()))
    report._png(tmp_path, "fleet", report.chart_fleet, tables, "zh")
    assert titles == [title]
