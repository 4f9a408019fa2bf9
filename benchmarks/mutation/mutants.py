"""The mutants of `benchmarks/mutation/run.py`: each changes one constraint rule, one output
figure or one input rule of evfleet, in the test process only (mutants_plugin.py applies it).

Kinds:
- drop: a constraint rule of formulation/ returns Constraint.Skip for every index (the rule is
  removed from the model);
- column: one column of one result table (results/extract.py) is changed: numbers x 1.5 + 1,
  flags negated, text replaced;
- figure: one per-year figure (results/summary.per_year) or one compliance column is changed;
- field: one field produced by inputs/ (grid, policy, scales) is changed as named.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable


@dataclass(frozen=True)
class Mutant:
    name: str
    kind: str
    target: str  # module:attribute
    detail: str = ""  # the column, figure or field


FORMULATION_RULES = {
    "charging": ["supply_all_rule", "chargers_enough_rule", "charger_kw_def_rule",
                 "intake_kw_def_rule", "charge_energy_rule", "charger_power_rule",
                 "vehicle_intake_rule", "public_share_rule", "top_up_energy_rule",
                 "top_up_intake_rule", "top_up_within_rule"],
    "fleet": ["cohort_start_rule", "bought_serve_rule", "cohort_shrinks_rule", "need_met_rule",
              "held_rule"],
    "grid": ["site_balance_rule", "upgraded_kw_def_rule", "upgrade_needs_build_rule",
             "grid_limit_rule", "peak_def_rule", "two_part_rule_rule", "billed_peak_rule"],
    "peak": ["peak_met_rule"],
    "incentives": ["scrap_within_sales_rule", "new_within_buys_rule", "trade_pairs_rule"],
    "policy": ["budget_rule", "carbon_cap_rule", "ev_share_rule", "ev_share_electric_only_rule"],
    "solar_storage": ["pv_kw_def_rule", "roof_limit_rule", "pv_needs_first_rule",
                      "pv_available_rule", "pv_self_use_rule", "old_export_within_export_rule",
                      "old_export_within_output_rule", "storage_kwh_def_rule", "storage_limit_rule",
                      "storage_balance_rule", "storage_energy_limit_rule",
                      "storage_charge_limit_rule", "storage_discharge_limit_rule",
                      "storage_in_modules_rule"],
}
TABLE_COLUMNS = {
    "_fleet": ["count", "energy"],
    "_purchases": ["count", "capex_cny"],
    "_retirements": ["count", "value_cny", "reason"],
    "_chargers": ["installed", "added", "classes"],
    "_charging": ["vehicles", "kwh", "cost_cny", "supply"],
    "_solar": ["pv_kw", "added_kw", "pv_mode", "exported_kwh", "export_revenue_cny"],
    "_storage": ["storage_kwh", "added_kwh"],
    "_grid": ["connection_kw", "added_kw", "peak_kw", "demand_charged"],
    "_energy": ["charge_kw", "building_kw", "grid_kw", "pv_output_kw", "pv_used_kw", "export_kw",
                "storage_charge_kw", "storage_discharge_kw", "storage_soc_kwh",
                "price_cny_per_kwh", "weight_days", "month", "temperature_c"],
    "_costs": ["cny", "discounted_cny"],
    "_emissions": ["t"],
    "_peak": ["owned", "rented_combustion", "rented_electric", "rental_cny"],
}
PER_YEAR = ["capex_cny", "opex_cny", "emissions_t", "ev_count", "ice_count", "ev_share",
            "chargers", "pv_kw", "storage_kwh", "depot_charged_kwh", "public_kwh", "swap_kwh"]
COMPLIANCE = ["required", "achieved", "met"]
# inputs/ field -> how it is changed (a function of the resolved fields dict)
FIELDS: dict[str, Callable[[dict], None]] = {
    "grid:demand_cny_per_kw_year": lambda f: f.update(
        demand_cny_per_kw_year={k: v * 1.5 for k, v in f["demand_cny_per_kw_year"].items()}),
    "grid:two_part_fixed": lambda f: f.update(two_part_fixed={}),
    "grid:single_part_max_kw": lambda f: f.update(single_part_max_kw=f["two_part_threshold_kw"]),
    "grid:grid_tco2_per_kwh": lambda f: f.update(
        grid_tco2_per_kwh={k: v * 1.5 for k, v in f["grid_tco2_per_kwh"].items()}),
    "grid:feed_in_cny_per_kwh": lambda f: f.update(
        feed_in_cny_per_kwh={k: v * 1.5 for k, v in f["feed_in_cny_per_kwh"].items()}),
    "grid:export_market_cny_per_kwh": lambda f: f.update(export_market_cny_per_kwh={
        k: v * 1.5 + 0.01 for k, v in f["export_market_cny_per_kwh"].items()}),
    "grid:market_export_from_year": lambda f: f.update(
        market_export_from_year=f["market_export_from_year"] + 1),
    "grid:pv_mode": lambda f: f.update(pv_mode={k: "surplus_export" for k in f["pv_mode"]}),
    "grid:upgrade_fixed_cny": lambda f: f.update(
        upgrade_fixed_cny={k: 0.0 for k in f["upgrade_fixed_cny"]}),
    "grid:upgrade_life": lambda f: f.update(upgrade_life=f["upgrade_life"] * 2),
    "grid:export_depots": lambda f: f.update(export_depots=()),
    "policy:budget_cny": lambda f: f.update(budget_cny={y: v * 1.5 for y, v in f["budget_cny"].items()}),
    "policy:carbon_cap_t": lambda f: f.update(
        carbon_cap_t={y: v * 1.5 for y, v in f["carbon_cap_t"].items()}),
    "policy:carbon_price_cny_per_t": lambda f: f.update(
        carbon_price_cny_per_t=f["carbon_price_cny_per_t"] * 1.5 + 1),
    "policy:min_ev_share": lambda f: f.update(min_ev_share=None),
    "policy:pilot_ev_share": lambda f: f.update(pilot_ev_share=f["pilot_ev_share"] / 2),
    "policy:pilot_chargers_per_ev": lambda f: f.update(
        pilot_chargers_per_ev=f["pilot_chargers_per_ev"] / 2),
    "supply:vehicles_per_charger_of": lambda f: f.update(
        vehicles_per_charger_of={k: v * 2 for k, v in f["vehicles_per_charger_of"].items()}),
    "supply:charge_rate_kw": lambda f: f.update(
        charge_rate_kw={k: v * 1.5 for k, v in f["charge_rate_kw"].items()}),
    "supply:public_cny_per_vehicle_year": lambda f: f.update(public_cny_per_vehicle_year={
        k: v * 1.5 + 1 for k, v in f["public_cny_per_vehicle_year"].items()}),
    "supply:swap_cny_per_vehicle_year": lambda f: f.update(swap_cny_per_vehicle_year={
        k: v * 1.5 + 1 for k, v in f["swap_cny_per_vehicle_year"].items()}),
    "supply:supply_options": lambda f: f.update(supply_options={
        k: v[:-1] if len(v) > 1 else v for k, v in f["supply_options"].items()}),
    "supply:plugged_hours_h": lambda f: f.update(
        plugged_hours_h={d: 24.0 for d in f["plugged_hours_h"]}),
    "supply:day_energy_factor": lambda f: f.update(
        day_energy_factor={k: v * 1.5 for k, v in f["day_energy_factor"].items()}),
    "supply:top_up_share": lambda f: f.update(
        top_up_share={k: v * 1.5 for k, v in f["top_up_share"].items()}),
    "supply:top_up_kwh_per_vehicle_day": lambda f: f.update(top_up_kwh_per_vehicle_day={
        k: v / 2 for k, v in f["top_up_kwh_per_vehicle_day"].items()}),
    "fleet:purchase_tax_cny": lambda f: f.update(purchase_tax_cny={
        k: v * 1.5 + 1 for k, v in f["purchase_tax_cny"].items()}),
    "hourly:tariff_of": lambda f: f.update(tariff_of={
        (d, y): t.split(" from ")[0] for (d, y), t in f["tariff_of"].items()}),
    "peak:rental_cny_per_vehicle_day": lambda f: f.update(rental_cny_per_vehicle_day={
        k: v * 1.5 + 1 for k, v in f["rental_cny_per_vehicle_day"].items()}),
    "peak:peak_need_count": lambda f: f.update(peak_need_count={
        k: v - 1 for k, v in f["peak_need_count"].items()}),
    "fleet:sale_from_year": lambda f: f.update(sale_from_year={}),
    "fleet:ev_sale_max_count": lambda f: f.update(
        ev_sale_max_count={y: 0 for y in f["ev_sale_max_count"]}),
}
# solver/diagnosis.py TARGETS: a target's slack misnamed (its relaxation no longer reaches the
# model) or its place in the message lost
TARGET_CHANGES = {"slack": lambda t: {"slack": t.slack + "_mutant"},
                  "where": lambda t: {"where": lambda index: ""}}
TARGET_NAMES = ("budget", "carbon cap", "electric share", "duty need", "grid", "charger power")


def all_mutants() -> list[Mutant]:
    out = [Mutant(f"drop {module}.{rule}", "drop", f"evfleet.formulation.{module}:{rule}")
           for module, rules in FORMULATION_RULES.items() for rule in rules]
    out += [Mutant(f"column {fn[1:]}.{col}", "column", f"evfleet.results.extract:{fn}", col)
            for fn, cols in TABLE_COLUMNS.items() for col in cols]
    out += [Mutant(f"per_year {k}", "figure", "evfleet.results.summary:per_year", k)
            for k in PER_YEAR]
    out += [Mutant(f"compliance {k}", "figure", "evfleet.results.summary:compliance", k)
            for k in COMPLIANCE]
    out += [Mutant(f"inputs {k}", "field", k) for k in FIELDS]
    out.append(Mutant("inputs is_two_part strict", "rule", "evfleet.inputs.grid:is_two_part"))
    out += [Mutant(f"diagnosis {name} {change}", "target", "evfleet.solver.diagnosis:TARGETS",
                   f"{name}:{change}")
            for name in TARGET_NAMES for change in TARGET_CHANGES
            if change == "slack" or name in ("duty need", "grid")]
    return out


def by_name(name: str) -> Mutant:
    for m in all_mutants():
        if m.name == name:
            return m
    raise KeyError(name)


def changed(frame, column: str):
    """The frame with `column` changed: numbers x 1.5 + 1, flags negated, text replaced."""
    import pandas as pd

    out = frame.copy()
    if column not in out.columns or out.empty:
        return out
    values = out[column]
    if pd.api.types.is_bool_dtype(values):
        out[column] = ~values
    elif pd.api.types.is_numeric_dtype(values):
        out[column] = values * 1.5 + 1
    else:
        out[column] = values.astype(str) + "-mutant"
    return out


def apply(m: Mutant, monkeypatch) -> None:
    """Install mutant `m` with pytest's monkeypatch (undone when the session ends)."""
    import functools
    import importlib

    import pyomo.environ as pyo

    if m.kind == "field":  # the resolver's call of the concern's function, its result changed
        concern = m.target.split(":")[0]
        fn_name = {"grid": "grid_fields", "policy": "_policy_fields", "supply": "supply_fields",
                   "fleet": "fleet_fields", "hourly": "hourly_fields", "peak": "peak_fields"}[concern]
        module = importlib.import_module("evfleet.inputs.resolver")
        original = getattr(module, fn_name)

        def mutated(*args, **kw):
            fields = original(*args, **kw)
            FIELDS[m.target](fields)
            return fields

        monkeypatch.setattr(module, fn_name, mutated)
        return
    module_name, attr = m.target.split(":")
    module = importlib.import_module(module_name)
    original = getattr(module, attr)
    if m.kind == "drop":  # keeps the rule's docstring: the docs test must not be what kills it
        monkeypatch.setattr(module, attr, functools.wraps(original)(lambda *a: pyo.Constraint.Skip))
    elif m.kind == "column":
        monkeypatch.setattr(module, attr, lambda *args: changed(original(*args), m.detail))
    elif m.kind == "figure" and attr == "per_year":
        def per_year(*args):
            out = original(*args)
            for figures in out.values():
                v = figures[m.detail]
                figures[m.detail] = None if v is None else v * 1.5 + 1
            return out
        monkeypatch.setattr(module, attr, per_year)
    elif m.kind == "figure":
        monkeypatch.setattr(module, attr, lambda *args: changed(original(*args), m.detail))
    elif m.kind == "rule":
        monkeypatch.setattr(module, attr, lambda a, b: a > b)
    elif m.kind == "target":
        import dataclasses

        name, change = m.detail.split(":")
        targets = tuple(dataclasses.replace(t, **TARGET_CHANGES[change](t)) if t.name == name
                        else t for t in original)
        monkeypatch.setattr(module, "TARGETS", targets)
    else:
        raise ValueError(m.kind)

