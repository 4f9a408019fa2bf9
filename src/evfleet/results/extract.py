"""The only reader of variable values: a solved model -> tidy long tables (spec §5).

Every table is a pandas DataFrame with the contract's columns, sorted, with integers as int and
floats rounded to ROUND digits so that repeated runs write identical files.
"""

from __future__ import annotations

from collections import defaultdict

import pandas as pd
import pyomo.environ as pyo

from evfleet.inputs import Inputs
from evfleet.inputs.supply import PUBLIC, SWAP

ROUND = 6


def _v(x) -> float:
    value = pyo.value(x, exception=False)
    return 0.0 if value is None else float(value)


def _count(x) -> int:
    return int(round(_v(x)))


def _frame(rows: list[dict], columns: list[str], sort: list[str]) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=columns)
    if len(df):
        df = df.sort_values(sort, kind="stable").reset_index(drop=True)
    floats = df.select_dtypes("float").columns
    df[floats] = df[floats].round(ROUND) + 0.0  # + 0.0 turns -0.0 into 0.0
    return df


def extract_tables(m: pyo.ConcreteModel, inp: Inputs) -> dict[str, pd.DataFrame]:
    """All result tables of a solved model, keyed by file stem."""
    return {
        "fleet": _fleet(m, inp),
        "purchases": _purchases(m, inp),
        "retirements": _retirements(m, inp),
        "chargers": _chargers(m, inp),
        "charging": _charging(m, inp),
        "solar": _solar(m, inp),
        "storage": _storage(m, inp),
        "grid": _grid(m, inp),
        "energy": _energy(m, inp),
        "costs": _costs(m, inp),
        "emissions": _emissions(m, inp),
        "excluded": excluded_table(inp),
        **({"peak": _peak(m, inp)} if len(m.PEAK_YEARS) else {}),
    }


def _peak(m, inp):
    """peak.csv: each peak duty's year, its vehicles on the road in the peak, those it owns and
    those it rents (combustion, electric), and what the rentals cost with their energy."""
    rows = []
    for (d, k, y) in m.PEAK_YEARS:
        rented = {e: _count(m.rented_count[d, k, e, y]) for e in ("diesel", "gasoline", "electricity")
                  if (d, k, e, y) in m.RENTAL_YEARS}
        rows.append({
            "depot": d, "duty": k, "year": y, "days": inp.peak_days[d, k],
            "need": inp.need_count[d, k, y], "on_road": inp.peak_need_count[d, k, y],
            "owned": _count(sum(m.vehicles_count[t] for t in inp.cohort_years_by_duty.get((d, k, y), ()))),
            "rented_combustion": rented.get("diesel", 0) + rented.get("gasoline", 0),
            "rented_electric": rented.get("electricity", 0),
            "rental_cny": sum(inp.peak_days[d, k] * inp.rental_cny_per_vehicle_day[d, k, e, y] * n
                              for e, n in rented.items())})
    return _frame(rows, ["depot", "duty", "year", "days", "need", "on_road", "owned",
                         "rented_combustion", "rented_electric", "rental_cny"],
                  ["depot", "duty", "year"])


def excluded_table(inp: Inputs) -> pd.DataFrame:
    """excluded.csv: the duty-model pairs the model could not use, and why; written for every
    run, a plan or none (the first cause to look at when a duty has no plan)."""
    return _frame([dict(zip(("depot", "duty", "model", "reason"), e)) for e in inp.excluded],
                  ["depot", "duty", "model", "reason"], ["depot", "duty", "model"])


def _fleet(m, inp):
    total = defaultdict(int)
    for t in inp.cohort_years:
        total[t[0], t[1], t[2], t[4]] += _count(m.vehicles_count[t])
    rows = [{"depot": d, "duty": k, "model": j, "year": y, "energy": inp.vehicle_energy[j], "count": n}
            for (d, k, j, y), n in total.items() if n > 0]
    return _frame(rows, ["depot", "duty", "model", "year", "energy", "count"],
                  ["depot", "duty", "year", "model"])


