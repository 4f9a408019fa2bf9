"""Per-year figures and the compliance table, computed from the result tables (never the model)."""

from __future__ import annotations

from collections import Counter

import math

import pandas as pd

from evfleet.inputs import Inputs
from evfleet.inputs.supply import PUBLIC, SWAP
from evfleet.results.extract import CAPEX, OPEX
from evfleet.results.record import Summary
from evfleet.results.rules import PURCHASE_SHARE_RULE

TOLERANCE = 1e-6  # relative slack allowed when checking a cap met (solver feasibility tolerance)


def per_year(tables: dict[str, pd.DataFrame], inp: Inputs) -> dict[str, dict]:
    """{year: {capex_cny, opex_cny, emissions_t, ev_count, ice_count, ev_share, chargers, pv_kw,
    storage_kwh, depot_charged_kwh, public_kwh, swap_kwh}} with counts and sizes in service that
    year; the last three are the year's charging energy by supply (charging.csv)."""
    costs, fleet, charging = tables["costs"], tables["fleet"], tables["charging"]
    out = {}
    for y in inp.years:
        c = costs[costs["year"] == y].set_index("category")["cny"]
        f = fleet[fleet["year"] == y]
        ev = int(f.loc[f["energy"] == "electricity", "count"].sum())
        ice = int(f.loc[f["energy"] != "electricity", "count"].sum())
        out[str(y)] = {
            "capex_cny": float(c.reindex(CAPEX).fillna(0).sum()),
            "opex_cny": float(c.reindex(OPEX).fillna(0).sum()),
            "emissions_t": float(tables["emissions"].loc[tables["emissions"]["year"] == y, "t"].sum()),
            "ev_count": ev,
            "ice_count": ice,
            "ev_share": ev / (ev + ice) if ev + ice else None,
            "chargers": int(tables["chargers"].loc[tables["chargers"]["year"] == y, "installed"].sum()),
            "pv_kw": float(tables["solar"].loc[tables["solar"]["year"] == y, "pv_kw"].sum()),
            "storage_kwh": float(tables["storage"].loc[tables["storage"]["year"] == y,
                                                       "storage_kwh"].sum()),
            **supply_kwh(charging[charging["year"] == y]),
        }
    return out


def supply_kwh(charging: pd.DataFrame) -> dict[str, float]:
    """One year's charging energy by supply: depot chargers, public stations, swap [kWh]."""
    by = charging.groupby("supply")["kwh"].sum()
    public, swap = float(by.get(PUBLIC, 0.0)), float(by.get(SWAP, 0.0))
    return {"depot_charged_kwh": float(by.sum()) - public - swap, "public_kwh": public,
            "swap_kwh": swap}


def compliance(tables: dict[str, pd.DataFrame], inp: Inputs) -> pd.DataFrame:
    """Year by year: the pilot's electric share of purchases, counting no churn (contract §4:
    electric vehicles bought to replace electric vehicles sold early count on neither side), and
    chargers per electric vehicle in service (about 1:1), and the case's carbon cap and budget,
    each with required, achieved and met."""
    years = per_year(tables, inp)
    buys, gone = tables["purchases"], tables["retirements"]
    electric = {j for j, e in inp.vehicle_energy.items() if e == "electricity"}
    rows = []
    for y in inp.years:
        b = buys[buys["year"] == y]
        bought = int(b["count"].sum())
        ev_bought = int(b.loc[b["model"].isin(electric), "count"].sum())
        sold = gone[(gone["year"] == y) & (gone["reason"] == "sold early")
                    & gone["model"].isin(electric)]
        churn = min(int(sold["count"].sum()), ev_bought)
        share = (ev_bought - churn) / (bought - churn) if bought > churn else None
        rows.append(_row(y, PURCHASE_SHARE_RULE, inp.pilot_ev_share, share,
                         share is None or share >= inp.pilot_ev_share - TOLERANCE))
        evs, chargers = years[str(y)]["ev_count"], years[str(y)]["chargers"]
        ratio = chargers / evs if evs else None
        rows.append(_row(y, "pilot_chargers_per_ev", inp.pilot_chargers_per_ev, ratio,
                         ratio is None or ratio >= inp.pilot_chargers_per_ev - TOLERANCE))
        if y in inp.carbon_cap_t:
            cap, got = inp.carbon_cap_t[y], years[str(y)]["emissions_t"]
            rows.append(_row(y, "carbon_cap_t", cap, got, got <= cap * (1 + TOLERANCE) + TOLERANCE))
        if y in inp.budget_cny:
            cap, got = inp.budget_cny[y], years[str(y)]["capex_cny"]
            rows.append(_row(y, "budget_cny", cap, got, got <= cap * (1 + TOLERANCE) + TOLERANCE))
    rows += _self_use_rows(tables, inp)
    return pd.DataFrame(rows, columns=["year", "rule", "required", "achieved", "met"])


def _self_use_rows(tables: dict[str, pd.DataFrame], inp: Inputs) -> list[dict]:
    """Per depot under a PV self-use floor and year with PV output: the share used on site."""
    e = tables["energy"]
    rows = []
    for d, floor in sorted(inp.pv_self_use_min_share.items()):
        for y in inp.years:
            h = e[(e["depot"] == d) & (e["year"] == y)]
            used, sold = (h["weight_days"] * h["pv_used_kw"]).sum(), (h["weight_days"] * h["export_kw"]).sum()
            if used + sold > 0:
                share = used / (used + sold)
                rows.append(_row(y, f"pv_self_use_share {d}", floor, share,
                                 share >= floor - TOLERANCE))
    return rows


def _row(year: int, rule: str, required: float, achieved: float | None, met: bool) -> dict:
    achieved = None if achieved is None or (isinstance(achieved, float) and math.isnan(achieved)) \
        else round(achieved, 6)
    return {"year": year, "rule": rule, "required": required, "achieved": achieved, "met": bool(met)}


def plan_summary(inp: Inputs, tables: dict[str, pd.DataFrame], baseline: dict | None,
                 **fields) -> Summary:
    """The one place a plan's Summary is made, for every route to a plan: the compliance table
    is added to `tables`, the per-year figures computed from them; `fields` are the route's own
    (status, NPV, bound, gap, timings; see record.Summary)."""
    tables["compliance"] = compliance(tables, inp)
    return Summary(case=inp.name, cities=city_names(inp), per_year=per_year(tables, inp),
                   baseline=baseline, **fields)


def city_names(inp: Inputs) -> tuple[str, ...]:
    """The depots' cities as shown ("Chengdu 成都"), the city of most depots first."""
    count = Counter(inp.depot_city.values())
    return tuple(inp.city_names[c] for c in sorted(count, key=lambda c: (-count[c], c)))
