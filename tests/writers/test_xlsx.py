"""plan.xlsx: summary first, units in headers, number formats, frozen headers, native charts."""

import pandas as pd
import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from evfleet.cli import main
from evfleet.writers import xlsx
from evfleet.writers.xlsx import header_and_format
from conftest import TINY, merge, write_case
from evfleet.results.record import Summary
from evfleet.solver.highs import Status


@pytest.mark.parametrize("column,expected", [
    ("capex_cny", ("capex_cny [CNY]", "#,##0")), ("pv_kw", ("pv_kw [kW]", "#,##0.0")),
    ("storage_kwh", ("storage_kwh [kWh]", "#,##0.0")), ("count", ("count [vehicles]", "0")),
    ("price_cny_per_kwh", ("price_cny_per_kwh [CNY/kWh]", "0.000")), ("depot", ("depot", "General")),
    ("ev_share", ("ev_share [share]", "0.0%")), ("t", ("t [t CO2]", "#,##0.0")),
])
def test_header_units(column, expected):
    assert header_and_format(column) == expected


def test_plan_workbook(tmp_path):
    case = write_case(tmp_path, merge(TINY, {"end_year": 2026, "carbon_cap_t": {2025: 30, 2026: 20}}))
    result = CliRunner().invoke(main, ["solve", str(case), "--out", str(tmp_path / "run")])
    assert result.exit_code == 0, result.output
    wb = load_workbook(tmp_path / "run" / "plan.xlsx")
    assert wb.sheetnames[:4] == ["summary", "fleet mix", "emissions vs cap", "compliance"]
    assert wb["summary"]["A3"].value == "net present cost [CNY]"
    purchases = wb["purchases"]
    assert [c.value for c in purchases[1]] == ["depot", "duty", "model", "year", "count [vehicles]",
                                               "capex_cny [CNY]"]
    assert purchases["F2"].number_format == "#,##0" and purchases.freeze_panes == "A2"
    em = wb["emissions vs cap"]
    assert [c.value for c in em[1]] == ["year", "emissions_t [t CO2]", "cap_t [t CO2]"]
    assert [em["C2"].value, em["C3"].value] == [30, 20]  # the cap, from compliance.csv
    (chart,) = em._charts
    assert [s.val.numRef.f for s in chart.series] == ["'emissions vs cap'!$B$2:$B$3",
                                                      "'emissions vs cap'!$C$2:$C$3"]
    (mix,) = wb["fleet mix"]._charts
    assert mix.grouping == "stacked"
    assert mix.series[0].val.numRef.f == "'fleet mix'!$B$2:$B$3"


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
    assert [c.value for c in wb["purchases"]["A"]] == ["year", 2025, 2026]
    assert wb["energy"]["A1"].value == ("3 rows, more than an Excel sheet holds (2 under its "
                                        "header): the whole table is energy.csv beside this workbook")
    assert wb["energy"].max_row == 1


def test_text_a_workbook_cannot_hold_is_written_with_a_replacement_mark(tmp_path):
    # found by the fuzz test: a duty named with a control character crashed plan.xlsx
    summary = Summary("c\x01", Status.OPTIMAL, objective_npv_cny=1.0, mip_gap=0.0,
                      build_seconds=0.0, solve_seconds=0.0, per_year={})
    tables = {"purchases": pd.DataFrame({"duty": ["run\x01"], "count": [1]}),
              "fleet": pd.DataFrame({"year": [], "energy": [], "count": []})}
    xlsx.write_plan_xlsx(tmp_path / "plan.xlsx", summary, tables, pd.DataFrame())
    wb = load_workbook(tmp_path / "plan.xlsx")
    assert wb["purchases"]["A2"].value == "run\ufffd"
    assert wb["summary"]["B1"].value == "c\ufffd"