def _purchases(m, inp):
    rows = []
    for t in inp.buy_cohorts:
        n = _count(m.buy_count[t])
        if n > 0:
            rows.append({"depot": t[0], "duty": t[1], "model": t[2], "year": t[3], "count": n,
                         "capex_cny": n * inp.buy_price_cny[t]})
    return _frame(rows, ["depot", "duty", "model", "year", "count", "capex_cny"],
                  ["depot", "duty", "year", "model"])


def _retirements(m, inp):
    """Vehicles leaving: sold early, at end of life, or already past life at start_year."""
    rows = []
    for t in inp.cohort_years:
        n = _count(m.retire_count[t])
        if n > 0:
            rows.append({"depot": t[0], "duty": t[1], "model": t[2], "year": t[4], "bought": t[3],
                         "count": n, "reason": "sold early", "value_cny": n * inp.resale_value_cny[t]})
    for c in inp.cohorts:
        e = inp.exit_year[c]
        last = (*c, e - 1)
        if e <= inp.end_year and last in m.COHORT_YEARS:
            n = _count(m.vehicles_count[last])
            if n > 0:
                rows.append({"depot": c[0], "duty": c[1], "model": c[2], "year": e, "bought": c[3],
                             "count": n, "reason": "end of life", "value_cny": n * inp.exit_value_cny[c]})
    for (d, k, j, b, n) in inp.past_life:
        rows.append({"depot": d, "duty": k, "model": j, "year": inp.start_year, "bought": b, "count": n,
                     "reason": "past life at start",
                     "value_cny": n * inp.past_life_value_cny[j, b]})
    return _frame(rows, ["depot", "duty", "model", "year", "bought", "count", "reason", "value_cny"],
                  ["depot", "duty", "year", "model", "bought"])


def _chargers(m, inp):
    rows = []
    for (d, q, y) in m.CHARGER_ADDS:
        installed, added = _count(m.chargers_count[d, q, y]), _count(m.chargers_added[d, q, y])
        if installed or added:
            rows.append({"depot": d, "charger": q, "year": y, "installed": installed, "added": added,
                         "classes": " ".join(inp.charger_classes[q]) or "all"})
    return _frame(rows, ["depot", "charger", "year", "installed", "added", "classes"],
                  ["depot", "charger", "year"])


def _charging(m, inp):
    """How each duty's electric vehicles get their energy, by supply: a depot charger model
    (cost: the energy its chargers drew at the hourly tariff, shared by kWh), public stations or
    a swap plan (cost: the model's per-vehicle-year figure). kWh per year."""
    drawn = {}  # (d, q, y) -> (kWh a year, CNY a year) of a charger model's charging
    for (d, q, y, r, h) in m.CHARGER_HOURS:
        kwh = inp.day_weight[r] * inp.hour_length_h[h] * _v(m.charge_kw[d, q, y, r, h])
        old = drawn.get((d, q, y), (0.0, 0.0))
        drawn[d, q, y] = (old[0] + kwh, old[1] + kwh * inp.price_cny_per_kwh[inp.tariff_of[d, y], r, h])
    per_vehicle = {PUBLIC: inp.public_cny_per_vehicle_year, SWAP: inp.swap_cny_per_vehicle_year}
    rows = []
    for t in m.SUPPLY_YEARS:
        d, k, j, s, y = t
        n = _count(m.supplied_count[t])
        if n <= 0:
            continue
        kwh = n * inp.charge_kwh_per_vehicle_year[d, k, j]
        if s in per_vehicle:
            cost = n * per_vehicle[s][d, k, j]
        else:
            total_kwh, total_cny = drawn.get((d, s, y), (0.0, 0.0))
            cost = total_cny * kwh / total_kwh if total_kwh > 0 else 0.0
        rows.append({"depot": d, "year": y, "duty": k, "model": j, "supply": s, "vehicles": n,
                     "kwh": kwh, "cost_cny": cost})
    return _frame(rows, ["depot", "year", "duty", "model", "supply", "vehicles", "kwh", "cost_cny"],
                  ["depot", "year", "duty", "model", "supply"])


