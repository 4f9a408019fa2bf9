"""Scenarios side by side: labelled tables built from run folders written by `evfleet solve`.

Everything comes from each run's summary.json, compliance.csv and case.yaml; nothing is solved.
Runs of different cases or horizons are aligned by year, and a value a run does not have stays
missing (NaN, a blank cell in the workbook), never 0.
"""

from __future__ import annotations

import json
import math

import pandas as pd

from evfleet.results.folder import RunFolder
from evfleet.yearly import by_year, is_year_map

# per-year figure of summary.json -> (sheet name, unit for the header)
PER_YEAR = {"capex_cny": ("capital spend", "CNY"), "emissions_t": ("emissions", "t CO2"),
            "ev_count": ("electric vehicles", "count"), "ev_share": ("electric share", "share"),
            "pv_kw": ("PV", "kW")}


def _last(per_year: dict, key: str) -> float | None:
    if not per_year:
        return None
    return per_year[max(per_year, key=int)].get(key)


def _total(per_year: dict, key: str) -> float | None:
    values = [v.get(key) for v in (per_year or {}).values()]
    return float(sum(values)) if values and all(v is not None for v in values) else None


def _years_met(run: RunFolder, rule: str) -> str | None:
    if not run.has("compliance"):
        return None
    compliance = run.table("compliance")
    rows = compliance[compliance["rule"] == rule]
    return f"{int(rows['met'].sum())} of {len(rows)} years" if len(rows) else None


def _last_achieved(run: RunFolder, rule: str) -> float | None:
    """The last year's achieved value of a compliance rule (a reference ratio)."""
    if not run.has("compliance"):
        return None
    compliance = run.table("compliance")
    rows = compliance[(compliance["rule"] == rule) & compliance["achieved"].notna()]
    return float(rows.loc[rows["year"].idxmax(), "achieved"]) if len(rows) else None


KPIS = (  # (label with unit, function of RunFolder)
    ("net present cost [CNY]", lambda r: r.summary.objective_npv_cny),
    ("like-for-like net present cost [CNY]",
     lambda r: r.summary.baseline_npv_cny),
    ("capital spend over the horizon [CNY]", lambda r: _total(r.summary.per_year, "capex_cny")),
    ("emissions over the horizon [t CO2]", lambda r: _total(r.summary.per_year, "emissions_t")),
    ("electric share of the fleet in the last year [share]", lambda r: _last(r.summary.per_year, "ev_share")),
    ("chargers in the last year [count]", lambda r: _last(r.summary.per_year, "chargers")),
    ("PV in the last year [kW]", lambda r: _last(r.summary.per_year, "pv_kw")),
    ("storage in the last year [kWh]", lambda r: _last(r.summary.per_year, "storage_kwh")),
    ("pilot 80 % electric share of purchases met", lambda r: _years_met(r,
                                                                        "pilot_ev_share_of_purchases")),
    ("depot chargers per electric vehicle in the last year (reference: about 1) [ratio]",
     lambda r: _last_achieved(r, "pilot_chargers_per_ev")),
    ("carbon cap met", lambda r: _years_met(r, "carbon_cap_t")),
    ("budget met", lambda r: _years_met(r, "budget_cny")),
    ("solve status", lambda r: r.summary.status.value),
    ("MIP gap [share]", lambda r: r.summary.mip_gap),
)


def kpi_table(runs: list[RunFolder], base: str) -> pd.DataFrame:
    """One row per KPI, one column per run, then '<run> - <base>' differences for numbers."""
    table = pd.DataFrame({r.name: [f(r) for _, f in KPIS] for r in runs},
                         index=[label for label, _ in KPIS], dtype=object)
    table.index.name = "KPI"
    for r in runs:
        if r.name == base:
            continue
        diffs = []
        for label in table.index:
            a, b = table.at[label, r.name], table.at[label, base]
            numeric = all(isinstance(v, (int, float)) and not isinstance(v, bool)
                          and v is not None and not math.isnan(v) for v in (a, b))
            diffs.append(a - b if numeric else None)
        table[f"{r.name} - {base}"] = diffs
    return table


def per_year_tables(runs: list[RunFolder]) -> dict[str, pd.DataFrame]:
    """{sheet: DataFrame indexed by year with one column per run}; years of all runs, aligned."""
    out = {}
    for key, (sheet, unit) in PER_YEAR.items():
        columns = {r.name: pd.Series({int(y): v.get(key) for y, v in
                                      (r.summary.per_year or {}).items()}, dtype=float)
                   for r in runs}
        frame = pd.DataFrame(columns).sort_index()
        frame.index.name = "year"
        frame.attrs["unit"] = unit
        out[sheet] = frame
    return out


def _flatten(node, prefix: str = "") -> dict[str, object]:
    """Dotted paths of a case: mappings by key, lists of mappings by their id or name; a year
    map ({year: value}) is one value (see _effective)."""
    if isinstance(node, dict) and not is_year_map(node):
        out = {}
        for k, v in node.items():
            out.update(_flatten(v, f"{prefix}.{k}" if prefix else str(k)))
        return out
    if isinstance(node, list) and all(isinstance(v, dict) and ("id" in v or "name" in v) for v in node):
        out = {}
        for v in node:
            out.update(_flatten(v, f"{prefix}.{v.get('id', v.get('name'))}"))
        return out
    return {prefix: node}


def _effective(flat: dict[str, object], case: dict | None, yearly: set[str]) -> dict[str, object]:
    """The `yearly` fields (a year map in some run) as the model reads them: one value per year
    of this run's horizon by the contract's rule (yearly.by_year; a number applies to every
    year), as `field.year`; so a base's 2030 and a variant's 2028 and 2032 are compared where
    they take effect."""
    try:
        years = range(int(case["start_year"]), int(case["end_year"]) + 1)
    except (KeyError, TypeError, ValueError):
        return flat
    out = {}
    for field, value in flat.items():
        if field in yearly and (is_year_map(value) or isinstance(value, (int, float))):
            known = {int(k): v for k, v in value.items()} if is_year_map(value) else value
            out.update({f"{field}.{y}": v for y, v in by_year(known, years).items()})
        else:
            out[field] = value
    return out


def input_differences(runs: list[RunFolder]) -> pd.DataFrame:
    """The case fields whose values differ between runs, field by field (blank: not set)."""
    given = {r.name: _flatten(r.case) if r.case is not None else {} for r in runs}
    yearly = {f for values in given.values() for f, v in values.items() if is_year_map(v)}
    flat = {r.name: _effective(given[r.name], r.case, yearly) for r in runs}
    fields = sorted({f for values in flat.values() for f in values})
    rows = []
    for f in fields:
        values = [flat[r.name].get(f) for r in runs]
        if len({json.dumps(v, sort_keys=True, default=str) for v in values}) > 1:
            rows.append({"field": f, **{r.name: (json.dumps(v, default=str) if isinstance(v, (dict, list))
                                                 else v) for r, v in zip(runs, values)}})
    return pd.DataFrame(rows, columns=["field", *[r.name for r in runs]])
