"""plan.xlsx: summary first, units in headers, number formats, frozen headers, native charts."""

import json

import pandas as pd
import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from evfleet.cli import main
from evfleet.writers import xlsx
from evfleet.writers.labels import COLUMNS, label, number_format
from conftest import TINY, merge, write_case
from evfleet.results.record import Summary
from evfleet.solver.highs import Status


@pytest.mark.parametrize("column,expected", [
    ("capex_cny", ("Capital spend (CNY)", "#,##0")), ("pv_kw", ("PV in service (kW)", "#,##0.0")),
    ("storage_kwh", ("Storage in service (kWh)", "#,##0")), ("count", ("Vehicles", "0")),
    ("price_cny_per_kwh", ("Energy price (CNY/kWh)", "0.000")), ("depot", ("Depot", "General")),
    ("ev_share", ("Electric share of the fleet", "0.0%")), ("t", ("Emissions (t CO2)", "#,##0.0")),
    ("no_such_column", ("no such column", "General")),
])
def test_labels_with_units_and_formats(column, expected):
    assert (label(column), number_format(column)) == expected
    assert label("capex_cny", "zh") == "投资支出 (CNY)"


def test_every_column_of_the_plan_tables_has_a_label(tmp_path):
    case = write_case(tmp_path, merge(TINY, {"end_year": 2026}))
    assert CliRunner().invoke(main, ["solve", str(case), "--out", str(tmp_path / "run")]).exit_code == 0
    summary = json.loads((tmp_path / "run" / "summary.json").read_text())
    columns = {c for p in (tmp_path / "run").glob("*.csv") for c in pd.read_csv(p, nrows=0).columns}
    columns |= set(summary["per_year"]["2025"])
    assert sorted(c for c in columns if c not in COLUMNS) == []


def test_plan_workbook(tmp_path):
    case = write_case(tmp_path, merge(TINY, {"end_year": 2026, "carbon_cap_t": {2025: 30, 2026: 20}}))
    result = CliRunner().invoke(main, ["solve", str(case), "--out", str(tmp_path / "run")])
    assert result.exit_code == 0, result.output
    wb = load_workbook(tmp_path / "run" / "plan.xlsx")
    assert wb.sheetnames[:5] == ["Summary", "Fleet mix", "Emissions vs cap", "By depot",
                                 "Compliance"]
    # the depot sheet: two electric vans in service in the last year (2026), four bought over the
    # horizon (one-year life: two in 2025, two in 2026) at 2,000 CNY each
    depots = wb["By depot"]
    header = [c.value for c in depots[1]]
    row = dict(zip(header, [c.value for c in depots[2]]))
    assert row["Depot"] == "dep" and row["Year"] == 2026 and row["Electric vehicles"] == 2
    assert row["Electric vehicles bought, whole horizon"] == 4
    assert row["Vehicle spend, whole horizon (CNY)"] == 8000
    summary = wb["Summary"]
    assert summary["A1"].value == "evfleet plan: tiny"
    assert [summary["A3"].value, summary["B3"].value] == ["City", "Shenzhen 深圳"]
    assert summary["A5"].value == "Net present cost (CNY)" and summary["B5"].number_format == "#,##0"
    years = next(r for r in summary.iter_rows() if r[0].value == "Year")
    assert [c.value for c in years[:3]] == ["Year", 2025, 2026]  # years across
    purchases = wb["Purchases"]
    assert [c.value for c in purchases[1]] == ["Depot", "Duty", "Model", "Year", "Vehicles",
                                               "Capital spend (CNY)"]
    assert purchases["F2"].number_format == "#,##0" and purchases.freeze_panes == "A2"
    em = wb["Emissions vs cap"]
    assert [c.value for c in em[1]] == ["Year", "Emissions (t CO2)", "Carbon cap (t CO2)"]
    assert [em["C2"].value, em["C3"].value] == [30, 20]  # the cap, from compliance.csv
    (chart,) = em._charts
    assert [s.val.numRef.f for s in chart.series] == ["'Emissions vs cap'!$B$2:$B$3",
                                                      "'Emissions vs cap'!$C$2:$C$3"]
    (mix,) = wb["Fleet mix"]._charts
    assert mix.grouping == "stacked"
    assert mix.series[0].val.numRef.f == "'Fleet mix'!$B$2:$B$3"