def _solar(m, inp):
    """PV by depot and year: in service, added, the NEA 2025 category and mode, and what was sold
    (kWh a year and its revenue: the market price, the old plant's premium on its share)."""
    rows = []
    for (d, y) in m.PV_YEARS:
        hours = [(r, h, inp.day_weight[r] * inp.hour_length_h[h]) for r in inp.days for h in inp.hours]
        sold = sum(wl * _v(m.export_kw[d, y, r, h]) for r, h, wl in hours) if d in inp.export_depots else 0.0
        revenue = inp.export_market_cny_per_kwh.get(d, 0.0) * sold
        if d in m.OLD_EXPORT_DEPOTS:
            premium = inp.feed_in_cny_per_kwh[d] - inp.export_market_cny_per_kwh[d]
            revenue += premium * sum(wl * _v(m.old_export_kw[d, y, r, h]) for r, h, wl in hours)
        rows.append({"depot": d, "year": y, "pv_kw": _v(m.pv_kw[d, y]),
                     "added_kw": _v(m.pv_added_kw[d, y]), "pv_category": inp.pv_category[d],
                     "pv_mode": inp.pv_mode[d], "exported_kwh": sold, "export_revenue_cny": revenue})
    return _frame(rows, ["depot", "year", "pv_kw", "added_kw", "pv_category", "pv_mode",
                         "exported_kwh", "export_revenue_cny"], ["depot", "year"])


def _storage(m, inp):
    rows = [{"depot": d, "year": y, "storage_kwh": _v(m.storage_kwh[d, y]),
             "added_kwh": _v(m.storage_added_kwh[d, y])} for (d, y) in m.STORAGE_YEARS]
    return _frame(rows, ["depot", "year", "storage_kwh", "added_kwh"], ["depot", "year"])


def _grid(m, inp):
    rows = []
    for (d, y) in m.DEPOT_YEARS:
        peak = max(_v(m.grid_import_kw[d, y, r, h]) for r in inp.days for h in inp.hours)
        billed = (d, y) in inp.demand_cny_per_kw_year and (
            (d, y) in inp.two_part_fixed or _count(m.two_part[d, y]) == 1)
        rows.append({"depot": d, "year": y, "connection_kw": _v(m.connection_kw[d, y]),
                     "added_kw": _v(m.upgrade_kw[d, y]) if (d, y) in m.UPGRADE_YEARS else 0.0,
                     "peak_kw": peak, "demand_charged": bool(billed)})
    return _frame(rows, ["depot", "year", "connection_kw", "added_kw", "peak_kw", "demand_charged"],
                  ["depot", "year"])


def _energy(m, inp):
    """One row per hour of the day; where hours are merged, every hour of a block carries the
    block's powers and the state of charge moves linearly across it (the powers are constant)."""
    rows = []
    for (d, y, r, h) in m.DEPOT_HOURS:
        key = (d, y, r, h)
        pv_out = _v(m.pv_kw[d, y]) * inp.pv_kw_per_kwp[d, r, h] if key in m.PV_HOURS else 0.0
        row = {
            "depot": d, "year": y, "day": r, "weight_days": inp.day_weight[r],
            "month": inp.day_month[r], "temperature_c": inp.day_temperature_c[d, r],
            "charge_kw": sum(_v(m.charge_kw[d, q, y, r, h]) for q in inp.chargers_at.get(d, ())),
            "building_kw": inp.building_load_kw[d, r, h],
            "grid_kw": _v(m.grid_import_kw[key]),
            "pv_output_kw": pv_out,
            "pv_used_kw": _v(m.pv_used_kw[key]) if key in m.PV_HOURS else 0.0,
            "export_kw": _v(m.export_kw[key]) if key in m.EXPORT_HOURS else 0.0,
            "storage_charge_kw": _v(m.storage_charge_kw[key]) if key in m.STORAGE_HOURS else 0.0,
            "storage_discharge_kw": _v(m.storage_discharge_kw[key]) if key in m.STORAGE_HOURS else 0.0,
            "price_cny_per_kwh": inp.price_cny_per_kwh[inp.tariff_of[d, y], r, h],
        }
        soc_end = _v(m.storage_soc_kwh[key]) if key in m.STORAGE_HOURS else 0.0
        prev = inp.hours[(inp.hours.index(h) - 1) % len(inp.hours)]
        soc_start = _v(m.storage_soc_kwh[d, y, r, prev]) if key in m.STORAGE_HOURS else 0.0
        length = int(inp.hour_length_h[h])
        for i in range(length):
            soc = soc_start + (soc_end - soc_start) * (i + 1) / length
            rows.append({**row, "hour": h + i, "storage_soc_kwh": soc})
    cols = ["depot", "year", "day", "hour", "weight_days", "month", "temperature_c", "charge_kw",
            "building_kw", "grid_kw",
            "pv_output_kw", "pv_used_kw", "export_kw", "storage_charge_kw", "storage_discharge_kw",
            "storage_soc_kwh", "price_cny_per_kwh"]
    day_order = {r: i for i, r in enumerate(inp.days)}
    rows.sort(key=lambda row: (row["depot"], row["year"], day_order[row["day"]], row["hour"]))
    df = pd.DataFrame(rows, columns=cols)
    floats = df.select_dtypes("float").columns
    df[floats] = df[floats].round(ROUND) + 0.0
    return df


