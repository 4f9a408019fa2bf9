"""The short plan printed by `evfleet solve`."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from evfleet.results.record import Summary
from evfleet.results.rules import REFERENCE_RULES, purchase_shares, unmet


def _m(cny: float | None) -> str:
    return "-" if cny is None else f"{cny / 1e6:,.2f} M"


def _supply_lines(tables: dict[str, pd.DataFrame], year: str) -> list[str]:
    """The last year's chargers by model and electric vehicles by supply (charging.csv)."""
    lines = []
    ch = tables["chargers"]
    ch = ch[ch["year"] == int(year)].groupby("charger")["installed"].sum()
    if ch.sum():
        lines.append(f"chargers {year}: " + ", ".join(f"{n} {q}" for q, n in ch.items() if n))
    sup = tables["charging"]
    sup = sup[sup["year"] == int(year)].groupby("supply")["vehicles"].sum()
    if len(sup):
        lines.append(f"charging {year}: " + ", ".join(
            f"{n} EVs {'on ' + s if s not in ('public', 'swap') else s}" for s, n in sup.items()))
    return lines


def _pct(share: float | None) -> str:
    return "-" if share is None else f"{share:.0%}"


def _reference_lines(compliance_rows: pd.DataFrame, year: str) -> list[str]:
    """The last year's reference ratios (REFERENCE_RULES), reported, never as a miss."""
    c = compliance_rows
    c = c[c["rule"].isin(REFERENCE_RULES) & (c["year"] == int(year)) & c["achieved"].notna()]
    return [f"for reference {year}: {r['achieved']:.2f} depot chargers per electric vehicle "
            f"(the pilot cities' public and private ratio is about {r['required']:g}:1)"
            for _, r in c.iterrows()]


def plan_text(summary: Summary, tables: dict[str, pd.DataFrame], out: Path) -> str:
    """Status, NPV against the like-for-like plan, a line per year and the compliance misses."""
    gap, base = summary.mip_gap, summary.baseline_npv_cny
    lines = [f"{summary.case}: {summary.status}, net present cost {_m(summary.objective_npv_cny)} CNY"
             + (f" (gap {gap:.2%})" if gap is not None else "")]
    if base is not None:
        lines.append(f"like-for-like replacement would cost {_m(base)} CNY; "
                     f"this plan saves {_m(base - summary.objective_npv_cny)} CNY")
    bought = purchase_shares(tables["compliance"])
    lines.append(f"{'year':<6}{'capex CNY':>12}{'opex CNY':>12}{'EV':>6}{'ICE':>6}"
                 f"{'EV % fleet':>11}{'EV % bought':>12}{'chargers':>10}{'PV kW':>8}"
                 f"{'stor kWh':>10}{'CO2 t':>9}")
    for year, f in summary.per_year.items():
        lines.append(f"{year:<6}{_m(f['capex_cny']):>12}{_m(f['opex_cny']):>12}{f['ev_count']:>6}"
                     f"{f['ice_count']:>6}{_pct(f['ev_share']):>11}"
                     f"{_pct(bought.get(int(year))):>12}{f['chargers']:>10}{f['pv_kw']:>8.0f}"
                     f"{f['storage_kwh']:>10.0f}{f['emissions_t']:>9.0f}")
    buys = tables["purchases"]
    if len(buys):
        by = buys.groupby(["year", "model"])["count"].sum().reset_index()
        for year, group in by.groupby("year"):
            items = ", ".join(f"{n} {m}" for m, n in zip(group["model"], group["count"]))
            lines.append(f"buy {year}: {items}")
    lines += _supply_lines(tables, max(summary.per_year))
    for _, row in unmet(tables["compliance"]).iterrows():
        lines.append(f"not met {row['year']}: {row['rule']} required {row['required']:g}, "
                     f"achieved {row['achieved']:g}")
    lines += _reference_lines(tables["compliance"], max(summary.per_year))
    lines.append(f"written to {out}/")
    return "\n".join(lines)
