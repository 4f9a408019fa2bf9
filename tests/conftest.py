"""Tiny cases whose optimum can be worked out by hand, and helpers to solve them exactly."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from evfleet.inputs import load_inputs
from evfleet.single import solve_inputs
from evfleet.solver.highs import SolveOptions

EXACT = SolveOptions(mip_gap=0.0, threads=1)
REPO = Path(__file__).resolve().parents[1]

# A one-year world with round numbers: a diesel van `d` (1,000 CNY, 10 l/100 km), an electric van
# `e` (2,000 CNY, 20 kWh/100 km), both with a one-year life, no residual value and the purchase tax in
# their prices; a charger `c`
# (100 CNY, 100 kW, two vehicles each); diesel 1 CNY/l; electricity 0.1 CNY/kWh at every hour; no
# demand charge, no feed-in, a carbon-free grid. Duty: 100 km a day, 365 days, 2 vans.
TINY = {
    "name": "tiny",
    "city": "shenzhen",
    "start_year": 2025,
    "end_year": 2025,
    "discount_rate": 0.0,
    "cities": {"shenzhen": {
        "tariff": {"prices_cny_per_kwh": {"flat": 0.1}, "schedule": []},
        "demand_charge_cny_per_kw_month": 0, "feed_in_cny_per_kwh": 0, "pv_export_market_cny_per_kwh": 0,
        "grid_tco2_per_mwh": 0,
        "diesel_cny_per_l": 1.0}},
    "vehicles": {
        "d": {"vehicle_class": "test-van", "energy": "diesel", "price_cny": 1000, "l_per_100km": 10,
              "maintenance_cny_per_km": 0, "life_years": 1, "residual_share": 0,
              "price_includes_purchase_tax": True},
        "e": {"vehicle_class": "test-van", "energy": "electricity", "price_cny": 2000,
              "kwh_per_100km": 20, "battery_kwh": 100, "max_charge_kw": 50,
              "maintenance_cny_per_km": 0, "life_years": 1, "residual_share": 0,
              "price_includes_purchase_tax": True},
    },
    "chargers": {"c": {"power_kw": 100, "price_cny": 100, "life_years": 1, "vehicles_per_charger": 2}},
    "depots": [{
        "id": "dep", "grid_kw": 1000, "roof_m2": 0, "building_load_kw": 0,
        "duties": [{"name": "run", "vehicle_class": "test-van", "daily_km": 100,
                    "days_per_year": 365, "vehicles": 2}],
    }],
}


# A tricycle world (merged into TINY) next to TINY's vans: an electric tricycle `t` (500 CNY, 5 kWh/100 km, 10 kWh
# pack, 1.5 kW intake, one-year life, no residual), a port `port` (1.5 kW, 30 CNY, tricycles only,
# one tricycle a night). TINY's charger `c` is cheaper per vehicle (40 CNY for two) but fits vans.
TRIKES = {
    "vehicles": {"t": {"vehicle_class": "test-trike", "energy": "electricity", "price_cny": 500,
                       "kwh_per_100km": 5, "battery_kwh": 10, "max_charge_kw": 1.5,
                       "maintenance_cny_per_km": 0, "life_years": 1, "residual_share": 0,
                       "price_includes_purchase_tax": True}},
    "chargers": {"c": {"price_cny": 40, "classes": ["test-van"]},
                 "port": {"power_kw": 1.5, "price_cny": 30, "life_years": 1,
                          "vehicles_per_charger": 1, "classes": ["test-trike"]}},
}
FOUR_TRIKES = {"duties": [{"name": "trikes", "vehicle_class": "test-trike", "daily_km": 50,
                           "days_per_year": 365, "vehicles": 4}]}


def merge(base: dict, change: dict) -> dict:
    """Deep merge: mappings merge key by key; anything else replaces."""
    out = copy.deepcopy(base)
    for key, value in change.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def write_case(folder: Path, data: dict, name: str = "case.yaml") -> Path:
    path = folder / name
    yaml = YAML()
    yaml.default_flow_style = False
    with path.open("w", encoding="utf-8") as fh:
        yaml.dump(data, fh)
    return path


def tiny_case(change: dict | None = None, depot: dict | None = None,
              duty: dict | None = None) -> dict:
    """TINY with `change` merged in, and its one depot and one duty changed by `depot`, `duty`."""
    data = merge(TINY, change or {})
    if depot:
        data["depots"][0] = merge(data["depots"][0], depot)
    if duty:
        data["depots"][0]["duties"][0] = merge(data["depots"][0]["duties"][0], duty)
    return data


@pytest.fixture
def resolve_tiny(tmp_path):
    """resolve_tiny(change, depot=, duty=) -> the Inputs of tiny_case(...)."""
    counter = iter(range(1000))

    def run(change: dict | None = None, depot: dict | None = None, duty: dict | None = None):
        path = write_case(tmp_path, tiny_case(change, depot, duty), f"case{next(counter)}.yaml")
        return load_inputs(path)

    return run


@pytest.fixture
def solve_tiny(resolve_tiny):
    """solve_tiny(change, depot=, duty=) -> (summary, tables) of tiny_case(...), solved exactly."""
    return lambda *args, **kw: solve_inputs(resolve_tiny(*args, **kw), EXACT)