def test_every_sheet_prints_one_page_wide_and_the_summary_on_one_page(tmp_path):
    case = write_case(tmp_path, merge(TINY, {"end_year": 2026}))
    assert CliRunner().invoke(main, ["solve", str(case), "--out", str(tmp_path / "run")]).exit_code == 0
    wb = load_workbook(tmp_path / "run" / "plan.xlsx")
    for ws in wb:
        assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
        assert int(ws.page_setup.paperSize) == int(ws.PAPERSIZE_A4) and ws.oddFooter.right.text == "page &P of &N"
    assert wb["Summary"].page_setup.fitToHeight == 1
    assert wb["Energy by hour"].page_setup.fitToHeight == 0
    assert wb["Energy by hour"].page_setup.orientation == "landscape"  # 17 columns
    assert wb["Costs"].page_setup.orientation == "portrait"  # 4 columns: more rows a page
    assert wb["Purchases"].print_title_rows == "$1:$1"
    # 'Capital spend (CNY)' (19 characters) wraps in its 9-wide column (the widest of '4,000.0'
    # and 'Capital', + 2) over ceil(19 / 7) = 3 lines of 15 pt
    assert wb["Purchases"].row_dimensions[1].height == 45


def test_the_hourly_sheet_prints_the_last_year_and_keeps_every_year(tmp_path):
    # over 2025-2026 the sheet holds both years' hours; the print area is the rows whose Year
    # cell reads 2026 (one block: a single depot), and the page header says so
    case = write_case(tmp_path, merge(TINY, {"end_year": 2026}))
    assert CliRunner().invoke(main, ["solve", str(case), "--out", str(tmp_path / "run")]).exit_code == 0
    ws = load_workbook(tmp_path / "run" / "plan.xlsx")["Energy by hour"]
    header = [c.value for c in ws[1]]
    years = [row[header.index("Year")] for row in ws.iter_rows(min_row=2, values_only=True)]
    assert set(years) == {2025, 2026}
    rows = [i for i, y in enumerate(years, start=2) if y == 2026]
    assert ws.print_area == f"'Energy by hour'!$A${rows[0]}:${chr(64 + len(header))}${rows[-1]}"
    assert ws.oddHeader.center.text == "printed: 2026 only; the sheet and energy.csv hold every year"


def test_the_costs_sheet_names_categories_as_a_planner_reads_them(tmp_path):
    # TINY buys two electric vans: 4,000 CNY on 'Vehicles bought' in 2025 (costs.csv keeps the
    # key capex_vehicles); every category of costs.csv has a label in both languages
    from evfleet.results.extract import COST_CATEGORIES
    from evfleet.writers.labels import CATEGORIES

    case = write_case(tmp_path, TINY)
    assert CliRunner().invoke(main, ["solve", str(case), "--out", str(tmp_path / "run")]).exit_code == 0
    rows = list(load_workbook(tmp_path / "run" / "plan.xlsx")["Costs"].iter_rows(values_only=True))
    assert (2025, "Vehicles bought", 4000) in [r[:3] for r in rows]
    assert set(COST_CATEGORIES) | {"terminal_value"} <= set(CATEGORIES)
    assert "capex_vehicles" in (tmp_path / "run" / "costs.csv").read_text()


