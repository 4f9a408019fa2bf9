"""`evfleet report RUN_DIR`: PNG charts and one self-contained report.html from a run folder.

Reads only the files `evfleet solve` wrote (summary.json and the CSV tables). The HTML embeds its
images as data URIs and has no external link, script or stylesheet: it opens with no network.
"""

from __future__ import annotations

import base64
import html
import logging
import warnings
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

from evfleet.results.depots import depot_table  # noqa: E402
from evfleet.results.folder import REPORT, read_run  # noqa: E402
from evfleet.results.rules import purchase_shares, unmet  # noqa: E402
from evfleet.writers.labels import (  # noqa: E402
    LANGUAGES, category, day_label, label, number_format, text)

COLOURS = {"electricity": "#2a7ab9", "diesel": "#555555", "gasoline": "#b08d57"}
REPORTED = ("fleet", "costs", "emissions", "compliance", "energy", "purchases", "charging",
            "chargers", "solar", "storage", "grid")


def _rule(tables, rule: str) -> pd.Series:
    c = tables["compliance"]
    return c[c["rule"] == rule].set_index("year")["required"]


def chart_fleet(tables, ax, lang: str = "en") -> None:
    mix = tables["fleet"].pivot_table(index="year", columns="energy", values="count",
                                      aggfunc="sum", fill_value=0)
    bottom = None
    for energy in mix.columns:
        ax.bar(mix.index, mix[energy], bottom=bottom, label=energy, color=COLOURS.get(energy))
        bottom = mix[energy] if bottom is None else bottom + mix[energy]
    ax.set(title=text("fleet_by_energy", lang), xlabel=text("year", lang),
           ylabel=text("vehicles", lang))
    ax.legend()


SOURCE_COLOURS = {"fuel": "#b08d57", "grid": "#7f8c8d", "public and swap": "#5d9c59"}


def chart_emissions(tables, ax, lang: str = "en") -> None:
    em = tables["emissions"].groupby(["year", "source"])["t"].sum().unstack(fill_value=0)
    ax.stackplot(em.index, *[em[c] for c in em.columns], labels=list(em.columns),
                 colors=[SOURCE_COLOURS.get(c, "#cccccc") for c in em.columns], alpha=0.8)
    cap = _rule(tables, "carbon_cap_t")
    if len(cap):
        ax.plot(cap.index, cap.values, color="#c0392b", lw=2, label=text("c_carbon_cap", lang))
    ax.set(title=text("emissions_and_cap", lang), xlabel=text("year", lang), ylabel="t CO2")
    ax.legend()


def chart_capex(tables, ax, lang: str = "en") -> None:
    costs = tables["costs"]
    capex = costs[costs["category"].str.startswith("capex_")].groupby("year")["cny"].sum() / 1e6
    ax.bar(capex.index, capex.values, color="#2a7ab9", label=text("c_capex", lang))
    budget = _rule(tables, "budget_cny") / 1e6
    if len(budget):
        ax.plot(budget.index, budget.values, color="#c0392b", lw=2, marker="o",
                label=text("c_budget", lang))
    ax.set(title=text("c_capex_title", lang), xlabel=text("year", lang), ylabel="M CNY")
    ax.legend()


def chart_costs(tables, ax, lang: str = "en") -> None:
    costs = tables["costs"]
    by = costs[costs["category"] != "terminal_value"].pivot_table(
        index="year", columns="category", values="cny", aggfunc="sum", fill_value=0) / 1e6
    pos, neg = by.clip(lower=0), by.clip(upper=0)
    bottom_p = bottom_n = 0
    cmap = plt.get_cmap("tab20")
    for i, cat in enumerate(by.columns):
        if pos[cat].any():
            ax.bar(by.index, pos[cat], bottom=bottom_p, label=category(cat, lang), color=cmap(i))
            bottom_p = bottom_p + pos[cat]
        if neg[cat].any():
            ax.bar(by.index, neg[cat], bottom=bottom_n, color=cmap(i),  # one legend entry
                   label="_nolegend_" if pos[cat].any() else category(cat, lang))
            bottom_n = bottom_n + neg[cat]
    ax.axhline(0, color="black", lw=0.6)
    ax.set(title=text("c_costs_title", lang), xlabel=text("year", lang), ylabel="M CNY")
    ax.legend(fontsize=6, ncol=2)