# category -> (model expression, sign): costs.csv's rows; their discounted sum is the NPV.
COST_CATEGORIES = {
    "capex_vehicles": ("vehicle_capex_cny", 1), "purchase_tax": ("purchase_tax_cny", 1),
    "trade_in_subsidy": ("trade_in_subsidy_cny", -1),
    "capex_chargers": ("charger_capex_cny", 1),
    "capex_pv": ("pv_capex_cny", 1), "capex_storage": ("storage_capex_cny", 1),
    "capex_grid": ("grid_capex_cny", 1), "resale": ("vehicle_resale_cny", -1),
    "fuel": ("fuel_cny", 1), "maintenance": ("maintenance_cny", 1),
    "public_charging": ("public_charging_cny", 1), "battery_swap": ("swap_cny", 1),
    "peak_rental": ("peak_rental_cny", 1),
    "electricity_energy": ("energy_cny", 1), "electricity_demand": ("demand_charge_cny", 1),
    "export_revenue": ("export_revenue_cny", -1), "om_pv": ("pv_om_cny", 1),
    "om_storage": ("storage_om_cny", 1), "carbon": ("carbon_cost_cny", 1),
}
CAPEX = ("capex_vehicles", "purchase_tax", "trade_in_subsidy", "capex_chargers", "capex_pv", "capex_storage", "capex_grid")
OPEX = ("fuel", "maintenance", "public_charging", "battery_swap", "peak_rental", "electricity_energy",
        "electricity_demand", "export_revenue",
        "om_pv", "om_storage", "carbon")


def _costs(m, inp):
    rows = []
    for y in inp.years:
        for cat, (name, sign) in COST_CATEGORIES.items():
            cny = sign * _v(getattr(m, name)[y])
            rows.append({"year": y, "category": cat, "cny": cny,
                         "discounted_cny": cny * inp.discount_factor[y]})
    end = inp.end_year + 1
    terminal = -_v(m.terminal_value_cny)
    rows.append({"year": end, "category": "terminal_value", "cny": terminal,
                 "discounted_cny": terminal * inp.discount_factor[end]})
    return _frame(rows, ["year", "category", "cny", "discounted_cny"], ["year"])


def _emissions(m, inp):
    """CO2 by depot, year and source: the model's own expressions (formulation fleet and grid),
    the same the carbon cap constrains."""
    rows = []
    for (d, y) in m.DEPOT_YEARS:
        rows.append({"year": y, "depot": d, "source": "fuel", "t": _v(m.fuel_emissions_depot_t[d, y])})
        rows.append({"year": y, "depot": d, "source": "grid", "t": _v(m.grid_emissions_depot_t[d, y])})
        rows.append({"year": y, "depot": d, "source": "public and swap",
                     "t": _v(m.away_emissions_depot_t[d, y])})
        if d in inp.rentals_at:
            rows.append({"year": y, "depot": d, "source": "peak rentals",
                         "t": _v(m.rental_emissions_depot_t[d, y])})
    return _frame(rows, ["year", "depot", "source", "t"], ["year", "depot", "source"])
