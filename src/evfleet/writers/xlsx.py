"""plan.xlsx: the run's tables as a finished workbook. Pure functions of the tables.

A summary sheet first (key figures, then per-year figures beside the like-for-like plan), then the
compliance sheet and every table, each with units in its headers, number formats, a frozen header
row and widths fitted to the content (a table longer than an Excel sheet can hold, such as the
hourly energy of a network of a thousand depots, is a one-line pointer to its CSV); native Excel
charts of the fleet mix by year and of emissions against the carbon cap, which a planner can
restyle in Excel.
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from evfleet.results.record import Summary

SHEET_ORDER = ("compliance", "fleet", "purchases", "retirements", "chargers", "charging", "solar",
               "storage",
               "grid", "costs", "emissions", "excluded", "energy")

SHEET_ROWS = 1_048_576  # the most rows an Excel sheet holds, its header row included

# unit suffix of a column name -> (unit shown in the header, number format)
SUFFIXES = (("_cny_per_kwh", "CNY/kWh", "0.000"), ("_cny", "CNY", "#,##0"),
            ("_kwh", "kWh", "#,##0.0"), ("_kw", "kW", "#,##0.0"), ("_t", "t CO2", "#,##0.0"),
            ("_share", "share", "0.0%"), ("_days", "days", "0"), ("_seconds", "s", "0.00"),
            ("_count", "count", "0"))
# bare column names and what they count or measure
BARE = {"count": ("vehicles", "0"), "installed": ("chargers", "0"), "added": ("chargers", "0"),
        "t": ("t CO2", "#,##0.0"), "year": (None, "0"), "bought": (None, "0"), "hour": ("h", "0"),
        "cny": ("CNY", "#,##0"), "required": (None, "General"), "achieved": (None, "General"),
        "vehicles": (None, "0"), "kwh": ("kWh a year", "#,##0")}


def header_and_format(column: str) -> tuple[str, str]:
    """'capex_cny' -> ('capex_cny [CNY]', '#,##0'); names without a unit are left as they are."""
    for suffix, unit, fmt in SUFFIXES:
        if column.endswith(suffix):
            return f"{column} [{unit}]", fmt
    unit, fmt = BARE.get(column, (None, "General"))
    return (f"{column} [{unit}]" if unit else column), fmt


def cell_value(v):
    """What a workbook cell holds for `v`: NaN and None blank (a missing value is never 0), numpy
    scalars as Python numbers, text without the control characters a workbook cannot hold
    (each becomes U+FFFD; the CSV beside the workbook keeps the text as it is)."""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return None
    if isinstance(v, str):
        return ILLEGAL_CHARACTERS_RE.sub("\ufffd", v)
    return v.item() if hasattr(v, "item") else v


def _sheet(wb: Workbook, name: str, frame: pd.DataFrame, start_row: int = 1):
    ws = wb[name] if name in wb.sheetnames else wb.create_sheet(name)
    headers = [header_and_format(str(c)) for c in frame.columns]
    for j, (text, _) in enumerate(headers, start=1):
        cell = ws.cell(row=start_row, column=j, value=text)
        cell.font = Font(bold=True)
    for i, row in enumerate(frame.itertuples(index=False), start=start_row + 1):
        for j, v in enumerate(row, start=1):
            cell = ws.cell(row=i, column=j, value=cell_value(v))
            cell.number_format = headers[j - 1][1]
    for j, (text, _) in enumerate(headers, start=1):
        sample = max((len(str(v)) for v in frame.iloc[:200, j - 1] if cell_value(v) is not None),
                     default=0)
        ws.column_dimensions[get_column_letter(j)].width = min(max(len(text), sample) + 2, 60)
    return ws


def _summary_sheet(wb: Workbook, summary: Summary, per_year: pd.DataFrame) -> None:
    ws = wb.active
    ws.title = "summary"
    key = [("case", summary.case, "General"), ("status", summary.status.value, "General"),
           ("net present cost [CNY]", summary.objective_npv_cny, "#,##0"),
           ("like-for-like net present cost [CNY]", summary.baseline_npv_cny, "#,##0"),
           ("MIP gap [share]", summary.mip_gap, "0.00%"),
           ("build [s]", summary.build_seconds, "0.00"), ("solve [s]", summary.solve_seconds, "0.00")]
    for i, (label, value, fmt) in enumerate(key, start=1):
        ws.cell(row=i, column=1, value=label).font = Font(bold=True)
        ws.cell(row=i, column=2, value=cell_value(value)).number_format = fmt
    _sheet(wb, "summary", per_year, start_row=len(key) + 2)
    ws.column_dimensions["A"].width = 38
    ws.freeze_panes = None


def _chart_sheets(wb: Workbook, tables: dict[str, pd.DataFrame], summary: Summary,
                  caps: dict[int, float]) -> None:
    fleet = tables["fleet"]
    mix = fleet.pivot_table(index="year", columns="energy", values="count", aggfunc="sum",
                            fill_value=0).reset_index() if len(fleet) else pd.DataFrame({"year": []})
    mix.columns = [str(c) if c == "year" else f"{c}_count" for c in mix.columns]
    ws = _sheet(wb, "fleet mix", mix)
    ws.freeze_panes = "A2"
    if len(mix):
        chart = BarChart()
        chart.type, chart.grouping, chart.overlap = "col", "stacked", 100
        chart.title, chart.y_axis.title, chart.x_axis.title = "Fleet by energy", "vehicles", "year"
        chart.add_data(Reference(ws, min_col=2, max_col=len(mix.columns), min_row=1,
                                 max_row=1 + len(mix)), titles_from_data=True)
        chart.set_categories(Reference(ws, min_col=1, min_row=2, max_row=1 + len(mix)))
        chart.width, chart.height = 18, 9
        ws.add_chart(chart, get_column_letter(len(mix.columns) + 2) + "2")
    years = sorted(int(y) for y in summary.per_year)
    em = pd.DataFrame({"year": years,
                       "emissions_t": [summary.per_year[str(y)]["emissions_t"] for y in years],
                       "cap_t": [caps.get(y) for y in years]})
    ws = _sheet(wb, "emissions vs cap", em)
    ws.freeze_panes = "A2"
    chart = LineChart()
    chart.title, chart.y_axis.title, chart.x_axis.title = "Emissions and carbon cap", "t CO2", "year"
    chart.add_data(Reference(ws, min_col=2, max_col=3, min_row=1, max_row=1 + len(em)),
                   titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=2, max_row=1 + len(em)))
    chart.width, chart.height = 18, 9
    ws.add_chart(chart, "E2")


def write_plan_xlsx(path: Path, summary: Summary, tables: dict[str, pd.DataFrame],
                    per_year: pd.DataFrame) -> None:
    """plan.xlsx: summary, charts, compliance and every table."""
    wb = Workbook()
    _summary_sheet(wb, summary, per_year)
    comp = tables.get("compliance")
    caps = {} if comp is None else {int(r.year): float(r.required) for r in comp.itertuples()
                                     if r.rule == "carbon_cap_t"}
    _chart_sheets(wb, tables, summary, caps)
    for name in SHEET_ORDER:
        if name not in tables:
            continue
        if len(tables[name]) >= SHEET_ROWS:  # Excel could not open it: the CSV holds it whole
            wb.create_sheet(name)["A1"] = (
                f"{len(tables[name]):,} rows, more than an Excel sheet holds "
                f"({SHEET_ROWS - 1:,} under its header): the whole table is {name}.csv beside "
                "this workbook")
            continue
        ws = _sheet(wb, name, tables[name])
        ws.freeze_panes = "A2"
    wb.save(path)