def chart_day(tables, ax, lang: str = "en") -> str:
    """The last year's heaviest depot on its most frequent representative day."""
    e = tables["energy"]
    last = e[e["year"] == e["year"].max()]
    depot = last.groupby("depot")["grid_kw"].sum().idxmax()
    day = last[last["depot"] == depot].groupby("day")["weight_days"].first().idxmax()
    d = last[(last["depot"] == depot) & (last["day"] == day)].sort_values("hour")
    ax.stackplot(d["hour"], d["building_kw"], d["charge_kw"], d["storage_charge_kw"],
                 labels=[text(k, lang) for k in ("c_building", "c_fleet_charging",
                                                 "c_storage_charging")],
                 colors=["#7f8c8d", "#2a7ab9", "#8e44ad"], step="post", alpha=0.7)
    ax.step(d["hour"], d["grid_kw"], where="post", color="black", lw=1.5,
            label=text("c_grid_import", lang))
    ax.step(d["hour"], d["pv_used_kw"] + d["storage_discharge_kw"], where="post", color="#e6a100",
            lw=1.5, label=text("c_pv_storage", lang))
    twin = ax.twinx()
    twin.step(d["hour"], d["price_cny_per_kwh"], where="post", color="#c0392b", ls="--",
              label=text("c_tariff", lang))
    twin.set_ylabel("CNY/kWh")
    first = d.iloc[0]
    title = (f"{depot}, {int(first['year'])}: "
             + day_label(int(first["month"]), float(first["weight_days"]),
                         float(first["temperature_c"]), lang))
    ax.set(title=title, xlabel=text("c_hour", lang), ylabel="kW")
    lines, names = ax.get_legend_handles_labels()
    more, more_names = twin.get_legend_handles_labels()
    ax.legend(lines + more, names + more_names, fontsize=7, ncol=3, loc="upper center",
              bbox_to_anchor=(0.5, -0.18), frameon=False)  # below the plot, never over it
    return title


CHARTS = (("fleet", chart_fleet), ("emissions", chart_emissions), ("capex", chart_capex),
          ("costs", chart_costs), ("typical-day", chart_day))


# fonts that draw Chinese, the first found is used for charts in Chinese
CJK_FONTS = ("Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "WenQuanYi Zen Hei",
             "WenQuanYi Micro Hei", "SimHei", "Microsoft YaHei", "PingFang SC")


def cjk_font() -> str | None:
    """A font on this machine that draws Chinese, or None."""
    from matplotlib import font_manager

    names = {f.name for f in font_manager.fontManager.ttflist}
    return next((name for name in CJK_FONTS if name in names), None)


def _png(folder: Path, name: str, draw, tables, lang: str = "en") -> Path:
    """One chart. In Chinese only where a font draws it (else its words stay English: boxes
    where the characters should be would help no one)."""
    font = cjk_font() if lang == "zh" else None
    lang = "zh" if font else "en"
    style = {"font.sans-serif": [font, "DejaVu Sans"], "axes.unicode_minus": False} if font else {}
    quiet = logging.getLogger("matplotlib.font_manager")  # a CJK font of one weight only
    level = quiet.level
    quiet.setLevel(logging.ERROR)
    try:
        return _draw_png(folder, name, draw, tables, lang, style)
    finally:
        quiet.setLevel(level)


def _draw_png(folder: Path, name: str, draw, tables, lang: str, style: dict) -> Path:
    with plt.rc_context(style), warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Glyph .* missing from font")
        fig, ax = plt.subplots(figsize=(7.5, 4.2))
        draw(tables, ax, lang)
        fig.tight_layout()
        path = folder / f"report-{name}.png"
        fig.savefig(path, dpi=100)
        plt.close(fig)
    return path


def _table_html(frame: pd.DataFrame, lang: str = "en") -> str:
    """A table with labelled headers (writers/labels.py) and numbers as a planner reads them:
    CNY and kWh whole with thousands separators, shares as %, kW to a tenth."""
    shown = frame.copy()
    for column in shown.columns:
        fmt = number_format(str(column))
        if fmt == "General" or not pd.api.types.is_numeric_dtype(shown[column]):
            continue
        shown[column] = [("" if pd.isna(v) else _number(v, fmt)) for v in shown[column]]
    shown.columns = [label(str(c), lang) if str(c) else "" for c in shown.columns]
    return shown.to_html(index=False, border=0, na_rep="")


def _number(v: float, fmt: str) -> str:
    if fmt.endswith("%"):
        return f"{v:.1%}"
    if fmt == "0":  # years, hours, counts
        return f"{v:.0f}"
    if fmt == "#,##0":
        return f"{v:,.0f}"
    if fmt == "0.000":
        return f"{v:.3f}"
    return f"{v:,.1f}"


