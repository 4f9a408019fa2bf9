"""plan.xlsx: the run's tables as a finished workbook a manager can print. Pure functions of the
tables.

A summary sheet first (the case and its cities, key figures, rules not met, then the figures
year by year, years across, beside the like-for-like plan), then the compliance sheet (an unmet
rule filled red) and every table; headers are labels with units from writers/labels.py (English,
or Chinese with `lang="zh"`), numbers formatted (CNY with thousands separators, shares as %),
header rows frozen and repeated on every printed page, every sheet set to print landscape on A4,
one page wide (the summary one page in all), with the case and page in the footer. A table
longer than an Excel sheet can hold (the hourly energy of a network of a thousand depots) is a
one-line pointer to its CSV. Native Excel charts of the fleet mix by year and of emissions
against the carbon cap, which a planner can restyle in Excel.
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from evfleet.results.depots import depot_table
from evfleet.results.record import Summary
from evfleet.results.rules import purchase_shares, unmet
from evfleet.writers.labels import (KEY_FIGURES, category, label, number_format, sheet_title,
                                    text)

SHEET_ORDER = ("depots", "compliance", "fleet", "purchases", "retirements", "chargers", "charging", "peak", "solar",
               "storage", "grid", "costs", "emissions", "excluded", "energy")

SHEET_ROWS = 1_048_576  # the most rows an Excel sheet holds, its header row included
MAX_WIDTH = 40  # characters: a wider column wraps
HEADER_LINE_PT = 15  # the height of one line of header text
UNMET = PatternFill("solid", fgColor="F4C7C3")  # a rule not met


def cell_value(v):
    """What a workbook cell holds for `v`: NaN and None blank (a missing value is never 0), numpy
    scalars as Python numbers, text without the control characters a workbook cannot hold
    (each becomes U+FFFD; the CSV beside the workbook keeps the text as it is)."""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return None
    if isinstance(v, str):
        return ILLEGAL_CHARACTERS_RE.sub("\ufffd", v)
    return v.item() if hasattr(v, "item") else v


PORTRAIT_MAX_WIDTH = 95  # characters of columns that still print well on a portrait A4 page


def print_setup(ws: Worksheet, case: str, title_rows: str | None = "1:1",
                 one_page: bool = False) -> None:
    """A4, one page wide (and one tall with `one_page`): portrait for a narrow table (more rows
    a page), landscape for a wide one; the header row repeated on every page, the case, sheet
    and page number in the footer."""
    width = sum(d.width or 8 for d in ws.column_dimensions.values())
    ws.page_setup.orientation = "portrait" if width <= PORTRAIT_MAX_WIDTH else "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 1 if one_page else 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.gridLines = False
    ws.page_margins.left = ws.page_margins.right = 0.4
    if title_rows:
        ws.print_title_rows = title_rows
    ws.oddFooter.left.text = cell_value(f"evfleet: {case}")
    ws.oddFooter.center.text = "&A"
    ws.oddFooter.right.text = "page &P of &N"


def _sheet(wb: Workbook, name: str, frame: pd.DataFrame, case: str, lang: str = "en",
           start_row: int = 1) -> Worksheet:
    """A table: labelled headers (bold, wrapped), formatted numbers, widths fitted, print set."""
    title = sheet_title(name, lang)
    ws = wb[title] if title in wb.sheetnames else wb.create_sheet(title)
    columns = [str(c) for c in frame.columns]
    for j, column in enumerate(columns, start=1):
        cell = ws.cell(row=start_row, column=j, value=label(column, lang))
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    formats = [number_format(c) for c in columns]
    for i, row in enumerate(frame.itertuples(index=False), start=start_row + 1):
        for j, v in enumerate(row, start=1):
            ws.cell(row=i, column=j, value=cell_value(v)).number_format = formats[j - 1]
    lines = 1
    for j, column in enumerate(columns, start=1):
        sample = max((len(_shown(v, formats[j - 1])) for v in frame.iloc[:200, j - 1]
                      if cell_value(v) is not None), default=0)
        words = max((len(w) for w in label(column, lang).split()), default=4)
        width = min(max(sample, words, 6) + 2, MAX_WIDTH)
        ws.column_dimensions[get_column_letter(j)].width = width
        lines = max(lines, math.ceil(len(label(column, lang)) / (width - 2)))
    # a wrapped header gets the rows it needs (no viewer grows a row for wrapped text on its own)
    ws.row_dimensions[start_row].height = HEADER_LINE_PT * lines
    print_setup(ws, case, f"{start_row}:{start_row}")
    return ws


def _shown(v, fmt: str) -> str:
    """About as wide as Excel shows `v` in format `fmt` (for column widths)."""
    if isinstance(v, (int, float)) and not isinstance(v, bool) and "#,##0" in fmt:
        return f"{v:,.1f}"
    return str(v)


def _summary_sheet(wb: Workbook, summary: Summary, per_year: pd.DataFrame,
                   compliance: pd.DataFrame | None, lang: str) -> None:
    """The case, its cities and key figures; the rules not met; then year by year (years across,
    one row a figure, the like-for-like plan's figures below): one printed page."""
    ws = wb.active
    ws.title = sheet_title("summary", lang)
    ws["A1"] = cell_value(f"{text('plan', lang)}: {summary.case}")
    ws["A1"].font = Font(bold=True, size=14)
    base = summary.baseline_npv_cny
    saving = None if base is None or summary.objective_npv_cny is None else \
        base - summary.objective_npv_cny
    key = [("city", ", ".join(summary.cities or ())), ("status", summary.status.value),
           ("objective_npv_cny", summary.objective_npv_cny), ("baseline_npv_cny", base),
           ("saving_cny", saving), ("mip_gap", summary.mip_gap),
           ("solve_seconds", summary.solve_seconds)]
    row = 3
    for name, value in key:
        ws.cell(row=row, column=1, value=label(name, lang, KEY_FIGURES)).font = Font(bold=True)
        cell = ws.cell(row=row, column=2, value=cell_value(value))
        cell.number_format = number_format(name, KEY_FIGURES)
        cell.alignment = Alignment(horizontal="left")
        row += 1
    row = _unmet_lines(ws, compliance, row + 1, lang)
    _years_across(ws, per_year, row + 1, lang)
    ws.column_dimensions["A"].width = 44
    print_setup(ws, summary.case, None, one_page=True)


def _unmet_lines(ws: Worksheet, compliance: pd.DataFrame | None, row: int, lang: str) -> int:
    """One red line per rule not met (reference ratios aside), or one line saying all are met."""
    missed = [] if compliance is None else list(unmet(compliance).itertuples())
    if not missed:
        ws.cell(row=row, column=1, value=text("all_met", lang))
        return row + 1
    for r in missed:
        cell = ws.cell(row=row, column=1, value=f"{text('not_met', lang)} {r.year}: {r.rule} "
                       f"{text('required', lang)} {r.required:g}, "
                       f"{text('achieved', lang)} {r.achieved:g}")
        cell.fill = UNMET
        row += 1
    return row


def _years_across(ws: Worksheet, per_year: pd.DataFrame, row: int, lang: str) -> None:
    """The per-year table turned: a row per figure, a column per year."""
    if per_year.empty:
        return
    years = [int(y) for y in per_year["year"]]
    ws.cell(row=row, column=1, value=label("year", lang)).font = Font(bold=True)
    for j, y in enumerate(years, start=2):
        ws.cell(row=row, column=j, value=y).font = Font(bold=True)
        ws.column_dimensions[get_column_letter(j)].width = 13
    for name in per_year.columns:
        if name == "year":
            continue
        row += 1
        own = name.removeprefix("baseline_")
        shown = label(own, lang) + ("" if own == name else f" ({text('like_for_like', lang)})")
        ws.cell(row=row, column=1, value=shown)
        for j, v in enumerate(per_year[name], start=2):
            ws.cell(row=row, column=j, value=cell_value(v)).number_format = number_format(own)


def _chart_sheets(wb: Workbook, tables: dict[str, pd.DataFrame], summary: Summary,
                  caps: dict[int, float], lang: str) -> None:
    fleet = tables["fleet"]
    mix = fleet.pivot_table(index="year", columns="energy", values="count", aggfunc="sum",
                            fill_value=0).reset_index() if len(fleet) else pd.DataFrame({"year": []})
    mix.columns = [str(c) if c == "year" else f"{c}_count" for c in mix.columns]
    ws = _sheet(wb, "fleet mix", mix, summary.case, lang)
    ws.freeze_panes = "A2"
    if len(mix):
        chart = BarChart()
        chart.type, chart.grouping, chart.overlap = "col", "stacked", 100
        chart.title, chart.y_axis.title, chart.x_axis.title = (
            text("fleet_by_energy", lang), text("vehicles", lang), text("year", lang))
        chart.add_data(Reference(ws, min_col=2, max_col=len(mix.columns), min_row=1,
                                 max_row=1 + len(mix)), titles_from_data=True)
        chart.set_categories(Reference(ws, min_col=1, min_row=2, max_row=1 + len(mix)))
        chart.width, chart.height = 18, 9
        ws.add_chart(chart, get_column_letter(len(mix.columns) + 2) + "2")
    years = sorted(int(y) for y in summary.per_year)
    em = pd.DataFrame({"year": years,
                       "emissions_t": [summary.per_year[str(y)]["emissions_t"] for y in years],
                       "cap_t": [caps.get(y) for y in years]})
    ws = _sheet(wb, "emissions vs cap", em, summary.case, lang)
    ws.freeze_panes = "A2"
    chart = LineChart()
    chart.title, chart.y_axis.title, chart.x_axis.title = (
        text("emissions_and_cap", lang), "t CO2", text("year", lang))
    chart.add_data(Reference(ws, min_col=2, max_col=3, min_row=1, max_row=1 + len(em)),
                   titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=2, max_row=1 + len(em)))
    chart.width, chart.height = 18, 9
    ws.add_chart(chart, "E2")


