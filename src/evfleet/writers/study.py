"""Write a study's results: results.csv / results.xlsx, and by design the tornado, the
cost-emissions frontier and the breakpoints, each as CSV and PNG. Files are replaced atomically."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pandas as pd

from evfleet.results.analysis import frontier_table, tornado_table


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
    with pd.ExcelWriter(path, engine="openpyxl") as xl:
        for name, frame in sheets.items():
            frame.to_excel(xl, sheet_name=name, index=False)
            ws = xl.sheets[name]
            ws.freeze_panes = "B2"
            for col, header in zip(ws.columns, frame.columns):
                width = max([len(str(header))] + [len(f"{v}") for v in frame[header].head(200)])
                ws.column_dimensions[col[0].column_letter].width = min(max(width + 2, 10), 60)
                if str(header).endswith(("_cny", "_t", "_cny_per_t")):
                    for cell in col[1:]:
                        cell.number_format = "#,##0"


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
