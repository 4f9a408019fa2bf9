"""The short plan printed by `evfleet solve`, in English or Chinese (writers/labels.py TEXTS)."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pandas as pd

from evfleet.results.record import Summary
from evfleet.results.rules import REFERENCE_RULES, purchase_shares, unmet
from evfleet.writers.labels import text

# (TEXTS key, width in terminal columns) of the year-by-year table
COLUMNS = (("t_year", 6), ("t_capex", 12), ("t_opex", 12), ("t_ev", 6), ("t_ice", 6),
           ("t_ev_fleet", 11), ("t_ev_bought", 12), ("t_chargers", 10), ("t_pv", 8),
           ("t_storage", 10), ("t_co2", 9))


def _m(cny: float | None, lang: str = "en") -> str:
    """Money as a planner reads it: millions in English (9.35 M), 万 (10,000) in Chinese (935 万)."""
    if cny is None:
        return "-"
    return f"{cny / 1e4:,.0f} 万" if lang == "zh" else f"{cny / 1e6:,.2f} M"


def _pct(share: float | None) -> str:
    return "-" if share is None else f"{share:.0%}"


def columns_wide(s: str) -> int:
    """Terminal columns `s` takes: East Asian wide and full-width characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)


def pad(s: str, width: int, left: bool = False) -> str:
    """`s` right-aligned (or left-aligned) in `width` terminal columns."""
    fill = " " * max(width - columns_wide(s), 0 if left else 1)  # never two cells touching
    return s + fill if left else fill + s


def _widths(lang: str) -> list[int]:
    """Each column as wide as COLUMNS says, or its header and a space if wider."""
    return [max(w, columns_wide(text(key, lang)) + 1) for key, w in COLUMNS]


def _row(cells: list[str], widths: list[int]) -> str:
    return "".join(pad(c, w, left=(n == 0)) for n, (c, w) in enumerate(zip(cells, widths)))


def _supply_lines(tables: dict[str, pd.DataFrame], year: str, lang: str) -> list[str]:
    """The last year's chargers by model and electric vehicles by supply (charging.csv)."""
    lines = []
    ch = tables["chargers"]
    ch = ch[ch["year"] == int(year)].groupby("charger")["installed"].sum()
    if ch.sum():
        items = ", ".join(f"{n} {q}" for q, n in ch.items() if n)
        lines.append(text("chargers_in", lang).format(year=year, items=items))
    sup = tables["charging"]
    sup = sup[sup["year"] == int(year)].groupby("supply")["vehicles"].sum()
    if len(sup):
        items = ", ".join(text(f"evs_{s}", lang).format(n=n) if s in ("public", "swap")
                          else text("evs_on", lang).format(n=n, supply=s) for s, n in sup.items())
        lines.append(text("charging_in", lang).format(year=year, items=items))
    return lines + _peak_lines(tables.get("peak"), year, lang)


def _peak_lines(peak: pd.DataFrame | None, year: str, lang: str) -> list[str]:
    """The last year's parcel peak by duty: vehicles on the road, owned and rented (peak.csv)."""
    if peak is None or not len(peak):
        return []
    rows = peak[peak["year"] == int(year)]
    items = ", ".join(text("peak_item", lang).format(
        duty=r["duty"], n=r["on_road"], days=r["days"], owned=r["owned"],
        rented=r["rented_combustion"] + r["rented_electric"]) for _, r in rows.iterrows())
    return [text("peak_in", lang).format(year=year, items=items)] if items else []


def _reference_lines(compliance_rows: pd.DataFrame, year: str, lang: str) -> list[str]:
    """The last year's reference ratios (REFERENCE_RULES), reported, never as a miss."""
    c = compliance_rows
    c = c[c["rule"].isin(REFERENCE_RULES) & (c["year"] == int(year)) & c["achieved"].notna()]
    return [text("reference", lang).format(year=year, ratio=f"{r['achieved']:.2f}",
                                           required=f"{r['required']:g}")
            for _, r in c.iterrows()]


def plan_text(summary: Summary, tables: dict[str, pd.DataFrame], out: Path,
              lang: str = "en") -> str:
    """Status, NPV against the like-for-like plan, a line per year and the compliance misses."""
    gap, base = summary.mip_gap, summary.baseline_npv_cny
    lines = [text("headline", lang).format(case=summary.case, status=text(summary.status.value,
                                                                          lang),
                                           npv=_m(summary.objective_npv_cny, lang))
             + (text("gap", lang).format(gap=f"{gap:.2%}") if gap is not None else "")]
    if base is not None:
        lines.append(text("saving", lang).format(
            base=_m(base, lang), saving=_m(base - summary.objective_npv_cny, lang)))
    bought = purchase_shares(tables["compliance"])
    widths = _widths(lang)
    lines.append(_row([text(key, lang) for key, _ in COLUMNS], widths))
    for year, f in summary.per_year.items():
        lines.append(_row([str(year), _m(f["capex_cny"], lang), _m(f["opex_cny"], lang),
                           str(f["ev_count"]),
                           str(f["ice_count"]), _pct(f["ev_share"]),
                           _pct(bought.get(int(year))), str(f["chargers"]),
                           f"{f['pv_kw']:.0f}", f"{f['storage_kwh']:.0f}",
                           f"{f['emissions_t']:.0f}"], widths))
    buys = tables["purchases"]
    if len(buys):
        by = buys.groupby(["year", "model"])["count"].sum().reset_index()
        for year, group in by.groupby("year"):
            items = ", ".join(f"{n} {m}" for m, n in zip(group["model"], group["count"]))
            lines.append(text("buy", lang).format(year=year, items=items))
    lines += _supply_lines(tables, max(summary.per_year), lang)
    for _, row in unmet(tables["compliance"]).iterrows():
        lines.append(text("unmet_line", lang).format(year=row["year"], rule=row["rule"],
                                                     required=f"{row['required']:g}",
                                                     achieved=f"{row['achieved']:g}"))
    lines += _reference_lines(tables["compliance"], max(summary.per_year), lang)
    lines.append(text("written", lang).format(out=out))
    return "\n".join(lines)