def test_a_rule_not_met_is_red_on_the_compliance_sheet_and_named_on_the_summary(tmp_path):
    tables = {"compliance": pd.DataFrame({"year": [2025, 2025, 2025],
                                          "rule": ["pilot_ev_share_of_purchases",
                                                   "pilot_chargers_per_ev", "budget_cny"],
                                          "required": [0.8, 1.0, 100.0],
                                          "achieved": [0.5, 0.5, 90.0],
                                          "met": [False, False, True]}),
              "fleet": pd.DataFrame({"year": [], "energy": [], "count": []})}
    summary = Summary("c", Status.OPTIMAL, objective_npv_cny=1.0, mip_gap=0.0, per_year={})
    xlsx.write_plan_xlsx(tmp_path / "plan.xlsx", summary, tables, pd.DataFrame())
    wb = load_workbook(tmp_path / "plan.xlsx")
    fills = [wb["Compliance"].cell(row=r, column=1).fill.fgColor.rgb for r in (2, 3, 4)]
    assert fills == ["00F4C7C3", "00000000", "00000000"]  # the reference ratio is never a miss
    lines = [c.value for c in wb["Summary"]["A"] if isinstance(c.value, str)]
    assert "not met 2025: pilot_ev_share_of_purchases required 0.8, achieved 0.5" in lines
    assert not any("pilot_chargers_per_ev" in line for line in lines)


def test_a_table_longer_than_a_sheet_points_to_its_csv(tmp_path, monkeypatch):
    """Excel holds 1,048,576 rows a sheet; a longer table (the hourly energy of a network of
    1,500 depots) would make an unreadable workbook: its sheet says where the whole table is."""
    monkeypatch.setattr(xlsx, "SHEET_ROWS", 3)
    tables = {"purchases": pd.DataFrame({"year": [2025, 2026]}),  # 2 rows + header: fits
              "energy": pd.DataFrame({"hour": [0, 1, 2]})}  # 3 rows + header: does not
    summary = Summary("c", Status.OPTIMAL, objective_npv_cny=1.0, mip_gap=0.0, build_seconds=0.0,
                      solve_seconds=0.0, per_year={})
    tables["fleet"] = pd.DataFrame({"year": [], "energy": [], "count": []})
    xlsx.write_plan_xlsx(tmp_path / "plan.xlsx", summary, tables, pd.DataFrame())
    wb = load_workbook(tmp_path / "plan.xlsx")
    assert [c.value for c in wb["Purchases"]["A"]] == ["Year", 2025, 2026]
    assert wb["Energy by hour"]["A1"].value == ("3 rows, more than an Excel sheet holds (2 under its "
                                        "header): the whole table is energy.csv beside this workbook")
    assert wb["Energy by hour"].max_row == 1


def test_text_a_workbook_cannot_hold_is_written_with_a_replacement_mark(tmp_path):
    # found by the fuzz test: a duty named with a control character crashed plan.xlsx
    summary = Summary("c\x01", Status.OPTIMAL, objective_npv_cny=1.0, mip_gap=0.0,
                      build_seconds=0.0, solve_seconds=0.0, per_year={})
    tables = {"purchases": pd.DataFrame({"duty": ["run\x01"], "count": [1]}),
              "fleet": pd.DataFrame({"year": [], "energy": [], "count": []})}
    xlsx.write_plan_xlsx(tmp_path / "plan.xlsx", summary, tables, pd.DataFrame())
    wb = load_workbook(tmp_path / "plan.xlsx")
    assert wb["Purchases"]["A2"].value == "run\ufffd"
    assert wb["Summary"]["A1"].value == "evfleet plan: c\ufffd"


@pytest.mark.parametrize("how", ["option", "case"])
def test_a_workbook_in_chinese(tmp_path, how):
    data = merge(TINY, {"lang": "zh"} if how == "case" else {})
    args = ["--lang", "zh"] if how == "option" else []
    case = write_case(tmp_path, data)
    result = CliRunner().invoke(main, ["solve", str(case), "--out", str(tmp_path / "run"), *args])
    assert result.exit_code == 0, result.output
    wb = load_workbook(tmp_path / "run" / "plan.xlsx")
    assert wb.sheetnames[:5] == ["摘要", "车队构成", "排放与上限", "分站点", "合规"]
    assert result.output.startswith("tiny：最优，净现值成本 ")  # the terminal plan too
    assert [c.value for c in wb["购置"][1]] == ["站点", "运营任务", "车型/设备型号", "年份",
                                              "车辆数", "投资支出 (CNY)"]
    assert wb["摘要"]["A1"].value == "evfleet 规划方案: tiny"
    assert wb["摘要"]["A3"].value == "城市" and wb["摘要"]["B3"].value == "Shenzhen 深圳"