def write_plan_xlsx(path: Path, summary: Summary, tables: dict[str, pd.DataFrame],
                    per_year: pd.DataFrame, lang: str = "en") -> None:
    """plan.xlsx: summary, charts, compliance and every table."""
    wb = Workbook()
    comp = tables.get("compliance")
    if comp is not None and len(per_year):
        shares = purchase_shares(comp)
        per_year = per_year.copy()
        per_year.insert(list(per_year.columns).index("ev_share") + 1 if "ev_share" in per_year
                        else len(per_year.columns), "ev_share_of_purchases",
                        [shares.get(int(y)) for y in per_year["year"]])
    _summary_sheet(wb, summary, per_year, comp, lang)
    caps = {} if comp is None else {int(r.year): float(r.required) for r in comp.itertuples()
                                     if r.rule == "carbon_cap_t"}
    _chart_sheets(wb, tables, summary, caps, lang)
    tables = {**tables, "depots": depot_table(tables)} if "fleet" in tables else tables
    for name in SHEET_ORDER:
        if name not in tables:
            continue
        if len(tables[name]) >= SHEET_ROWS:  # Excel could not open it: the CSV holds it whole
            wb.create_sheet(sheet_title(name, lang))["A1"] = (
                f"{len(tables[name]):,} rows, more than an Excel sheet holds "
                f"({SHEET_ROWS - 1:,} under its header): the whole table is {name}.csv beside "
                "this workbook")
            continue
        frame = tables[name]
        if name == "costs":  # the categories as a planner reads them (costs.csv keeps the keys)
            frame = frame.assign(category=[category(c, lang) for c in frame["category"]])
        ws = _sheet(wb, name, frame, summary.case, lang)
        ws.freeze_panes = "A2"
        if name in SHEET_FINISH:
            SHEET_FINISH[name](ws, tables[name], lang)
    wb.save(path)


