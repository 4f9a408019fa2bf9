"""Write a study's results: results.csv / results.xlsx, and by design the tornado, the
cost-emissions frontier and the breakpoints, each as CSV and PNG. Files are replaced atomically."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from openpyxl.formatting.rule import ColorScaleRule
from openpyxl.utils import get_column_letter

from evfleet.results.analysis import frontier_table, grid_table, tornado_table
from evfleet.writers.labels import STUDY_COLUMNS, label, number_format
from evfleet.writers.xlsx import print_setup


def _atomic(path: Path, write) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=path.suffix, dir=path.parent)
    os.close(fd)
    try:
        write(Path(tmp))
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def write_study_results(out: Path, results: pd.DataFrame, design: str, params: list[str],
                        breakpoints: list[list[dict]]) -> list[str]:
    """Every table and chart of the study; the names written, in order."""
    out.mkdir(parents=True, exist_ok=True)
    sheets = {"results": results}
    charts = {}
    if design == "oat" and not results.empty:
        sheets["tornado"] = tornado_table(results, params)
        charts["tornado.png"] = lambda p: _tornado_chart(sheets["tornado"], p)
    if design == "grid" and len(params) == 2 and not results.empty:
        sheets["heatmap"] = grid_table(results, params)
        charts["heatmap.png"] = lambda p: _heatmap_chart(sheets["heatmap"], params, p)
    if design == "frontier" and not results.empty:
        sheets["frontier"] = frontier_table(results)
        charts["frontier.png"] = lambda p: _frontier_chart(sheets["frontier"], p)
    found = [row for rows in breakpoints for row in rows]
    if found:
        sheets["breakpoints"] = pd.DataFrame(found, columns=["parameter", "below", "above", "change"])
    written = []
    for name, frame in sheets.items():
        _atomic(out / f"{name}.csv",
                lambda p, f=frame: f.to_csv(p, index=False, lineterminator="\n"))
        written.append(f"{name}.csv")
    _atomic(out / "results.xlsx", lambda p: _workbook(p, sheets))
    written.append("results.xlsx")
    for name, draw in charts.items():
        if not sheets[name.removesuffix(".png")].empty:
            _atomic(out / name, draw)
            written.append(name)
    return written


def _workbook(path: Path, sheets: dict[str, pd.DataFrame]) -> None:
    """results.xlsx: one sheet per table, headers labelled with units (a parameter's column keeps
    its path), numbers formatted, the heat map coloured by Excel, every sheet set for print."""
    with pd.ExcelWriter(path, engine="openpyxl") as xl:
        for name, frame in sheets.items():
            shown = frame.rename(columns={c: label(c, "en", STUDY_COLUMNS)
                                          for c in frame.columns if c in STUDY_COLUMNS})
            shown.to_excel(xl, sheet_name=name, index=False)
            ws = xl.sheets[name]
            ws.freeze_panes = "B2"
            for col, header, shown_as in zip(ws.columns, frame.columns, shown.columns):
                width = max([len(str(shown_as))] + [len(f"{v}") for v in frame[header].head(200)])
                ws.column_dimensions[col[0].column_letter].width = min(max(width + 2, 10), 60)
                fmt = number_format(header, STUDY_COLUMNS)
                for cell in col[1:] if fmt != "General" else ():
                    cell.number_format = fmt
            if name == "heatmap" and frame.shape[1] > 1:  # Excel colours the NPVs itself
                cells = f"B2:{get_column_letter(frame.shape[1])}{len(frame) + 1}"
                ws.conditional_formatting.add(cells, ColorScaleRule(
                    start_type="min", start_color="63BE7B", mid_type="percentile", mid_value=50,
                    mid_color="FFEB84", end_type="max", end_color="F8696B"))
                for row in ws[cells]:
                    for cell in row:
                        cell.number_format = "#,##0"
            print_setup(ws, f"study {path.parent.name}, {name}")


def _tornado_chart(table: pd.DataFrame, path: Path) -> None:
    base = table["base_npv_cny"].iloc[0] / 1e6
    fig, ax = plt.subplots(figsize=(8, 1.2 + 0.5 * len(table)), dpi=110)
    rows = table.iloc[::-1]
    for i, r in enumerate(rows.itertuples()):
        for npv, setting, colour in ((r.npv_low_cny, r.low_setting, "#4c72b0"),
                                     (r.npv_high_cny, r.high_setting, "#dd8452")):
            ax.barh(i, npv / 1e6 - base, left=base, color=colour)
            ax.text(npv / 1e6, i, f" {setting:g} ", va="center",
                    ha="left" if npv / 1e6 >= base else "right", fontsize=8)
    ax.axvline(base, color="black", linewidth=0.8)
    ax.margins(x=0.2)  # room for the setting labels
    ax.set_yticks(range(len(rows)), rows["parameter"])
    ax.set_xlabel("net present cost [M CNY] (blue: lowest setting, orange: highest)")
    ax.set_title("What moves the cost: one parameter at a time")
    fig.tight_layout()
    fig.savefig(path, format="png")
    plt.close(fig)


def _frontier_chart(table: pd.DataFrame, path: Path) -> None:
    fig, ax = plt.subplots(figsize=(8, 5), dpi=110)
    ax.plot(table["emissions_t"] / 1e3, table["objective_npv_cny"] / 1e6, marker="o")
    for r in table.itertuples():
        if pd.notna(r.abatement_cny_per_t):
            ax.annotate(f"{r.abatement_cny_per_t:,.0f} CNY/t", (r.emissions_t / 1e3,
                        r.objective_npv_cny / 1e6), textcoords="offset points", xytext=(4, 6),
                        fontsize=8)
    ax.set_xlabel("emissions over the horizon [kt CO2]")
    ax.set_ylabel("net present cost [M CNY]")
    ax.set_title("Cost-emissions frontier (labels: abatement cost from the previous point)")
    ax.invert_xaxis()
    fig.tight_layout()
    fig.savefig(path, format="png")
    plt.close(fig)


def _heatmap_chart(table: pd.DataFrame, params: list[str], path: Path) -> None:
    """NPV of every combination of a two-parameter grid, each cell labelled in M CNY; a cell with
    no plan is grey and says so."""
    values = table.drop(columns=params[0]).to_numpy(dtype=float) / 1e6
    fig, ax = plt.subplots(figsize=(1.6 + 1.3 * values.shape[1], 1.4 + 0.6 * values.shape[0]),
                           dpi=110)
    cmap = plt.get_cmap("RdYlGn_r").with_extremes(bad="#cccccc")  # grey: no plan
    image = ax.imshow(np.ma.masked_invalid(values), cmap=cmap, aspect="auto")
    for (i, j), v in np.ndenumerate(values):
        ax.text(j, i, "no plan" if np.isnan(v) else f"{v:,.2f}", ha="center", va="center",
                fontsize=8)
    columns = [_tick(_number_or_text(c.split("=", 1)[1])) for c in table.columns[1:]]
    ax.set_xticks(range(len(columns)), columns)
    ax.set_yticks(range(len(table)), [_tick(v) for v in table[params[0]]])
    ax.set_xlabel(params[1])
    ax.set_ylabel(params[0])
    ax.set_title("Net present cost [M CNY] of each combination")
    fig.colorbar(image, ax=ax, label="M CNY")
    fig.tight_layout()
    fig.savefig(path, format="png")
    plt.close(fig)


def _tick(value) -> str:
    """A parameter's point on an axis: whole numbers with separators (3,000,000), others as given."""
    if isinstance(value, (int, float)) and float(value).is_integer():
        return f"{value:,.0f}"
    return f"{value:g}" if isinstance(value, float) else str(value)


def _number_or_text(text: str):
    try:
        return float(text)
    except ValueError:
        return text
