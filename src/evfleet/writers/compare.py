"""The comparison workbook of `evfleet compare` and its CSV twins. Pure functions of tables."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.utils import get_column_letter

from evfleet.writers.xlsx import cell_value, print_setup

BAR_SHEETS = {"electric vehicles", "PV"}  # counts and sizes as bars, flows as lines
CHART_ANCHOR = "H2"


def _slug(sheet: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", sheet.lower()).strip("-")


def _write_frame(ws, frame: pd.DataFrame, index_label: str) -> None:
    ws.append([index_label, *(cell_value(str(c)) for c in frame.columns)])
    for idx, row in frame.iterrows():
        ws.append([cell_value(idx), *[cell_value(v) for v in row.tolist()]])
    ws.freeze_panes = "B2"
    ws.column_dimensions["A"].width = max(12, max((len(str(i)) for i in frame.index), default=8) + 2)
    for i, col in enumerate(frame.columns, start=2):
        ws.column_dimensions[get_column_letter(i)].width = max(14, len(str(col)) + 2)


def write_compare(path: Path, kpis: pd.DataFrame, per_year: dict[str, pd.DataFrame],
                  inputs: pd.DataFrame) -> list[Path]:
    """compare.xlsx (KPIs, one sheet per yearly figure with a native chart, inputs that differ)
    and a CSV twin of each sheet named <stem>-<sheet>.csv. Returns the files written."""
    wb = Workbook()
    ws = wb.active
    ws.title = "KPIs"
    _write_frame(ws, kpis, "KPI")
    ws.column_dimensions["A"].width = 44
    written = []
    for sheet, frame in per_year.items():
        ws = wb.create_sheet(sheet)
        unit = frame.attrs.get("unit", "")
        _write_frame(ws, frame, "year")
        for row in ws.iter_rows(min_row=2, min_col=2):
            for c in row:
                c.number_format = "0.0%" if unit == "share" else "#,##0"
        chart = BarChart() if sheet in BAR_SHEETS else LineChart()
        chart.title = f"{sheet} [{unit}]"
        chart.y_axis.title = unit
        chart.x_axis.title = "year"
        n_rows, n_cols = len(frame), len(frame.columns)
        chart.add_data(Reference(ws, min_col=2, max_col=1 + n_cols, min_row=1, max_row=1 + n_rows),
                       titles_from_data=True)
        chart.set_categories(Reference(ws, min_col=1, min_row=2, max_row=1 + n_rows))
        chart.width, chart.height = 18, 9
        ws.add_chart(chart, CHART_ANCHOR)
    ws = wb.create_sheet("inputs that differ")
    _write_frame(ws, inputs.set_index("field") if len(inputs) else inputs, "field")
    ws.column_dimensions["A"].width = 50
    for sheet in wb.worksheets:  # A4, one page wide, headers repeated, named in the footer
        print_setup(sheet, f"comparison of {', '.join(map(str, kpis.columns))}",
                    one_page=sheet.title != "inputs that differ")
    wb.save(path)
    written.append(path)
    for sheet, frame in [("KPIs", kpis), *per_year.items(), ("inputs that differ", inputs)]:
        twin = path.with_name(f"{path.stem}-{_slug(sheet)}.csv")
        (frame if sheet == "inputs that differ" else frame.reset_index()).to_csv(
            twin, index=False, lineterminator="\n")
        written.append(twin)
    return written