def print_last_year(ws: Worksheet, frame: pd.DataFrame, lang: str) -> None:
    """The hourly sheet prints the last year's representative days only (a page or three a
    depot instead of all years': 18 pages for one depot over eight years); the sheet and
    energy.csv keep every year. The header says so."""
    if "year" not in frame or frame.empty:
        return
    last = frame["year"].to_numpy() == frame["year"].max()
    runs, start = [], None
    for i, flag in enumerate([*last, False], start=2):  # sheet row of table row 0 is 2
        if flag and start is None:
            start = i
        elif not flag and start is not None:
            runs.append((start, i - 1))
            start = None
    end_column = get_column_letter(len(frame.columns))
    ws.print_area = [f"A{a}:{end_column}{b}" for a, b in runs]
    ws.oddHeader.center.text = cell_value(
        text("print_last_year", lang).format(year=int(frame["year"].max())))


def _mark_unmet(ws: Worksheet, compliance: pd.DataFrame, lang: str = "en") -> None:
    """Fill the row of every rule not met (reference ratios aside) red (in any language)."""
    missed = set(unmet(compliance).index)
    for i in (row for row, index in enumerate(compliance.index, start=2) if index in missed):
        for cell in ws[i]:
            cell.fill = UNMET


# what a sheet gets after its table is written: (sheet, its table, language) -> None
SHEET_FINISH = {"compliance": _mark_unmet, "energy": print_last_year}