def run_lang(folder: Path) -> str:
    """The language the run's case asks for (`lang:` in its case.yaml), else English."""
    try:
        from ruamel.yaml import YAML

        data = YAML(typ="safe").load((folder / "case.yaml").read_text(encoding="utf-8"))
        lang = data.get("lang") if isinstance(data, dict) else None
    except Exception:  # noqa: BLE001 - an unreadable case.yaml leaves the default
        lang = None
    return lang if lang in LANGUAGES else "en"


def _peak_section(run, lang: str) -> str:
    """The parcel peak's section: each peak duty's vehicles in the peak, owned and rented, by year
    (runs with no peak duty, or solved before peaks, have none)."""
    if not run.has("peak"):
        return ""
    return (f'<h2>{text("r_peak", lang)}</h2>\n<p>{text("r_peak_note", lang)}</p>\n'
            f'{_table_html(run.table("peak"), lang)}')


def write_report(folder: Path, lang: str | None = None) -> list[Path]:
    """The PNG charts and report.html, written into the run folder. Returns the files.
    `lang`: of the page's words, headers and, where a font draws Chinese, charts; None: the
    run's."""
    lang = lang or run_lang(folder)
    run = read_run(folder, need_plan=True)
    summary, tables = run.summary, run.tables(REPORTED)
    pngs = [_png(folder, name, draw, tables, lang) for name, draw in CHARTS]
    comp = tables["compliance"]
    bought = purchase_shares(comp)
    per_year = pd.DataFrame([{"year": int(y), **v, "ev_share_of_purchases": bought.get(int(y))}
                             for y, v in summary.per_year.items()])
    per_year = per_year.rename(columns={"ev_share": "ev_share_of_fleet"})
    missed = unmet(comp)
    buys = tables["purchases"].groupby(["year", "model"])["count"].sum().reset_index()
    supply = tables["charging"].groupby(["year", "supply"], as_index=False)[
        ["vehicles", "kwh", "cost_cny"]].sum()
    chargers = tables["chargers"]
    chargers = chargers[chargers["year"] == chargers["year"].max()].groupby(
        ["charger", "classes"], as_index=False)[["installed"]].sum() if len(chargers) else chargers
    depots = depot_table(tables)
    peak = _peak_section(run, lang)
    base = summary.baseline_npv_cny
    head = [(text("r_cities", lang), ", ".join(summary.cities or ())),
            (text("r_status", lang), text(summary.status.value, lang)),
            (text("r_npv", lang), f"{summary.objective_npv_cny / 1e6:,.2f} M CNY"),
            (text("r_baseline", lang), f"{base / 1e6:,.2f} M CNY" if base else ""),
            (text("r_gap", lang), f"{summary.mip_gap:.2%}" if summary.mip_gap is not None else "")]
    images = "\n".join(
        f'<figure><img alt="{p.stem}" src="data:image/png;base64,'
        f'{base64.b64encode(p.read_bytes()).decode()}"></figure>' for p in pngs)
    last_year = int(depots["year"].iloc[0]) if len(depots) else ""
    title = text("r_title", lang).format(case=html.escape(summary.case))
    page = f"""<!DOCTYPE html>
<html lang="{'zh-CN' if lang == 'zh' else 'en'}"><head><meta charset="utf-8"><title>evfleet: {title}</title>
<style>body{{font-family:sans-serif;max-width:1100px;margin:2em auto;color:#222}}
table{{border-collapse:collapse;margin:1em 0;font-size:90%}}td,th{{padding:3px 8px;text-align:right;
border-bottom:1px solid #ddd}}td:first-child{{white-space:nowrap}}img{{max-width:100%}}figure{{margin:1em 0}}</style></head><body>
<h1>{title}</h1>
{_table_html(pd.DataFrame(head, columns=["", "value"]), lang)}
<h2>{text("r_charts", lang)}</h2>
{images}
<h2>{text("r_years", lang)}</h2>
{_table_html(per_year, lang)}
<h2>{text("r_unmet", lang)}</h2>
{_table_html(missed, lang) if len(missed) else f"<p>{text('all_met', lang)}.</p>"}
<h2>{text("r_depots", lang)}</h2>
<p>{text("r_depots_note", lang).format(year=last_year)}</p>
{_table_html(depots, lang)}
<h2>{text("r_purchases", lang)}</h2>
{_table_html(buys, lang)}
<h2>{text("r_charging", lang)}</h2>
<p>{text("r_charging_note", lang)}</p>
{_table_html(supply, lang)}
<p>{text("r_chargers_note", lang)}</p>
{_table_html(chargers, lang)}
{peak}
</body></html>
"""
    out = folder / REPORT
    out.write_text(page, encoding="utf-8")
    return [*pngs, out]
